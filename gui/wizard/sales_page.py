"""Page «Продажи»: won deals become 1C customer orders, and 1C tells the deal what happened next.

Everything is picked from real lists — the base's organisations, warehouses and agreements, the portal's funnels
and stages — read by «Загрузить списки» through the connections of the previous pages. Off by default: the sales
loop needs these choices, and a wizard finished without them keeps it off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWizardPage,
)

from core.service import ORDER_STATUSES, PATH_EVENTS, SalesSettings
from gui.error_text import describe_error
from gui.task_runner import TaskContext, TaskRunner
from gui.wizard.form_hints import FormGrid, hint_label

#: 1C events of the stage map (order statuses, then payment and shipment events) and how the admin reads them;
#: the event names are 1C's and core's identifiers, zipped here so that no 1C name reads as UI text
EVENTS = (*ORDER_STATUSES, *PATH_EVENTS)
EVENT_TITLES = dict(zip(EVENTS, (
    QT_TRANSLATE_NOOP("SalesPage", "Заказ не согласован"),
    QT_TRANSLATE_NOOP("SalesPage", "Заказ к обеспечению"),
    QT_TRANSLATE_NOOP("SalesPage", "Заказ к отгрузке"),
    QT_TRANSLATE_NOOP("SalesPage", "Заказ закрыт"),
    QT_TRANSLATE_NOOP("SalesPage", "Оплачен частично"),
    QT_TRANSLATE_NOOP("SalesPage", "Оплачен полностью"),
    QT_TRANSLATE_NOOP("SalesPage", "Отгружен частично"),
    QT_TRANSLATE_NOOP("SalesPage", "Отгружен полностью"),
), strict=True))

#: connection of the previous pages: () -> (onec_url, onec_user, password or None, webhook or None, ca_file, profile)
ConnectionGetter = Callable[[], tuple[str, str, str | None, str | None, str | None, str]]


class SalesPage(QWizardPage):
    def __init__(self, load_choices: Callable[..., Any] | None, runner: TaskRunner,
                 connection: ConnectionGetter, saved_secret: Callable[[str], str | None]) -> None:
        super().__init__()
        self._load_choices = load_choices
        self._runner = runner
        self._connection = connection
        self._saved_secret = saved_secret
        self._choices: Any = None
        self._loaded_settings = SalesSettings()
        self.setTitle(self.tr("Продажи"))
        self.setSubTitle(self.tr("Выигранные сделки становятся заказами клиентов в 1С, а оплаты и отгрузки из 1С "
                                 "появляются в сделке."))

        self.enabled = QCheckBox(self.tr("Переносить сделки в 1С как заказы клиентов"))
        self.load_button = QPushButton(self.tr("Загрузить списки из 1С и Битрикс24"))
        self.load_status = hint_label(self.tr("Списки ещё не загружены."))
        self.organisation = QComboBox()
        self.warehouse = QComboBox()
        self.agreement = QComboBox()
        self.operation = QComboBox()
        self.post_orders = QCheckBox(self.tr("Проводить заказы (иначе — сохранять черновиком)"))
        self.post_orders.setChecked(True)
        self.create_counterparties = QCheckBox(self.tr("Создавать в 1С контрагента, если его нет (по ИНН из "
                                                       "реквизитов компании)"))
        self.start_date = QDateEdit(QDate.currentDate())
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("dd.MM.yyyy")
        self.triggers = QTableWidget(0, 2)
        self.triggers.setHorizontalHeaderLabels([self.tr("Воронка"), self.tr("Когда создавать заказ")])
        self.stage_map = QTableWidget(len(EVENTS), 0)
        self.stage_map.setVerticalHeaderLabels([self.tr(EVENT_TITLES[e]) for e in EVENTS])
        for table in (self.triggers, self.stage_map):
            table.horizontalHeader().setStretchLastSection(True)
            table.setMinimumHeight(120)

        form = FormGrid()
        form.add_row("", self.enabled)
        form.add_row("", self.load_button, self.load_status)
        form.add_row(self.tr("Организация:"), self.organisation,
                     self.tr("От имени какой организации оформлять заказы."))
        form.add_row(self.tr("Склад:"), self.warehouse, self.tr("С какого склада отгружать по заказам."))
        form.add_row(self.tr("Соглашение:"), self.agreement,
                     self.tr("Типовое соглашение с клиентами; «не используются», если в базе соглашений нет."))
        form.add_row(self.tr("Хозяйственная операция:"), self.operation,
                     self.tr("Как 1С учитывает продажу по заказу (значение реквизита «Хозяйственная операция»)."))
        form.add_row("", self.post_orders, self.tr(
            "Если 1С откажется проводить заказ (например, нет свободного остатка при контроле остатков), заказ "
            "останется непроведённым, а причина — словами 1С — попадёт в журнал."))
        form.add_row("", self.create_counterparties)
        form.add_row(self.tr("Начиная с даты:"), self.start_date, self.tr(
            "Более старые сделки и документы 1С не переносятся — подключение портала с многолетней историей не "
            "завалит ни одну из сторон."))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Стадия, на которой сделка уходит в 1С:")))
        layout.addWidget(self.triggers)
        layout.addWidget(QLabel(self.tr("Куда двигать сделку по событиям в 1С (пусто — не двигать):")))
        layout.addWidget(self.stage_map)

        self.load_button.clicked.connect(self.load)
        self.enabled.toggled.connect(self._refresh)
        self._refresh()

    # ---- loading the lists ---------------------------------------------------------------------------------
    def load(self) -> None:
        if self._load_choices is None:
            return
        url, user, password, webhook, ca_file, profile = self._connection()
        load, saved = self._load_choices, self._saved_secret

        def work(context: TaskContext) -> Any:
            from core.service import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD
            secret = password if password is not None else (saved(SECRET_ONEC_PASSWORD) or "")
            hook = webhook or saved(SECRET_B24_WEBHOOK) or ""
            return load(url, user, secret, hook, ca_file, profile)

        self.load_status.setText(self.tr("Загружаю списки…"))
        self.load_button.setEnabled(False)
        self._runner.submit(work, on_result=self.set_choices, on_error=self._on_error, owner=self)

    def _on_error(self, error: BaseException) -> None:
        self.load_button.setEnabled(True)
        self.load_status.setText(self.tr("Не удалось загрузить списки: {error}").format(error=describe_error(error)))

    def set_choices(self, choices: Any) -> None:
        self._choices = choices
        self.load_button.setEnabled(True)
        self.load_status.setText(self.tr("Загружено: организаций {o}, складов {w}, соглашений {a}, воронок {f}.")
                                 .format(o=len(choices.organisations), w=len(choices.warehouses),
                                         a=len(choices.agreements), f=len(choices.funnels)))
        settings = self._loaded_settings
        _fill(self.organisation, choices.organisations, settings.organisation_ref)
        _fill(self.warehouse, choices.warehouses, settings.warehouse_ref)
        _fill(self.agreement, [("", self.tr("не используются")), *choices.agreements], settings.agreement_ref)
        # 1C's own enumeration values, shown as 1C writes them (the accountant knows them in this form)
        _fill(self.operation, [(value, value) for value in choices.operations], settings.operation)
        self.triggers.setRowCount(len(choices.funnels))
        self.stage_map.setColumnCount(len(choices.funnels))
        self.stage_map.setHorizontalHeaderLabels([f.name for f in choices.funnels])
        for row, funnel in enumerate(choices.funnels):
            self.triggers.setCellWidget(row, 0, QLabel(funnel.name))
            combo = QComboBox()
            combo.addItem(self.tr("Успешная стадия (по умолчанию)"), "")
            for status_id, name, semantics in funnel.stages:
                if semantics != "F":
                    combo.addItem(name, status_id)
            _select(combo, settings.trigger_stages.get(str(funnel.id), ""))
            self.triggers.setCellWidget(row, 1, combo)
            mapped = settings.stage_map.get(str(funnel.id), {})
            for event_row, event in enumerate(EVENTS):
                cell = QComboBox()
                cell.addItem("—", "")
                for status_id, name, semantics in funnel.stages:
                    if semantics != "F":
                        cell.addItem(name, status_id)
                _select(cell, mapped.get(event, ""))
                self.stage_map.setCellWidget(event_row, row, cell)
        self._refresh()

    def _refresh(self) -> None:
        on = self.enabled.isChecked()
        loaded = self._choices is not None
        self.load_button.setEnabled(on)
        for widget in (self.organisation, self.warehouse, self.agreement, self.operation, self.post_orders,
                       self.create_counterparties,
                       self.start_date, self.triggers, self.stage_map):
            widget.setEnabled(on and loaded)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if not self.enabled.isChecked():
            return True
        return self._choices is not None and bool(self.organisation.currentData()) and bool(
            self.warehouse.currentData())

    # ---- values ----------------------------------------------------------------------------------------------
    def load_existing(self, data: dict[str, Any] | None) -> None:
        try:
            self._loaded_settings = SalesSettings.from_dict(data, check=False)
        except Exception:  # a damaged entry is re-entered here rather than blocking the settings window
            self._loaded_settings = SalesSettings()
        s = self._loaded_settings
        self.enabled.setChecked(s.enabled)
        self.post_orders.setChecked(s.post_orders)
        self.create_counterparties.setChecked(s.create_counterparties)
        self.start_date.setDate(QDate.fromString(s.start_date, "yyyy-MM-dd"))
        self._refresh()

    def settings(self) -> dict[str, Any]:
        """What goes into ``Profile.entity_settings["sales"]``. Choices not loaded keep the saved ones."""
        s = self._loaded_settings
        if self._choices is None:
            return {**s.to_dict(), "enabled": self.enabled.isChecked() and s.enabled}
        triggers: dict[str, str] = {}
        stage_map: dict[str, dict[str, str]] = {}
        for row, funnel in enumerate(self._choices.funnels):
            combo = self.triggers.cellWidget(row, 1)
            if isinstance(combo, QComboBox) and combo.currentData():
                triggers[str(funnel.id)] = str(combo.currentData())
            events = {}
            for event_row, event in enumerate(EVENTS):
                cell = self.stage_map.cellWidget(event_row, row)
                if isinstance(cell, QComboBox) and cell.currentData():
                    events[event] = str(cell.currentData())
            if events:
                stage_map[str(funnel.id)] = events
        return SalesSettings(
            enabled=self.enabled.isChecked(), trigger_stages=triggers, stage_map=stage_map,
            organisation_ref=str(self.organisation.currentData() or ""),
            warehouse_ref=str(self.warehouse.currentData() or ""),
            agreement_ref=str(self.agreement.currentData() or ""),
            operation=str(self.operation.currentData() or s.operation), order_status=s.order_status,
            post_orders=self.post_orders.isChecked(), create_counterparties=self.create_counterparties.isChecked(),
            start_date=self.start_date.date().toString("yyyy-MM-dd"), vat_rates=s.vat_rates,
        ).to_dict()


def _fill(combo: QComboBox, items: list[tuple[str, str]], current: str) -> None:
    combo.clear()
    for value, title in items:
        combo.addItem(title, value)
    _select(combo, current)


def _select(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)
