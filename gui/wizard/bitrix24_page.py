"""Page 3: the Bitrix24 incoming webhook, an optional private CA for an on-prem portal, and a connection check."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.redact import mask_url
from core.service import SECRET_B24_WEBHOOK
from gui.plain_text import plain_label
from gui.task_runner import TaskContext, TaskRunner
from gui.wizard.connection_page import ConnectionPage
from gui.wizard.form_hints import FormGrid
from gui.wizard.services import WizardServices
from gui.wizard.webhook_field import WebhookField, normalise_webhook_url


class Bitrix24Page(ConnectionPage):
    def __init__(self, services: WizardServices, runner: TaskRunner) -> None:
        super().__init__(services, runner)
        self._saved_ca: str | None = None
        self._has_saved = False
        self.setTitle(self.tr("Подключение к Битрикс24"))
        self.setSubTitle(self.tr("Программа обращается к порталу через входящий вебхук — отдельный адрес с "
                                 "секретным кодом, который создаёт администратор портала."))

        self.webhook = WebhookField()
        self.webhook.changed.connect(self._on_input_changed)
        self.webhook_problem = plain_label()
        self.webhook_problem.setWordWrap(True)
        self.webhook_problem.setStyleSheet("color: #b3261e;")
        self.webhook_problem.setVisible(False)

        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText(self.tr("не нужен для облачного портала"))
        self.ca_edit.textChanged.connect(self._on_input_changed)
        self.ca_button = QPushButton(self.tr("Выбрать…"))
        self.ca_button.clicked.connect(self._choose_ca)
        ca_row = QWidget()
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        ca_layout.addWidget(self.ca_edit, 1)
        ca_layout.addWidget(self.ca_button)

        form = FormGrid()
        form.add_row(self.tr("Адрес вебхука:"), self.webhook, self.tr(
            "Где взять: в Битрикс24 откройте Приложения → Разработчикам → Другое → Входящий вебхук. "
            "В настройках прав отметьте crm и catalog, сохраните и скопируйте адрес вида "
            "https://портал/rest/1/код/. Код в адресе — это пароль: после ввода программа его не показывает."))
        form.add_row("", self.webhook_problem)
        form.add_row(self.tr("Сертификат ЦС:"), ca_row, self.tr(
            "Только для коробочного портала в вашей сети, если его сертификат выпущен внутренним центром "
            "сертификации: укажите файл сертификата этого ЦС (.pem, .crt). Проверка сертификата не отключается."))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.check)
        layout.addStretch(1)
        self._install_gate("bitrix24_ready")

    # ---- values ----------------------------------------------------------------------------------------------
    def webhook_url(self) -> str | None:
        """The normalised webhook URL; None while the saved one is kept (settings mode) or it is not valid."""
        value = self.webhook.value()
        return normalise_webhook_url(value) if value else None

    def ca_file(self) -> str | None:
        return self.ca_edit.text().strip() or None

    def fingerprint(self) -> Hashable:
        return (self.webhook.is_saved(), self.webhook_url(), self.ca_file())

    def unchanged_saved(self) -> bool:
        return self._has_saved and self.webhook.is_saved() and self.ca_file() == self._saved_ca

    def display_url(self) -> str:
        """What may be shown of the webhook: the masked URL or the saved-webhook note."""
        url = self.webhook_url()
        return mask_url(url) if url else self.webhook.edit.text()

    def load_existing(self, portal_url: str, ca_file: str | None) -> None:
        self._has_saved = True
        self._saved_ca = ca_file or None
        self.webhook.set_saved(self.tr("сохранён вебхук портала {portal}").format(portal=portal_url))
        self.ca_edit.setText(ca_file or "")
        self.check.show_unchanged()
        self._refresh_complete()

    def _problem(self) -> str | None:
        if self.webhook.is_saved():
            ca = self.ca_file()
            if ca and not Path(ca).is_file():
                return self.tr("Файл сертификата не найден: {path}").format(path=ca)
            return None
        value = self.webhook.value()
        if not value:
            return None
        if not value.lower().startswith("https://"):
            return self.tr("Адрес вебхука должен начинаться с https:// — без шифрования код вебхука "
                           "передавался бы открытым текстом.")
        if normalise_webhook_url(value) is None:
            return self.tr("Это не похоже на адрес входящего вебхука: нужен адрес вида "
                           "https://портал/rest/1/код/.")
        ca = self.ca_file()
        if ca and not Path(ca).is_file():
            return self.tr("Файл сертификата не найден: {path}").format(path=ca)
        return None

    # ---- ConnectionPage hooks --------------------------------------------------------------------------------
    def input_problem(self) -> str | None:
        if not self.webhook.has_value():
            return self.tr("Вставьте адрес входящего вебхука.")
        return self._problem()

    def on_input_changed(self) -> None:
        problem = self._problem()
        self.webhook_problem.setText(problem or "")
        self.webhook_problem.setVisible(bool(problem))

    def check_work(self) -> Callable[[TaskContext], Any]:
        url, ca_file = self.webhook_url(), self.ca_file()
        services = self._services

        def work(context: TaskContext) -> Any:
            webhook = url or services.saved_secret(SECRET_B24_WEBHOOK) or ""
            return services.check_bitrix24(webhook, ca_file=ca_file)

        return work

    @Slot()
    def _choose_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Сертификат центра сертификации"), self.ca_file() or "",
            self.tr("Сертификаты (*.pem *.crt *.cer);;Все файлы (*)"))
        if path:
            self.ca_edit.setText(path)
