"""«Далее» enabled or not, without overriding QWizardPage.isComplete() in Python.

Why: in PySide6 6.12 every call of a Python ``isComplete()`` override from C++ loses one reference to the returned
bool (checked: 100 ``completeChanged`` emits drop ``sys.getrefcount(True)`` by 100). QWizard calls it on every
keystroke, so a long session ends with "Fatal Python error: deallocating True". Instead the page registers a hidden
mandatory field and fills or clears it; Qt's own isComplete() (all mandatory fields non-empty) does the rest.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWizardPage


class CompletionGate:
    def __init__(self, page: QWizardPage, field_name: str) -> None:
        self._edit = QLineEdit(page)
        self._edit.hide()
        page.registerField(f"{field_name}*", self._edit)  # "*": mandatory, so an empty gate disables «Далее»

    def set_ready(self, ready: bool) -> None:
        text = "1" if ready else ""
        if self._edit.text() != text:
            self._edit.setText(text)  # QWizardPage re-evaluates completeness on the field's change
