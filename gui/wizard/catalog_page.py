"""Page «Каталог»: whether to bring the 1C catalogue over, which price types (and which is the base price), which
warehouses, free stock or stock on hand — and which way the portal takes stock (its inventory mode, read live)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from gui.error_text import describe_error
from gui.task_runner import TaskRunner

REF_ROLE = Qt.ItemDataRole.UserRole


class CatalogPage(QWizardPage):
    def __init__(self, runner: TaskRunner, load: Callable[[], Callable[[Any], Any]]) -> None:
        """``load()`` gives the work function reading the options (core.catalog_setup.catalog_options) with the
        connection data of the previous pages."""
        super().__init__()
        self._runner = runner
        self._load = load
        self._saved: dict[str, Any] = {}
        self.setTitle(self.tr("Каталог товаров"))
        self.setSubTitle(self.tr("Товары, услуги, цены и остатки из 1С в каталоге Битрикс24: менеджер собирает "
                                 "сделку из актуальных цен и видит, что есть на складе."))
        self.enabled = QCheckBox(self.tr("Переносить каталог из 1С в Битрикс24"))
        self.enabled.setChecked(True)
        self.status = QLabel(self.tr("Чтение видов цен и складов…"))
        self.status.setWordWrap(True)
        self.price_types = QListWidget()
        self.base = QComboBox()
        self.warehouses = QListWidget()
        self.mode = QLabel()
        self.mode.setWordWrap(True)
        self.free = QRadioButton(self.tr("Свободный остаток (в наличии минус резерв) — рекомендуется"))
        self.on_hand = QRadioButton(self.tr("Остаток в наличии, без учёта резервов"))
        self.free.setChecked(True)
        self._kind = QButtonGroup(self)
        self._kind.addButton(self.free)
        self._kind.addButton(self.on_hand)

        prices = QGroupBox(self.tr("Виды цен 1С, которые переносить"))
        prices_layout = QVBoxLayout(prices)
        prices_layout.addWidget(self.price_types)
        prices_layout.addWidget(QLabel(self.tr("Базовая цена портала (её видит менеджер в сделке) — из вида цен:")))
        prices_layout.addWidget(self.base)
        stock = QGroupBox(self.tr("Склады 1С, остатки которых показывать"))
        stock_layout = QVBoxLayout(stock)
        stock_layout.addWidget(self.warehouses)
        stock_layout.addWidget(self.free)
        stock_layout.addWidget(self.on_hand)
        stock_layout.addWidget(self.mode)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.status)
        layout.addWidget(prices)
        layout.addWidget(stock)
        self._groups = (prices, stock)
        self.enabled.toggled.connect(self._on_enabled)
        self.price_types.itemChanged.connect(lambda _item: self._refresh_base())

    # ---- loading ---------------------------------------------------------------------------------------------
    def load_existing(self, entities: list[str], settings: dict[str, Any]) -> None:
        self.enabled.setChecked(not entities or "product" in entities)
        self._saved = settings
        if (settings.get("stock") or {}).get("kind") == "in_stock":
            self.on_hand.setChecked(True)

    def initializePage(self) -> None:
        self.status.setText(self.tr("Чтение видов цен и складов из 1С и режима складского учёта портала…"))
        self._runner.submit(self._load(), on_result=self._on_options, on_error=self._on_error, owner=self)

    def _on_error(self, error: BaseException) -> None:
        self.status.setText(self.tr("Не удалось прочитать каталог: {error}").format(error=describe_error(error)))

    def _on_options(self, options: Any) -> None:
        chosen_types = set((self._saved.get("price_type") or {}).get("chosen") or [])
        chosen_stores = set((self._saved.get("warehouse") or {}).get("chosen") or [])
        self.price_types.clear()
        for option in options.price_types:
            label = f"{option.name} ({option.currency})"
            if option.deleted:
                label += " — " + self.tr("помечен на удаление")
            elif options.portal_currencies and option.currency not in options.portal_currencies:
                label += " — " + self.tr("валюты нет в портале, цены не перенесутся")
            item = QListWidgetItem(label)
            item.setData(REF_ROLE, option.ref)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = option.ref in chosen_types if chosen_types else not option.deleted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.price_types.addItem(item)
        self.warehouses.clear()
        for option in options.warehouses:
            item = QListWidgetItem(option.name)
            item.setData(REF_ROLE, option.ref)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = option.ref in chosen_stores if chosen_stores else True
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.warehouses.addItem(item)
        self._refresh_base((self._saved.get("price_type") or {}).get("base"))
        if options.inventory_management is True:
            self.mode.setText(self.tr("В портале включён складской учёт: остатки по каждому складу будут "
                                      "проводиться документами оприходования и списания."))
        elif options.inventory_management is False:
            self.mode.setText(self.tr("Складской учёт в портале выключен: в карточку товара записывается общее "
                                      "количество по выбранным складам."))
        else:
            self.mode.setText(self.tr("Режим складского учёта портала не определён: он будет проверен при "
                                      "синхронизации."))
        problems = "\n".join(options.problems)
        self.status.setText(problems or self.tr("Отметьте, что переносить. Выбор можно изменить в настройках."))
        self.completeChanged.emit()

    def _refresh_base(self, preferred: str | None = None) -> None:
        current = preferred or self.base.currentData()
        self.base.clear()
        for ref, label in self._checked(self.price_types, with_labels=True):
            self.base.addItem(label, ref)
        index = self.base.findData(current)
        if index >= 0:
            self.base.setCurrentIndex(index)
        self.completeChanged.emit()

    def _on_enabled(self, on: bool) -> None:
        for group in self._groups:
            group.setEnabled(on)
        self.completeChanged.emit()

    @staticmethod
    def _checked(widget: QListWidget, *, with_labels: bool = False) -> list[Any]:
        out = []
        for i in range(widget.count()):
            item = widget.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                ref = item.data(REF_ROLE)
                out.append((ref, item.text()) if with_labels else ref)
        return out

    # ---- result ----------------------------------------------------------------------------------------------
    def isComplete(self) -> bool:
        if not self.enabled.isChecked():
            return True
        return bool(self._checked(self.price_types)) and bool(self._checked(self.warehouses))

    def choice(self) -> dict[str, Any]:
        return {"enabled": self.enabled.isChecked(), "price_types": self._checked(self.price_types),
                "base": self.base.currentData(), "warehouses": self._checked(self.warehouses),
                "kind": "free" if self.free.isChecked() else "in_stock"}
