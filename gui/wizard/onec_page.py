"""Page 2: the 1C publication (OData), login, password, configuration profile, and a connection check."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout

from core.service import SECRET_ONEC_PASSWORD, is_plain_http, normalise_onec_url
from gui.plain_text import plain_label
from gui.task_runner import TaskContext, TaskRunner
from gui.wizard.connection_page import ConnectionPage
from gui.wizard.form_hints import FormGrid
from gui.wizard.services import WizardServices

AUTO = "auto"  # the connection check reads $metadata and says which configuration the base is
# configuration profiles offered in the combobox: (code, how users call it), one per mapping table
ONEC_PROFILES = (
    (AUTO, QT_TRANSLATE_NOOP("OneCPage", "Определить автоматически")),
    ("ut11", QT_TRANSLATE_NOOP("OneCPage", "1С:Управление торговлей 11, Комплексная автоматизация 2, ERP 2")),
    ("bp30", QT_TRANSLATE_NOOP("OneCPage", "1С:Бухгалтерия предприятия 3.0")),
    ("unf", QT_TRANSLATE_NOOP("OneCPage", "1С:Управление нашей фирмой")),
)


class OneCPage(ConnectionPage):
    def __init__(self, services: WizardServices, runner: TaskRunner) -> None:
        super().__init__(services, runner)
        self._saved: tuple[str, str, str] | None = None  # (url, user, profile) of the existing profile
        self._detected: str | None = None  # what the last check found in $metadata
        self._ca_file: str | None = None  # the existing profile's 1C CA file (set from the command line)
        self.setTitle(self.tr("Подключение к 1С"))
        self.setSubTitle(self.tr("Укажите публикацию информационной базы на веб-сервере и пользователя 1С."))

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("http://srv1c/ut11")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("например, Интеграция"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.profile_combo = QComboBox()
        for code, title in ONEC_PROFILES:
            self.profile_combo.addItem(self.tr(title), code)

        form = FormGrid()
        form.add_row(self.tr("Адрес публикации:"), self.url_edit, self.tr(
            "Адрес, по которому база открывается в браузере, например http://srv1c/ut11. Программа работает "
            "через стандартный интерфейс OData этой публикации (…/odata/standard.odata) и сама допишет "
            "эту часть адреса. Конфигурацию 1С менять не нужно."))
        form.add_row(self.tr("Пользователь 1С:"), self.user_edit, self.tr(
            "От имени этого пользователя программа читает и записывает данные. Лучше завести отдельного "
            "пользователя с правами на нужные справочники."))
        self.password_hint = form.add_row(self.tr("Пароль:"), self.password_edit, "")
        assert self.password_hint is not None
        self.password_hint.setVisible(False)
        self.profile_hint = form.add_row(self.tr("Конфигурация:"), self.profile_combo, self.tr(
            "«Определить автоматически»: проверка подключения прочитает описание публикации ($metadata) и "
            "узнает конфигурацию. Выберите её вручную, если база доработана или проверку вы пропускаете."))

        # plain http sends the 1C login and password in clear text: allowed (LAN publications), never silently
        self.http_warning = plain_label(self.tr(
            "Адрес начинается с http:// — имя пользователя и его пароль будут передаваться по сети открытым "
            "текстом. Если публикация доступна по https://, укажите этот адрес."))
        self.http_warning.setWordWrap(True)
        self.http_warning.setStyleSheet("color: #a15c00;")
        self.http_warning.setVisible(False)
        self.url_edit.textChanged.connect(
            lambda text: self.http_warning.setVisible(is_plain_http(normalise_onec_url(text))))

        for edit in (self.url_edit, self.user_edit, self.password_edit):
            edit.textChanged.connect(self._on_input_changed)
        self.profile_combo.currentIndexChanged.connect(self._on_input_changed)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.http_warning)
        layout.addSpacing(6)
        layout.addWidget(self.check)
        layout.addStretch(1)
        self._install_gate("onec_ready")

    # ---- values ----------------------------------------------------------------------------------------------
    def onec_url(self) -> str:
        return normalise_onec_url(self.url_edit.text())

    def onec_user(self) -> str:
        return self.user_edit.text().strip()

    def chosen_profile(self) -> str:
        """What the combobox says: a profile code or "auto"."""
        return str(self.profile_combo.currentData())

    def onec_profile(self) -> str:
        """The profile to save: the admin's choice, or what the check detected when the choice is automatic."""
        chosen = self.chosen_profile()
        return (self._detected or chosen) if chosen == AUTO else chosen

    def ready(self) -> bool:
        # «automatic» needs a check that recognised the base; skipping the check needs an explicit choice
        if self.chosen_profile() == AUTO and self._detected is None and not self.unchanged_saved():
            return False
        return super().ready()

    def on_input_changed(self) -> None:
        self._detected = None

    def _on_checked(self, report: Any, fingerprint: Hashable, generation: int) -> None:
        if generation != self._generation:
            return  # a cancelled or timed-out check: its answer no longer counts
        detected = getattr(report, "profile", None)
        if fingerprint == self.fingerprint() and self.chosen_profile() == AUTO:
            self._detected = detected if isinstance(detected, str) else None
        super()._on_checked(report, fingerprint, generation)

    def password_or_none(self) -> str | None:
        """The typed password; None when the field is empty in settings mode (keep the saved one)."""
        text = self.password_edit.text()
        return None if (self._saved is not None and text == "") else text

    def fingerprint(self) -> Hashable:
        return (self.onec_url(), self.onec_user(), self.password_edit.text(), self.chosen_profile())

    def unchanged_saved(self) -> bool:
        return (self._saved is not None and self.password_edit.text() == ""
                and (self.onec_url(), self.onec_user(), self.chosen_profile()) == self._saved)

    def load_existing(self, url: str, user: str, profile: str, ca_file: str | None = None) -> None:
        # the CA file is set with syncbridge setup --onec-ca-file; the wizard keeps using it for its check
        self._ca_file = ca_file
        self.url_edit.setText(url)
        self.user_edit.setText(user)
        index = self.profile_combo.findData(profile)
        if index >= 0:
            self.profile_combo.setCurrentIndex(index)
        self._saved = (self.onec_url(), self.onec_user(), self.chosen_profile())
        self.password_edit.setPlaceholderText(self.tr("сохранён"))
        self.password_hint.setText(self.tr("Пароль сохранён. Оставьте поле пустым, чтобы не менять его."))
        self.password_hint.setVisible(True)
        self.check.show_unchanged()
        self._refresh_complete()

    # ---- ConnectionPage hooks --------------------------------------------------------------------------------
    def input_problem(self) -> str | None:
        if not self.url_edit.text().strip() or not self.onec_user():
            return self.tr("Заполните адрес публикации и пользователя 1С.")
        return None

    def check_work(self) -> Callable[[TaskContext], Any]:
        url, user, profile = self.onec_url(), self.onec_user(), self.chosen_profile()
        password = self.password_or_none()
        services = self._services
        ca_file = self._ca_file

        def work(context: TaskContext) -> Any:
            secret = password if password is not None else (services.saved_secret(SECRET_ONEC_PASSWORD) or "")
            return services.check_onec(url, user, secret, profile_name=profile, ca_file=ca_file)

        return work
