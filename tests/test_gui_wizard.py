"""The setup wizard driven like a user: fields, connection checks in a worker, «Далее» rules, the webhook code never
on screen, saving; settings mode keeps saved secrets. One test runs the real checks against the sandboxes."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QWizard

from core.errors import SecretsError
from core.profile import SECRET_B24_WEBHOOK, SECRET_ONEC_PASSWORD, Profile
from gui.wizard import SetupWizard
from gui.wizard.setup_wizard import (
    PAGE_BITRIX24,
    PAGE_CATALOG,
    PAGE_ONEC,
    PAGE_SALES,
    PAGE_SCHEDULE,
    PAGE_SUMMARY,
)
from gui.wizard.webhook_field import normalise_webhook_url
from tests import gui_fixtures
from tests.gui_fixtures import WEBHOOK, WEBHOOK_CODE, FakeServices, onec_failed_report, type_text

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language


def _next_enabled(wizard: QWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def _all_visible_text(wizard: QWizard) -> str:
    # displayText: a password field shows bullets, and that is what is on screen
    parts = [w.displayText() for w in wizard.findChildren(QLineEdit)] + [w.text() for w in wizard.findChildren(QLabel)]
    for lst in wizard.findChildren(QListWidget):
        parts += [lst.item(i).text() for i in range(lst.count())]
    return "\n".join(parts)


@pytest.fixture
def wizard(qtbot: Any, task_runner: Any, ui_language: Any) -> Any:
    fake = FakeServices()
    wiz = SetupWizard(fake.as_services(), task_runner)
    qtbot.addWidget(wiz)
    wiz.show()
    wiz.fake = fake  # type: ignore[attr-defined]
    return wiz


def _fill_onec(wizard: SetupWizard, profile: str = "ut11") -> None:
    page = wizard.onec_page
    page.profile_combo.setCurrentIndex(page.profile_combo.findData(profile))  # "auto" is the default
    type_text(page.url_edit, "http://srv1c/ut11")
    type_text(page.user_edit, "Интеграция")
    type_text(page.password_edit, "пароль 1С")


def test_first_run_to_a_saved_profile(qtbot: Any, wizard: SetupWizard) -> None:
    fake: FakeServices = wizard.fake  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: wizard.welcome_page.secrets_label.text() == fake.secrets_location())
    wizard.next()
    assert wizard.currentId() == PAGE_ONEC
    assert not _next_enabled(wizard)
    _fill_onec(wizard)
    assert not _next_enabled(wizard)  # filled in, but not checked yet
    qtbot.mouseClick(wizard.onec_page.check.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=3000)
    assert fake.onec_calls == [("http://srv1c/ut11/odata/standard.odata/", "Интеграция", "пароль 1С", "ut11", None)]
    results = wizard.onec_page.check.results
    assert [results.item(i).text()[0] for i in range(results.count())] == ["✔", "✔", "✔"]

    wizard.next()
    assert wizard.currentId() == PAGE_BITRIX24
    assert not _next_enabled(wizard)
    edit = wizard.bitrix24_page.webhook.edit
    QTest.keyClicks(edit, WEBHOOK + "profile.json")
    QTest.keyClick(edit, Qt.Key.Key_Return)  # leaving the field hides the code
    assert edit.text() == "https://portal.example.ru/rest/1/***/profile.json"
    qtbot.mouseClick(wizard.bitrix24_page.check.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=3000)
    assert fake.b24_calls == [(WEBHOOK, None)]  # the method suffix is dropped

    wizard.next()
    assert wizard.currentId() == PAGE_SCHEDULE
    wizard.schedule_page.minutes.setValue(30)
    wizard.next()
    assert wizard.currentId() == PAGE_SALES  # off by default: nothing to fill
    wizard.next()
    assert wizard.currentId() == PAGE_SUMMARY
    assert WEBHOOK_CODE not in _all_visible_text(wizard)
    assert "пароль 1С" not in _all_visible_text(wizard)

    with qtbot.waitSignal(wizard.profile_saved, timeout=3000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    [(profile, password, webhook)] = fake.saved
    assert (profile.onec_url, profile.onec_user, profile.onec_profile) == (
        "http://srv1c/ut11/odata/standard.odata/", "Интеграция", "ut11")
    assert profile.bitrix24_url == "https://portal.example.ru"  # the portal, never the code
    assert (profile.schedule_minutes, profile.language, profile.bitrix24_ca_file) == (30, "ru", None)
    assert (password, webhook) == ("пароль 1С", WEBHOOK)
    main = threading.get_ident()
    assert fake.threads and all(ident != main for ident in fake.threads)  # checks and save ran in workers


def test_failed_check_blocks_next_until_the_user_explicitly_skips(qtbot: Any, wizard: SetupWizard) -> None:
    fake: FakeServices = wizard.fake  # type: ignore[attr-defined]
    fake.onec_report = onec_failed_report()
    wizard.next()
    _fill_onec(wizard)
    check = wizard.onec_page.check
    check.button.click()
    qtbot.waitUntil(lambda: check.results.count() == 3, timeout=3000)
    assert check.results.item(2).text().startswith("✖  Объект Catalog_Контрагенты не опубликован в OData")
    assert "Проверка не пройдена" in check.status.text()
    assert not _next_enabled(wizard)
    check.skip.setChecked(True)
    assert _next_enabled(wizard)
    check.skip.setChecked(False)
    # a successful check counts only for the values it was made with
    fake.onec_report = gui_fixtures.onec_ok_report()
    check.button.click()
    qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=3000)
    type_text(wizard.onec_page.password_edit, "2")
    assert not _next_enabled(wizard)


def test_optional_check_lines_warn_without_blocking(qtbot: Any, wizard: SetupWizard) -> None:
    fake: FakeServices = wizard.fake  # type: ignore[attr-defined]
    fake.b24_report = gui_fixtures.b24_ok_report()
    fake.b24_report.lines.append(gui_fixtures.CheckLine(
        False, "Нет права catalog у вебхука: понадобится для товаров, остатков и печатных форм", required=False))
    wizard.next()
    _fill_onec(wizard)
    wizard.onec_page.check.skip.setChecked(True)
    wizard.next()
    page = wizard.bitrix24_page
    page.webhook.set_value(WEBHOOK)
    page.check.button.click()
    qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=3000)
    assert page.check.results.item(4).text().startswith("⚠  Нет права catalog")


def test_check_exception_is_shown_as_a_failed_line(qtbot: Any, wizard: SetupWizard) -> None:
    fake: FakeServices = wizard.fake  # type: ignore[attr-defined]

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise SecretsError("Неверный мастер-пароль: файл с паролями не расшифровывается.")

    wizard._services.check_onec = boom
    wizard.next()
    _fill_onec(wizard)
    wizard.onec_page.check.button.click()
    qtbot.waitUntil(lambda: wizard.onec_page.check.results.count() == 1, timeout=3000)
    assert wizard.onec_page.check.results.item(0).text() == (
        "✖  Неверный мастер-пароль: файл с паролями не расшифровывается.")
    assert not _next_enabled(wizard)
    assert fake.onec_calls == []


def test_webhook_field_rejects_plain_http_and_non_webhooks(qtbot: Any, wizard: SetupWizard) -> None:
    page = wizard.bitrix24_page
    page.webhook.set_value("http://portal.example.ru/rest/1/abc/")
    assert not page.webhook_problem.isHidden() and "https://" in page.webhook_problem.text()
    assert not page.isComplete()
    page.webhook.start_over()
    page.webhook.set_value("https://portal.example.ru/crm/")
    assert "не похоже на адрес входящего вебхука" in page.webhook_problem.text()
    assert normalise_webhook_url("https://b24.local/rest/7/k3y/crm.company.list.json?x=1") == \
        "https://b24.local/rest/7/k3y/"
    assert normalise_webhook_url("https://b24.local/crm/") is None


def test_save_error_keeps_the_wizard_open_with_the_reason(qtbot: Any, wizard: SetupWizard) -> None:
    fake: FakeServices = wizard.fake  # type: ignore[attr-defined]
    fake.save_error = SecretsError("Системное хранилище учётных данных недоступно: KeyringLocked.",
                                   "Разблокируйте связку ключей пользователя.")
    wizard.next()
    _fill_onec(wizard)
    wizard.onec_page.check.skip.setChecked(True)
    wizard.next()
    wizard.bitrix24_page.webhook.set_value(WEBHOOK)
    wizard.bitrix24_page.check.skip.setChecked(True)
    wizard.next()
    wizard.next()
    wizard.next()  # sales: off by default
    assert "не проверено" in wizard.summary_page.summary.text()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "не сохранены" in wizard.summary_page.status.text(), timeout=3000)
    assert "KeyringLocked" in wizard.summary_page.status.text()
    assert wizard.isVisible() and wizard.result_profile is None
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_settings_mode_keeps_saved_secrets(qtbot: Any, task_runner: Any, ui_language: Any) -> None:
    fake = FakeServices()
    fake.secrets = {SECRET_ONEC_PASSWORD: "старый пароль", SECRET_B24_WEBHOOK: WEBHOOK}
    existing = Profile(onec_url="http://srv1c/ut11/odata/standard.odata/", onec_user="Интеграция",
                       bitrix24_url="https://portal.example.ru", schedule_minutes=15, originator_id="1C:ut11")
    wizard = SetupWizard(fake.as_services(), task_runner, existing=existing)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentId() == PAGE_ONEC  # no welcome page in settings
    assert _next_enabled(wizard)  # nothing changed: no need to re-check
    assert "не менялось" in wizard.onec_page.check.status.text()
    wizard.next()
    assert wizard.bitrix24_page.webhook.edit.text() == "сохранён вебхук портала https://portal.example.ru"
    assert _next_enabled(wizard)
    wizard.bitrix24_page.check.button.click()  # re-checking uses the saved webhook, in the worker
    qtbot.waitUntil(lambda: fake.b24_calls == [(WEBHOOK, None)], timeout=3000)
    wizard.next()
    wizard.schedule_page.minutes.setValue(5)
    wizard.next()
    wizard.next()  # sales page
    with qtbot.waitSignal(wizard.profile_saved, timeout=3000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    [(profile, password, webhook)] = fake.saved
    assert (password, webhook) == ("старый пароль", WEBHOOK)
    assert profile.schedule_minutes == 5 and profile.originator_id == "1C:ut11"


def test_settings_mode_checks_1c_with_the_profiles_ca_file_and_warns_about_http(qtbot: Any, task_runner: Any,
                                                                                 ui_language: Any,
                                                                                 tmp_path: Any) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    fake = FakeServices()
    fake.secrets = {SECRET_ONEC_PASSWORD: "старый пароль", SECRET_B24_WEBHOOK: WEBHOOK}
    existing = Profile(onec_url="https://srv1c/ut11/odata/standard.odata/", onec_user="Интеграция",
                       bitrix24_url="https://portal.example.ru", onec_ca_file=str(ca))
    wizard = SetupWizard(fake.as_services(), task_runner, existing=existing)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.onec_page.http_warning.isVisibleTo(wizard)
    wizard.onec_page.check.button.click()
    qtbot.waitUntil(lambda: len(fake.onec_calls) == 1, timeout=3000)
    assert fake.onec_calls[0][-1] == str(ca)
    wizard.onec_page.url_edit.setText("http://srv1c/ut11")
    assert wizard.onec_page.http_warning.isVisibleTo(wizard)


# ---- real checks against the sandbox servers --------------------------------------------------------------------
@pytest.mark.integration
def test_real_checks_against_the_sandboxes(qtbot: Any, task_runner: Any, ui_language: Any, home: Any) -> None:
    demo_module = pytest.importorskip("core.sandbox.demo")
    pytest.importorskip("core.connection_check")
    from core.profile import SECRET_B24_WEBHOOK as B24_KEY
    from core.profile import ProfileStore
    from core.secrets import CredentialStore
    from core.service import SyncService
    from gui.wizard import default_services

    environment = demo_module.DemoEnvironment(home)
    demo_paths = environment.start()
    try:
        credentials = CredentialStore(demo_paths)
        demo_profile = ProfileStore(demo_paths).load()
        webhook = credentials.get(B24_KEY)
        # a fresh home for what the wizard saves; the checks go to the running sandboxes
        services = default_services(SyncService(home, CredentialStore(home)))
        wizard = SetupWizard(services, task_runner)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.next()
        page = wizard.onec_page
        page.url_edit.setText(demo_profile.onec_url)
        page.user_edit.setText(demo_profile.onec_user)
        page.password_edit.setText("неверный пароль")
        page.check.button.click()
        qtbot.waitUntil(lambda: not page.check.running and page.check.results.count() > 0, timeout=15000)
        assert not _next_enabled(wizard)
        texts = [page.check.results.item(i).text() for i in range(page.check.results.count())]
        assert texts[0].startswith("✔  Сервер 1С отвечает") and texts[-1].startswith("✖")
        page.password_edit.setText(demo_module.DEMO_ONEC_PASSWORD)
        page.check.button.click()
        qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=15000)
        wizard.next()
        b24 = wizard.bitrix24_page
        b24.webhook.set_value(webhook)
        b24.check.button.click()  # without the sandbox CA the TLS check must fail, never be skipped
        qtbot.waitUntil(lambda: not b24.check.running and b24.check.results.count() > 0, timeout=15000)
        assert not _next_enabled(wizard)
        b24.ca_edit.setText(demo_profile.bitrix24_ca_file)
        b24.check.button.click()
        qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=15000)
        assert WEBHOOK_CODE not in _all_visible_text(wizard)
        assert webhook.rstrip("/").rsplit("/", 1)[-1] not in _all_visible_text(wizard)
        wizard.next()
        catalog = wizard.catalog_page
        assert wizard.currentId() == PAGE_CATALOG
        qtbot.waitUntil(lambda: catalog.price_types.count() > 0 and _next_enabled(wizard), timeout=15000)
        assert "складской учёт в портале выключен" in catalog.mode.text().lower()
        labels = [catalog.price_types.item(i).text() for i in range(catalog.price_types.count())]
        assert any("помечен на удаление" in t for t in labels) and any("валюты нет в портале" in t for t in labels)
        wizard.next()
        wizard.next()
        # sales: the lists come from the running sandboxes through the connections of the previous pages
        sales = wizard.sales_page
        sales.enabled.setChecked(True)
        assert not _next_enabled(wizard)
        sales.load_button.click()
        qtbot.waitUntil(lambda: sales._choices is not None, timeout=15000)
        assert sales.organisation.currentText() == "СтанкоМаш ООО"
        # three warehouses: the catalogue's seed adds «Склад Екатеринбург» to the sales seed's two
        assert sales.warehouse.count() == 3 and sales.agreement.itemText(0) == "не используются"
        assert sales.triggers.rowCount() == 2
        sales.warehouse.setCurrentIndex(1)
        assert _next_enabled(wizard)
        wizard.next()
        with qtbot.waitSignal(wizard.profile_saved, timeout=15000):
            wizard.button(QWizard.WizardButton.FinishButton).click()
        saved = ProfileStore(home).load()
        assert saved is not None and saved.onec_url == demo_profile.onec_url
        sales_saved = saved.entity_settings["sales"]
        assert sales_saved["enabled"] and sales_saved["warehouse_ref"] and sales_saved["post_orders"]
        assert CredentialStore(home).get(B24_KEY) == webhook
        assert "product" in saved.entities and "counterparty" in saved.entities
        assert saved.entity_settings["price"]["chosen"] == saved.entity_settings["price_type"]["chosen"]
        assert len(saved.entity_settings["warehouse"]["chosen"]) == 3
    finally:
        environment.stop()


def test_configuration_is_detected_or_chosen_by_the_admin(qtbot: Any, wizard: SetupWizard) -> None:
    fake: FakeServices = wizard.fake  # type: ignore[attr-defined]
    fake.onec_report = gui_fixtures.onec_ok_report("bp30")
    wizard.next()
    page = wizard.onec_page
    assert page.chosen_profile() == "auto"
    _fill_onec(wizard, "auto")
    page.check.skip.setChecked(True)
    assert not _next_enabled(wizard)  # «automatically» cannot be skipped: nothing would say which base it is
    page.check.skip.setChecked(False)
    page.check.button.click()
    qtbot.waitUntil(lambda: _next_enabled(wizard), timeout=3000)
    assert fake.onec_calls[-1][3] == "auto" and page.onec_profile() == "bp30"
    # the admin overrides: the explicit choice is what gets checked and saved
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("unf"))
    assert not _next_enabled(wizard)
    page.check.skip.setChecked(True)
    assert _next_enabled(wizard) and page.onec_profile() == "unf"
