"""Input for the Bitrix24 incoming-webhook URL that never shows the secret code once it has been entered.

The webhook URL *is* the password (``https://portal/rest/1/<code>/``). After the user finishes typing or pasting,
the field keeps the full value privately and displays ``mask_url(value)``; «Изменить» clears it for a fresh entry.
In settings mode the saved webhook is not loaded at all: the field says a webhook is saved and returns ``None``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from core.redact import mask_url

# portal (any path prefix of a box install), /rest/<user id>/<code>, then optionally a method name we drop
_WEBHOOK_RE = re.compile(r"^(?P<base>https?://[^\s/]+(?:/[^\s]*?)?/rest/\d+/[^/\s?#]+)(?:/[^\s]*)?$")


def normalise_webhook_url(url: str) -> str | None:
    """``https://portal/rest/1/code/profile.json`` → ``https://portal/rest/1/code/``; None if it is no webhook."""
    match = _WEBHOOK_RE.match(url.strip())
    return match.group("base") + "/" if match else None


class WebhookField(QWidget):
    #: the value changed (typed, concealed, cleared)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = ""
        self._concealed = False
        self._saved = False
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("https://portal.example.ru/rest/1/xxxxxxxxxxxxxxxx/")
        self.edit.editingFinished.connect(self._conceal)
        self.edit.textEdited.connect(self._on_text_edited)
        self.change_button = QPushButton(self.tr("Изменить"))
        self.change_button.setVisible(False)
        self.change_button.clicked.connect(self.start_over)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.change_button)

    # ---- value -----------------------------------------------------------------------------------------------
    def value(self) -> str | None:
        """The full webhook URL as entered; None while the saved one is kept (settings mode)."""
        if self._saved:
            return None
        return self._value if self._concealed else self.edit.text().strip()

    def is_saved(self) -> bool:
        return self._saved

    def has_value(self) -> bool:
        return self._saved or bool(self.value())

    def set_value(self, url: str) -> None:
        """Programmatic entry (tests, demo): behaves as if the user pasted ``url`` and left the field."""
        self._saved = False
        self._concealed = False
        self.edit.setReadOnly(False)
        self.edit.setText(url)
        self._conceal()

    def set_saved(self, display: str) -> None:
        self._saved = True
        self._concealed = True
        self._value = ""
        self.edit.setText(display)
        self.edit.setReadOnly(True)
        self.change_button.setVisible(True)
        self.changed.emit()

    # ---- reacting --------------------------------------------------------------------------------------------
    @Slot()
    def _conceal(self) -> None:
        if self._concealed or self._saved:
            return
        text = self.edit.text().strip()
        if not text:
            return
        self._value = text
        masked = mask_url(text)
        if masked == text:
            self.changed.emit()  # not a webhook URL (no code in it): stays editable, the page says what is wrong
            return
        self._concealed = True
        self.edit.setText(masked)
        self.edit.setReadOnly(True)
        self.change_button.setVisible(True)
        self.changed.emit()

    @Slot()
    def start_over(self) -> None:
        self._saved = False
        self._concealed = False
        self._value = ""
        self.edit.setReadOnly(False)
        self.edit.clear()
        self.change_button.setVisible(False)
        self.edit.setFocus()
        self.changed.emit()

    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        self.changed.emit()
