"""The setup wizard: welcome → 1C → Bitrix24 → catalogue → schedule → sales → summary (save). Re-opened on the
saved profile it is the settings window: fields are pre-filled, secrets are not loaded (empty password / «сохранён
вебхук» keep them).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from core.service import (
    CATALOG_ENTITIES,
    SECRET_B24_WEBHOOK,
    SECRET_ONEC_PASSWORD,
    Profile,
    SyncBridgeError,
    catalog_settings,
    portal_url_from_webhook,
)
from gui.error_text import describe_error
from gui.icons import app_icon
from gui.task_runner import TaskContext, TaskRunner
from gui.wizard.bitrix24_page import Bitrix24Page
from gui.wizard.catalog_page import CatalogPage
from gui.wizard.onec_page import ONEC_PROFILES, OneCPage
from gui.wizard.sales_page import SalesPage
from gui.wizard.schedule_page import SchedulePage
from gui.wizard.services import WizardServices
from gui.wizard.summary_page import SummaryPage
from gui.wizard.welcome_page import WelcomePage

PAGE_WELCOME, PAGE_ONEC, PAGE_BITRIX24, PAGE_SCHEDULE, PAGE_SALES, PAGE_SUMMARY, PAGE_CATALOG = range(7)


class SetupWizard(QWizard):
    #: the profile and secrets were saved; carries the saved Profile
    profile_saved = Signal(object)

    def __init__(self, services: WizardServices, runner: TaskRunner, *, existing: Profile | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._existing = existing
        self._secrets_location = ""
        self.result_profile: Profile | None = None
        self.setWindowIcon(app_icon())
        self.setWindowTitle(self.tr("SyncBridge — настройки") if existing else self.tr("SyncBridge — первая настройка"))
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        # fits 1366×768 at 125 % (≈1093×614 logical pixels, minus the taskbar): never taller than the screen
        self.setMinimumSize(640, 460)
        self.resize(900, 580)  # wide rather than tall: a 125 % laptop screen has width to spare, not height
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))

        self.welcome_page = WelcomePage()
        self.onec_page = OneCPage(services, runner)
        self.bitrix24_page = Bitrix24Page(services, runner)
        self.schedule_page = SchedulePage()
        self.sales_page = SalesPage(services.sales_choices, runner, self._connection, services.saved_secret)
        self.summary_page = SummaryPage(self._save)
        self.catalog_page = CatalogPage(runner, self._catalog_work)
        self.setPage(PAGE_WELCOME, self.welcome_page)
        self.setPage(PAGE_ONEC, self.onec_page)
        self.setPage(PAGE_BITRIX24, self.bitrix24_page)
        self.setPage(PAGE_SCHEDULE, self.schedule_page)
        self.setPage(PAGE_SALES, self.sales_page)
        self.setPage(PAGE_SUMMARY, self.summary_page)
        if services.catalog_options is not None:
            self.setPage(PAGE_CATALOG, self.catalog_page)

        if existing is not None:
            self.onec_page.load_existing(existing.onec_url, existing.onec_user, existing.onec_profile,
                                         existing.onec_ca_file)
            self.bitrix24_page.load_existing(existing.bitrix24_url, existing.bitrix24_ca_file)
            self.schedule_page.load_existing(existing.schedule_minutes, existing.language)
            self.sales_page.load_existing(existing.entity_settings.get("sales"))
            self.catalog_page.load_existing(existing.entities, existing.entity_settings)
            self.setStartId(PAGE_ONEC)  # the welcome text is for the first run only

        # where the secrets live needs the keyring backend, which may take a moment to answer (D-Bus)
        runner.submit(lambda context: services.secrets_location(), on_result=self._on_secrets_location,
                      on_error=lambda error: self._on_secrets_location(describe_error(error)), owner=self)

    # ---- window ----------------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            frame = self.frameGeometry().size() - self.size()  # title bar and borders
            width = min(self.width(), available.width() - frame.width())
            height = min(self.height(), available.height() - frame.height())
            if (width, height) != (self.width(), self.height()):
                self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
            geometry = self.frameGeometry()
            geometry.moveCenter(available.center())
            self.move(geometry.topLeft())

    def has_input(self) -> bool:
        """Something typed that closing would lose (the first run only: settings keep the saved profile)."""
        if self._existing is not None or self.result_profile is not None:
            return False
        onec, b24 = self.onec_page, self.bitrix24_page
        return bool(onec.url_edit.text().strip() or onec.user_edit.text().strip() or onec.password_edit.text()
                    or b24.webhook_url())

    def confirm_discard(self) -> bool:
        """Esc, «Отмена» or the window's ✕ on the first run: ask before throwing typed settings away."""
        answer = QMessageBox.question(
            self, self.tr("Прервать настройку?"),
            self.tr("Введённые адреса и пароли не сохранятся, и программа закроется. Прервать настройку?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        if self.has_input() and not self.confirm_discard():
            return
        super().reject()

    # ---- pages -----------------------------------------------------------------------------------------------
    def nextId(self) -> int:
        # the catalogue page sits between Bitrix24 and the schedule (its id is last so the others keep theirs)
        current = self.currentId()
        has_catalog = self._services.catalog_options is not None
        if current == PAGE_BITRIX24:
            return PAGE_CATALOG if has_catalog else PAGE_SCHEDULE
        if current == PAGE_CATALOG:
            return PAGE_SCHEDULE
        if current == PAGE_SUMMARY:
            return -1
        return super().nextId()

    def _catalog_work(self) -> Any:
        onec, b24, services = self.onec_page, self.bitrix24_page, self._services
        url, user, password, profile = onec.onec_url(), onec.onec_user(), onec.password_or_none(), onec.onec_profile()
        webhook, ca_file = b24.webhook_url(), b24.ca_file()

        def work(context: TaskContext) -> Any:
            onec_password = password if password is not None else (services.saved_secret(SECRET_ONEC_PASSWORD) or "")
            webhook_url = webhook or services.saved_secret(SECRET_B24_WEBHOOK) or ""
            assert services.catalog_options is not None
            return services.catalog_options(url, user, onec_password, webhook_url, profile_name=profile,
                                            ca_file=ca_file or None)

        return work

    def initializePage(self, page_id: int) -> None:
        super().initializePage(page_id)
        if page_id == PAGE_SUMMARY:
            self.summary_page.set_rows(self.summary_rows())

    def summary_rows(self) -> list[tuple[str, str, bool]]:
        onec, b24, schedule = self.onec_page, self.bitrix24_page, self.schedule_page
        profiles = dict(ONEC_PROFILES)

        def status(page: OneCPage | Bitrix24Page) -> tuple[str, bool]:
            if page.unchanged_saved():
                return self.tr("не менялось"), False
            if page.check.passed_for(page.fingerprint()):
                return self.tr("проверено"), False
            return self.tr("не проверено — ошибки обнаружатся при первой синхронизации"), True

        password = onec.password_or_none()
        password_text = (self.tr("сохранён ранее") if password is None
                         else (self.tr("задан") if password else self.tr("пустой")))
        return [
            (self.tr("Публикация 1С"), onec.onec_url(), False),
            (self.tr("Пользователь 1С"), onec.onec_user(), False),
            (self.tr("Пароль 1С"), password_text, False),
            (self.tr("Конфигурация"), QCoreApplication.translate(
                "OneCPage", profiles.get(onec.onec_profile(), onec.onec_profile())), False),
            (self.tr("Подключение к 1С"), *status(onec)),
            (self.tr("Вебхук Битрикс24"), b24.display_url(), False),
            (self.tr("Сертификат ЦС"), b24.ca_file() or self.tr("не нужен"), False),
            (self.tr("Подключение к Битрикс24"), *status(b24)),
            *self._catalog_rows(),
            (self.tr("Расписание"), self.tr("каждые {n} мин").format(n=schedule.schedule_minutes()), False),
            (self.tr("Язык интерфейса"), schedule.language.currentText(), False),
            (self.tr("Сделки → заказы 1С"), self._sales_summary(), False),
            (self.tr("Пароли"), self._secrets_location or "…", False),
        ]

    def _sales_summary(self) -> str:
        settings = self.sales_page.settings()
        if not settings.get("enabled"):
            return self.tr("выключено")
        mode = self.tr("с проведением") if settings.get("post_orders") else self.tr("черновиками")
        return self.tr("включено, {mode}, с {date}").format(mode=mode, date=settings.get("start_date", ""))

    def _connection(self) -> tuple[str, str, str | None, str | None, str | None, str]:
        onec, b24 = self.onec_page, self.bitrix24_page
        return (onec.onec_url(), onec.onec_user(), onec.password_or_none(), b24.webhook_url(), b24.ca_file(),
                onec.onec_profile())

    def _catalog_rows(self) -> list[tuple[str, str, bool]]:
        if self._services.catalog_options is None:
            return []
        choice = self.catalog_page.choice()
        if not choice["enabled"]:
            return [(self.tr("Каталог"), self.tr("не переносится"), False)]
        return [(self.tr("Каталог"), self.tr("видов цен: {types}, складов: {stores}").format(
            types=len(choice["price_types"]), stores=len(choice["warehouses"])), False)]

    def _on_secrets_location(self, text: str) -> None:
        self._secrets_location = text
        self.welcome_page.set_secrets_location(text)

    # ---- saving ----------------------------------------------------------------------------------------------
    def build_profile(self) -> Profile:
        onec, b24, schedule = self.onec_page, self.bitrix24_page, self.schedule_page
        webhook = b24.webhook_url()
        portal = portal_url_from_webhook(webhook) if webhook else (self._existing.bitrix24_url
                                                                   if self._existing else "")
        changes: dict[str, Any] = {
            "onec_url": onec.onec_url(),
            "onec_user": onec.onec_user(),
            "onec_profile": onec.onec_profile(),
            "bitrix24_url": portal,
            "bitrix24_ca_file": b24.ca_file(),
            "schedule_minutes": schedule.schedule_minutes(),
            "language": schedule.language_code(),
            "entity_settings": {**(self._existing.entity_settings if self._existing else {}),
                                "sales": self.sales_page.settings()},
            # the combo starts on the language the program speaks now; saving it is the admin's choice
            "language_chosen": True,
        }
        if self._services.catalog_options is not None:
            choice = self.catalog_page.choice()
            saved = self._existing.entities if self._existing else []
            others = [e for e in saved if e not in CATALOG_ENTITIES] if saved else None
            changes["entities"], catalog = catalog_settings(
                enabled=choice["enabled"], price_types=choice["price_types"], base=choice["base"],
                warehouses=choice["warehouses"], kind=choice["kind"], others=others)
            kept = {k: v for k, v in changes["entity_settings"].items() if k not in CATALOG_ENTITIES}
            changes["entity_settings"] = {**kept, **catalog}
        if self._existing is not None:
            # keeps originator_id: the identity of the 1C base in Bitrix24 must survive an edited address
            return replace(self._existing, **changes)
        return Profile(**changes)

    def _save(self) -> None:
        try:
            profile = self.build_profile()
            profile.validate()
        except SyncBridgeError as error:
            self.summary_page.show_save_error(describe_error(error))
            return
        password = self.onec_page.password_or_none()
        webhook = self.bitrix24_page.webhook_url()
        services = self._services

        def work(context: TaskContext) -> Profile:
            onec_password = password if password is not None else (services.saved_secret(SECRET_ONEC_PASSWORD) or "")
            webhook_url = webhook or services.saved_secret(SECRET_B24_WEBHOOK) or ""
            services.save(profile, onec_password, webhook_url)
            return profile

        self.summary_page.show_saving()
        self._set_buttons_enabled(False)
        self._runner.submit(work, on_result=self._on_saved, on_error=self._on_save_failed, owner=self)

    def _on_saved(self, profile: Profile) -> None:
        self._set_buttons_enabled(True)
        self.summary_page.mark_saved()
        self.result_profile = profile
        self.profile_saved.emit(profile)
        self.accept()  # QWizard.done() re-validates the page, which now says "saved"

    def _on_save_failed(self, error: BaseException) -> None:
        self._set_buttons_enabled(True)
        self.summary_page.show_save_error(describe_error(error))

    def _set_buttons_enabled(self, enabled: bool) -> None:
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                      QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(enabled)
