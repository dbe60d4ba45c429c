"""Settings: tabs for connections, schedule, entities and directions, prices and warehouses, stage maps, language,
proxy and autostart. No re-run of the wizard: each tab edits the saved profile; changed connections are checked
before anything is saved.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from core.service import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD, Profile, SyncBridgeError, normalise_onec_url
from core.service import portal_url_from_webhook as portal_of
from gui.error_text import describe_error
from gui.icons import app_icon
from gui.task_runner import TaskContext, TaskRunner
from gui.wizard.check_panel import FAIL_MARK, OK_MARK, WARN_MARK, translated_check_text
from gui.wizard.onec_page import ONEC_PROFILES
from gui.wizard.schedule_page import LANGUAGE_NAMES, MAX_MINUTES, MIN_MINUTES

#: per-entity settings other work reads (PipelineEnv.settings): which entity holds which placeholder
PRICE_ENTITY, STOCK_ENTITY = "product", "stock"
#: the sales loop's settings (core.mapping.sales_settings.SalesSettings): stage map per funnel; "0" = the general one
SALES_KEY, GENERAL_FUNNEL = "sales", "0"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SettingsWindow(QWidget):
    #: the profile was saved (carries the new Profile)
    saved = Signal(object)
    #: pause the schedule for N hours (0 = resume)
    pause_requested = Signal(float)

    def __init__(self, service: Any, runner: TaskRunner, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._profile = profile
        self._busy = False
        self.setWindowTitle(self.tr("SyncBridge — настройки"))
        self.setWindowIcon(app_icon())
        self.resize(760, 560)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._connections_tab(), self.tr("Подключения"))
        self.tabs.addTab(self._schedule_tab(), self.tr("Расписание"))
        self.tabs.addTab(self._entities_tab(), self.tr("Объекты"))
        self.tabs.addTab(self._catalog_tab(), self.tr("Цены и склады"))
        self.tabs.addTab(self._stages_tab(), self.tr("Стадии сделок"))
        self.tabs.addTab(self._general_tab(), self.tr("Общие"))
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.load(profile)

    # ---- tabs ------------------------------------------------------------------------------------------------
    def _connections_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.onec_url = QLineEdit()
        self.onec_user = QLineEdit()
        self.onec_password = QLineEdit()
        self.onec_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.onec_password.setPlaceholderText(self.tr("не менять сохранённый пароль"))
        self.onec_profile = QComboBox()
        for code, title in ONEC_PROFILES:
            self.onec_profile.addItem(QCoreApplication.translate("OneCPage", title), code)
        self.webhook = QLineEdit()
        self.webhook.setEchoMode(QLineEdit.EchoMode.Password)
        self.webhook.setPlaceholderText(self.tr("не менять сохранённый вебхук"))
        self.ca_file = QLineEdit()
        browse = QPushButton(self.tr("Выбрать…"))
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        self.check_button = QPushButton(self.tr("Проверить подключения"))
        self.check_button.clicked.connect(lambda: self._check_then(None))
        self.check_report = QPlainTextEdit()
        self.check_report.setReadOnly(True)
        self.check_report.setMaximumHeight(150)
        form.addRow(self.tr("Публикация 1С:"), self.onec_url)
        form.addRow(self.tr("Пользователь 1С:"), self.onec_user)
        form.addRow(self.tr("Пароль 1С:"), self.onec_password)
        form.addRow(self.tr("Конфигурация 1С:"), self.onec_profile)
        form.addRow(self.tr("Вебхук Битрикс24:"), self.webhook)
        form.addRow(self.tr("Сертификат ЦС портала:"), ca_row)
        form.addRow(self.check_button)
        form.addRow(self.check_report)
        return page

    def _schedule_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutes.setPrefix(self.tr("каждые "))
        self.minutes.setSuffix(self.tr(" мин"))
        self.work_hours = QCheckBox(self.tr("Только в рабочее время"))
        self.work_start = QTimeEdit()
        self.work_end = QTimeEdit()
        for edit in (self.work_start, self.work_end):
            edit.setDisplayFormat("HH:mm")
        self.work_hours.toggled.connect(self.work_start.setEnabled)
        self.work_hours.toggled.connect(self.work_end.setEnabled)
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.work_hours)
        hours_row.addWidget(QLabel(self.tr("с")))
        hours_row.addWidget(self.work_start)
        hours_row.addWidget(QLabel(self.tr("до")))
        hours_row.addWidget(self.work_end)
        hours_row.addStretch(1)
        self.pause_hours = QDoubleSpinBox()
        self.pause_hours.setRange(0.5, 24 * 14)
        self.pause_hours.setValue(4)
        self.pause_hours.setSuffix(self.tr(" ч"))
        self.pause_button = QPushButton(self.tr("Приостановить"))
        self.pause_button.clicked.connect(lambda: self.pause_requested.emit(float(self.pause_hours.value())))
        self.resume_button = QPushButton(self.tr("Возобновить"))
        self.resume_button.clicked.connect(lambda: self.pause_requested.emit(0.0))
        pause_row = QHBoxLayout()
        pause_row.addWidget(self.pause_hours)
        pause_row.addWidget(self.pause_button)
        pause_row.addWidget(self.resume_button)
        pause_row.addStretch(1)
        form.addRow(self.tr("Синхронизировать:"), self.minutes)
        form.addRow(self.tr("Рабочее время:"), hours_row)
        form.addRow(self.tr("Пауза на:"), pause_row)
        note = QLabel(self.tr("Вне рабочего времени и во время паузы синхронизация по расписанию не запускается; "
                              "«Синхронизировать сейчас» работает всегда."))
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _entities_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.entity_table = QTableWidget(0, 3)
        self.entity_table.setHorizontalHeaderLabels([self.tr("Объекты"), self.tr("Переносить"),
                                                     self.tr("Направление")])
        self.entity_table.verticalHeader().setVisible(False)
        self.entity_table.horizontalHeader().setStretchLastSection(True)
        self.entity_checks: dict[str, QCheckBox] = {}
        self._default_entities: set[str] = set()
        layout.addWidget(self.entity_table, 1)  # the list takes the tab's height: a dozen entities fit unscrolled
        note = QLabel(self.tr("Здесь появляются все объекты, которые умеет переносить эта конфигурация 1С. "
                              "Снятая галочка — объект не синхронизируется."))
        note.setWordWrap(True)
        layout.addWidget(note)
        service = self._service
        self._runner.submit(lambda context: service.entity_choices(), on_result=self._fill_entities,
                            on_error=lambda error: self._say(describe_error(error)), owner=self)
        return page

    def _fill_entities(self, choices: list[tuple[str, str, bool, bool]]) -> None:
        from gui.status_text import entity_text

        directions = {"1c->b24": self.tr("1С → Битрикс24"), "b24->1c": self.tr("Битрикс24 → 1С")}
        self.entity_table.setRowCount(len(choices))
        self.entity_checks.clear()
        self._default_entities = {entity for entity, _direction, _on, default in choices if default}
        for row, (entity, direction, enabled, _default) in enumerate(choices):
            self.entity_table.setItem(row, 0, QTableWidgetItem(entity_text(entity)))
            check = QCheckBox()
            check.setChecked(enabled)
            self.entity_table.setCellWidget(row, 1, check)
            self.entity_table.setItem(row, 2, QTableWidgetItem(directions.get(direction, direction)))
            self.entity_checks[entity] = check
        self.entity_table.resizeColumnsToContents()

    def _catalog_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.price_types = QPlainTextEdit()
        self.price_types.setPlaceholderText(self.tr("Один вид цены 1С в строке, например «Розничная»"))
        self.warehouses = QPlainTextEdit()
        self.warehouses.setPlaceholderText(self.tr("Один склад 1С в строке"))
        form.addRow(self.tr("Виды цен:"), self.price_types)
        form.addRow(self.tr("Склады:"), self.warehouses)
        return page

    def _stages_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.stage_table = QTableWidget(0, 2)
        self.stage_table.setHorizontalHeaderLabels([self.tr("Событие в 1С (статус заказа, оплата, отгрузка)"),
                                                    self.tr("Стадия сделки (общая воронка)")])
        self.stage_table.horizontalHeader().setStretchLastSection(True)
        add = QPushButton(self.tr("Добавить строку"))
        add.clicked.connect(lambda: self.stage_table.insertRow(self.stage_table.rowCount()))
        layout.addWidget(self.stage_table, 1)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText("http://proxy.office.local:3128")
        self.autostart = QCheckBox(self.tr("Запускать SyncBridge при входе в систему"))
        form.addRow(self.tr("Язык интерфейса:"), self.language)
        form.addRow(self.tr("Прокси-сервер:"), self.proxy)
        form.addRow(self.autostart)
        return page

    # ---- profile ⇄ widgets -----------------------------------------------------------------------------------
    def load(self, profile: Profile) -> None:
        self._profile = profile
        self.onec_url.setText(profile.onec_url)
        self.onec_user.setText(profile.onec_user)
        self.onec_profile.setCurrentIndex(max(0, self.onec_profile.findData(profile.onec_profile)))
        self.ca_file.setText(profile.bitrix24_ca_file or "")
        self.minutes.setValue(profile.schedule_minutes)
        has_hours = bool(profile.work_hours_start and profile.work_hours_end)
        self.work_hours.setChecked(has_hours)
        self.work_start.setEnabled(has_hours)
        self.work_end.setEnabled(has_hours)
        self.work_start.setTime(QTime.fromString(profile.work_hours_start or "08:00", "HH:mm"))
        self.work_end.setTime(QTime.fromString(profile.work_hours_end or "19:00", "HH:mm"))
        for entity, check in self.entity_checks.items():
            check.setChecked(entity in profile.entities if profile.entities else entity in self._default_entities)
        settings = profile.entity_settings
        self.price_types.setPlainText("\n".join(settings.get(PRICE_ENTITY, {}).get("price_types", [])))
        self.warehouses.setPlainText("\n".join(settings.get(STOCK_ENTITY, {}).get("warehouses", [])))
        stage_map = dict((settings.get(SALES_KEY, {}).get("stage_map") or {}).get(GENERAL_FUNNEL, {}))
        self.stage_table.setRowCount(len(stage_map))
        for row, (event, stage) in enumerate(stage_map.items()):
            self.stage_table.setItem(row, 0, QTableWidgetItem(event))
            self.stage_table.setItem(row, 1, QTableWidgetItem(stage))
        self.language.setCurrentIndex(max(0, self.language.findData(profile.language)))
        self.proxy.setText(profile.proxy)
        self.autostart.setChecked(profile.autostart)

    def build_profile(self) -> Profile:
        stage_map = {}
        for row in range(self.stage_table.rowCount()):
            stage, status = self.stage_table.item(row, 0), self.stage_table.item(row, 1)
            if stage and status and stage.text().strip() and status.text().strip():
                stage_map[stage.text().strip()] = status.text().strip()
        webhook = self.webhook.text().strip()
        chosen = [entity for entity, check in self.entity_checks.items() if check.isChecked()]
        # exactly the default set ticked = "the default" (new default entities then come in by themselves); opt-in
        # entities such as the catalogue are kept by listing every chosen entity
        entities = [] if set(chosen) == self._default_entities else chosen
        if not self.entity_checks:  # the list has not arrived yet: keep what was saved
            entities = list(self._profile.entities)
        settings = {name: dict(values) for name, values in self._profile.entity_settings.items()}
        for entity, key, value in ((PRICE_ENTITY, "price_types", _lines(self.price_types.toPlainText())),
                                   (STOCK_ENTITY, "warehouses", _lines(self.warehouses.toPlainText()))):
            if value:
                settings.setdefault(entity, {})[key] = value
            else:
                settings.get(entity, {}).pop(key, None)
        # the general funnel's row of the sales stage map; other funnels (set in the wizard) stay as they are
        funnels = dict(settings.get(SALES_KEY, {}).get("stage_map") or {})
        if stage_map:
            funnels[GENERAL_FUNNEL] = stage_map
        else:
            funnels.pop(GENERAL_FUNNEL, None)
        if funnels or SALES_KEY in settings:
            settings.setdefault(SALES_KEY, {})["stage_map"] = funnels
        settings = {name: values for name, values in settings.items() if values}
        return replace(
            self._profile,
            onec_url=normalise_onec_url(self.onec_url.text()), onec_user=self.onec_user.text().strip(),
            onec_profile=str(self.onec_profile.currentData()),
            bitrix24_url=portal_of(webhook) if webhook else self._profile.bitrix24_url,
            bitrix24_ca_file=self.ca_file.text().strip() or None,
            schedule_minutes=int(self.minutes.value()),
            work_hours_start=self.work_start.time().toString("HH:mm") if self.work_hours.isChecked() else "",
            work_hours_end=self.work_end.time().toString("HH:mm") if self.work_hours.isChecked() else "",
            entities=entities, entity_settings=settings,
            language=str(self.language.currentData()), language_chosen=True,
            proxy=self.proxy.text().strip(), autostart=self.autostart.isChecked())

    def connections_changed(self, profile: Profile) -> bool:
        old = self._profile
        return bool(self.onec_password.text() or self.webhook.text().strip()) or (
            (profile.onec_url, profile.onec_user, profile.onec_profile, profile.bitrix24_ca_file, profile.proxy)
            != (old.onec_url, old.onec_user, old.onec_profile, old.bitrix24_ca_file, old.proxy))

    @Slot()
    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Сертификат центра сертификации"), "",
                                              self.tr("Сертификаты (*.pem *.crt *.cer);;Все файлы (*)"))
        if path:
            self.ca_file.setText(path)

    # ---- checking and saving ---------------------------------------------------------------------------------
    def _check_then(self, profile_to_save: Profile | None) -> None:
        """Check both connections (typed secrets, else the saved ones); save afterwards when both pass."""
        try:
            profile = profile_to_save or self.build_profile()
        except SyncBridgeError as error:
            self._say(describe_error(error))
            return
        service = self._service
        password = self.onec_password.text() or None
        webhook = self.webhook.text().strip() or None

        def work(context: TaskContext) -> tuple[Any, Any]:
            onec_password = password if password is not None else service.saved_secret(SECRET_ONEC_PASSWORD) or ""
            hook = webhook if webhook is not None else service.saved_secret(SECRET_B24_WEBHOOK) or ""
            # checked the way the next sync will connect: through the proxy being saved
            return (service.check_onec(profile.onec_url, profile.onec_user, onec_password, profile.onec_profile,
                                       proxy=profile.proxy),
                    service.check_bitrix24(hook, profile.bitrix24_ca_file, proxy=profile.proxy))

        def checked(reports: tuple[Any, Any]) -> None:
            onec, b24 = reports
            def text(line: Any) -> str:
                mark = OK_MARK if line.ok else (FAIL_MARK if line.required else WARN_MARK)
                return f"{mark} {translated_check_text(line)}"

            lines = [self.tr("1С:"), *map(text, onec.lines), self.tr("Битрикс24:"), *map(text, b24.lines)]
            self.check_report.setPlainText("\n".join(lines))
            if onec.ok and b24.ok:
                if profile_to_save is not None:
                    self._save_now(profile_to_save)
                else:
                    self._busy = False
                    self._say(self.tr("Оба подключения работают."))
            else:
                self._busy = False
                self._say(self.tr("Подключение не работает — настройки не сохранены. Исправьте ошибки на вкладке "
                                  "«Подключения»."))
                self.tabs.setCurrentIndex(0)
            self._set_enabled(True)

        self._busy = True
        self._set_enabled(False)
        self._say(self.tr("Проверяю подключения…"))
        self._runner.submit(work, on_result=checked, on_error=self._on_failed, owner=self)

    @Slot()
    def save(self) -> None:
        if self._busy:
            return
        try:
            profile = self.build_profile()
            profile.validate()
        except SyncBridgeError as error:
            self._say(describe_error(error))
            return
        if self.connections_changed(profile):
            self._check_then(profile)  # changed connections are checked before anything is saved
        else:
            self._busy = True
            self._save_now(profile)

    def _save_now(self, profile: Profile) -> None:
        service = self._service
        password = self.onec_password.text() or None
        webhook = self.webhook.text().strip() or None
        autostart_changed = profile.autostart != self._profile.autostart

        def work(context: TaskContext) -> Profile:
            service.save_settings(profile, onec_password=password, webhook_url=webhook)
            if autostart_changed:
                service.set_autostart(profile.autostart)
            return profile

        self._set_enabled(False)
        self._runner.submit(work, on_result=self._on_saved, on_error=self._on_failed, owner=self)

    def _on_saved(self, profile: Profile) -> None:
        self._busy = False
        self._set_enabled(True)
        self._profile = profile
        self.onec_password.clear()
        self.webhook.clear()
        self._say(self.tr("Настройки сохранены."))
        self.saved.emit(profile)

    def _on_failed(self, error: BaseException) -> None:
        self._busy = False
        self._set_enabled(True)
        self._say(describe_error(error))

    def _set_enabled(self, enabled: bool) -> None:
        self.buttons.setEnabled(enabled)
        self.check_button.setEnabled(enabled)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
