"""The sync journal as a Qt table model: one row per journal entry, newest first (as the store returns them).

Reasons arrive from core as a Russian template plus parameters. The template is translated with context
"journal" (the English .qm has them; gui/core_texts.py lists them for lupdate) and then formatted; if the
template or a parameter is missing, the Russian text the core rendered is shown instead, so a line is never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from gui.plain_text import tooltip

_Index = QModelIndex | QPersistentModelIndex

PROBLEM_ACTIONS = frozenset({"fail", "duplicate"})


def entity_label(entity: str) -> str:
    labels = {
        "counterparty": QCoreApplication.translate("JournalModel", "Контрагент"),
        "bank_account": QCoreApplication.translate("JournalModel", "Банковский счёт"),
        "contact": QCoreApplication.translate("JournalModel", "Контактное лицо"),
        "requisite": QCoreApplication.translate("JournalModel", "Реквизиты"),
        "product": QCoreApplication.translate("JournalModel", "Товар"),
        "deal": QCoreApplication.translate("JournalModel", "Сделка"),
    }
    return labels.get(entity, entity)


def action_label(action: str) -> str:
    labels = {
        "create": QCoreApplication.translate("JournalModel", "Создано"),
        "update": QCoreApplication.translate("JournalModel", "Обновлено"),
        "link": QCoreApplication.translate("JournalModel", "Связано"),
        "skip": QCoreApplication.translate("JournalModel", "Пропущено"),
        "fail": QCoreApplication.translate("JournalModel", "Ошибка"),
        "duplicate": QCoreApplication.translate("JournalModel", "Возможный дубль"),
        "mark": QCoreApplication.translate("JournalModel", "Отмечено"),
        "note": QCoreApplication.translate("JournalModel", "Замечание"),
        "plan": QCoreApplication.translate("JournalModel", "План"),
        "recover": QCoreApplication.translate("JournalModel", "Восстановлено"),
        "review": QCoreApplication.translate("JournalModel", "Решение"),
    }
    return labels.get(action, action)


def reason_for(entry: Any) -> str:
    template = getattr(entry, "reason_template", None) or ""
    fallback = getattr(entry, "reason_text", "") or template
    if not template:
        return fallback
    translated = QCoreApplication.translate("journal", template)
    try:
        return translated.format(**(getattr(entry, "reason_params", None) or {}))
    except (KeyError, IndexError, ValueError):
        return fallback


def format_timestamp(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # the store keeps UTC; people read local time
    return moment.strftime("%d.%m.%Y %H:%M")


def short_ref(ref: str | None) -> str:
    """1C references are 36-character GUIDs: the first block is enough to tell rows apart on screen."""
    if not ref:
        return ""
    return ref.split("-")[0] + "…" if len(ref) > 12 and "-" in ref else ref


class JournalModel(QAbstractTableModel):
    COLUMNS: ClassVar[tuple[str, ...]] = ("time", "object", "action", "onec", "b24", "reason")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[Any] = []

    def set_entries(self, entries: Sequence[Any]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> Any:
        return self._entries[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default argument
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("Время"), self.tr("Объект"), self.tr("Действие"), self.tr("1С"), self.tr("Битрикс24"),
            self.tr("Причина"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            # tooltips render rich text on their own: data is escaped so it shows exactly as typed
            if column == "onec":
                return tooltip(entry.onec_ref)
            if column == "b24":
                return tooltip(getattr(entry, "portal_url", None))
            if column == "object":
                return tooltip(f"{entity_label(entry.entity)}: {entry.title}" if entry.title
                               else entity_label(entry.entity))
            if column == "reason":
                return tooltip(self._display(entry, column))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and entry.action in PROBLEM_ACTIONS:
            return QBrush(QColor("#b3261e") if entry.action == "fail" else QColor("#8a5a00"))
        return None

    def _display(self, entry: Any, column: str) -> str:
        if column == "time":
            return format_timestamp(entry.ts)
        if column == "object":
            # the entity type is in the tooltip and the details pane: the narrow column is for the name
            return entry.title or entity_label(entry.entity)
        if column == "action":
            return action_label(entry.action)
        if column == "onec":
            # ИНН when known (people search by it), never a bare GUID fragment when there is something better
            inn = getattr(entry, "inn", None)
            if inn:
                return QCoreApplication.translate("JournalModel", "ИНН {inn}").format(inn=inn)
            if inn is not None:
                return ""  # a facade row without ИНН: no GUID fragment for people (the tooltip has the reference)
            return short_ref(entry.onec_ref)
        if column == "b24":
            return str(entry.b24_id or "")
        return reason_for(entry)
