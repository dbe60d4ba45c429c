"""Form building for the wizard pages: caption, field, and the grey explanation under the field.

A QGridLayout rather than QFormLayout: QFormLayout reserves height for word-wrapped labels at the wrong width,
which left large gaps around the Russian hints (seen in the offscreen screenshots).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("color: #5a5f66;")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.92)
    label.setFont(font)
    return label


class FormGrid(QGridLayout):
    """Two columns: captions on the left, fields (with their hints under them) on the right."""

    def __init__(self) -> None:
        super().__init__()
        self.setColumnStretch(1, 1)
        self.setHorizontalSpacing(12)
        self.setVerticalSpacing(4)
        self._next_row = 0

    def add_row(self, caption: str, field: QWidget, hint: QLabel | str | None = None) -> QLabel | None:
        """Add a field; returns the hint label (so the caller can change or hide it later)."""
        row = self._next_row
        if caption:
            self.addWidget(QLabel(caption), row, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.addWidget(field, row, 1)
        label = None
        if hint is not None:
            label = hint_label(hint) if isinstance(hint, str) else hint
            row += 1
            self.addWidget(label, row, 1)
        self.setRowMinimumHeight(row + 1, 6)  # breathing space before the next field
        self._next_row = row + 2
        return label
