"""Data is shown as plain text, everywhere.

A QLabel or a tooltip decides by itself whether a string "might be rich text" and then renders it as HTML: a 1C
company called ``<img src="file://server/share/x.png">`` would make Qt fetch the file (on Windows a UNC path sends
the user's NTLM hash to that server). Names, reasons, error texts and server messages therefore go through these
helpers: labels are fixed to PlainText, tooltips are escaped into a rich text that shows the exact characters,
notifications (some notification servers render markup) get harmless lookalikes for the markup characters.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    return plain(QLabel(text, parent))


def tooltip(text: str | None) -> str | None:
    """A tooltip that shows ``text`` exactly: tooltips have no format switch, so it is escaped rich text."""
    if not text:
        return None
    return "<p style='white-space:pre-wrap'>" + html.escape(text).replace("\n", "<br>") + "</p>"


def notification_text(text: str) -> str:
    """Balloon/notification body: markup characters replaced by lookalikes (escaping would show "&lt;" on the
    servers that do not render markup)."""
    return text.replace("&", "＆").replace("<", "‹").replace(">", "›")


def warning_box(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
