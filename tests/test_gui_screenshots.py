"""Renders every screen offscreen (wizard pages, journal, tray menu, status window) and checks the text fits.

The PNGs land in SYNCBRIDGE_SHOTS_DIR when it is set (``SYNCBRIDGE_SHOTS_DIR=/tmp/sb_shots pytest …``), else in a
temporary folder; look at them after changing any layout. The fit check: every label that wraps must have room
for its text at the width it got, and no button may be narrower than its text.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QWidget, QWizard

from gui.journal_window import JournalData, JournalWindow
from gui.status_window import StatusWindow
from gui.sync_controller import SyncController, SyncSnapshot, SyncState
from gui.tray import build_tray_menu, update_tray_menu
from gui.wizard import SetupWizard
from gui.wizard.setup_wizard import PAGE_BITRIX24, PAGE_ONEC, PAGE_SCHEDULE, PAGE_SUMMARY, PAGE_WELCOME
from tests import gui_fixtures
from tests.gui_fixtures import (
    WEBHOOK,
    FakeServices,
    FakeSyncRunner,
    dispose,
    journal_entry,
    onec_failed_report,
    type_text,
)

task_runner = gui_fixtures.task_runner
ui_language = gui_fixtures.ui_language


class _Commands:
    def sync_now(self) -> None: ...
    def show_journal(self) -> None: ...
    def open_settings(self) -> None: ...
    def toggle_pause(self) -> None: ...
    def quit_app(self) -> None: ...


@pytest.fixture
def shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SYNCBRIDGE_SHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _save(widget: QWidget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    image = widget.grab()
    assert not image.isNull()
    assert image.save(str(path))
    return path


def _clipped_texts(root: QWidget) -> list[str]:
    """Visible labels/buttons whose text does not fit the space the layout gave them."""
    problems = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text():
            continue
        if label.wordWrap() and label.heightForWidth(label.width()) > label.height() + 1:
            problems.append(f"label cut: {label.text()[:60]!r} ({label.width()}x{label.height()}, "
                            f"needs {label.heightForWidth(label.width())})")
    for button in root.findChildren(QPushButton):
        if button.isVisibleTo(root) and button.text() and button.width() < button.sizeHint().width() - 2:
            problems.append(f"button cut: {button.text()!r}")
    return problems


def _show_page(qtbot: Any, wizard: SetupWizard, page_id: int) -> None:
    while wizard.currentId() != page_id:
        if wizard.currentId() == -1:
            raise AssertionError("wizard ended before the page")
        wizard.next()
    qtbot.wait(20)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_render_wizard_pages(qtbot: Any, task_runner: Any, ui_language: Any, shots_dir: Path, language: str) -> None:
    ui_language(language)
    suffix = "" if language == "ru" else "_en"
    fake = FakeServices()
    wizard = SetupWizard(fake.as_services(), task_runner)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(lambda: wizard.welcome_page.secrets_label.text() == fake.secrets_location())
    _save(wizard, shots_dir, "wizard_1_welcome" + suffix)
    assert _clipped_texts(wizard) == []

    wizard.next()
    page = wizard.onec_page
    type_text(page.url_edit, "http://srv1c/ut11")
    type_text(page.user_edit, "Интеграция")
    type_text(page.password_edit, "пароль")
    _save(wizard, shots_dir, "wizard_2_onec_empty_check" + suffix)
    fake.onec_report = onec_failed_report()
    page.check.button.click()
    qtbot.waitUntil(lambda: page.check.results.count() == 3)
    qtbot.wait(20)
    _save(wizard, shots_dir, "wizard_2_onec_failed_check" + suffix)
    assert _clipped_texts(wizard) == []
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("ut11"))  # skipping needs an explicit choice
    page.check.skip.setChecked(True)

    wizard.next()
    b24 = wizard.bitrix24_page
    b24.webhook.set_value(WEBHOOK)
    b24.check.button.click()
    qtbot.waitUntil(lambda: b24.check.results.count() == 4)
    qtbot.wait(20)
    _save(wizard, shots_dir, "wizard_3_bitrix24_checked" + suffix)
    assert _clipped_texts(wizard) == []

    _show_page(qtbot, wizard, PAGE_SCHEDULE)
    _save(wizard, shots_dir, "wizard_4_schedule" + suffix)
    assert _clipped_texts(wizard) == []
    _show_page(qtbot, wizard, PAGE_SUMMARY)
    _save(wizard, shots_dir, "wizard_5_summary" + suffix)
    assert _clipped_texts(wizard) == []
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    assert {PAGE_WELCOME, PAGE_ONEC, PAGE_BITRIX24} <= set(wizard.pageIds())


def test_render_journal_and_tray(qtbot: Any, task_runner: Any, ui_language: Any, shots_dir: Path) -> None:
    from core.state.store import RunInfo

    entries = [
        journal_entry(),
        journal_entry(id=2, action="update", reason_code="updated", title="ИП Сидоров Пётр Иванович",
                      reason_params={"fields": "Телефон, Юридический адрес"}, b24_id="43",
                      reason_text="Обновлена: в 1С изменились поля: Телефон, Юридический адрес"),
        journal_entry(id=3, action="duplicate", reason_code="probable_duplicate", title="ООО «ТехПром»", b24_id="57",
                      reason_params={"b24_title": "ТехПром Москва", "onec_title": "ООО «ТехПром»"},
                      reason_text="Возможный дубль"),
        journal_entry(id=4, action="fail", reason_code="failed_remote", title="АО «Север»", b24_id=None,
                      reason_params={"error": "Поле TITLE не заполнено"}, reason_text="Ошибка портала"),
    ]
    run = RunInfo(id=7, started_at=datetime(2025, 11, 30, 11, 4), finished_at=datetime(2025, 11, 30, 11, 5),
                  trigger="schedule", dry_run=False, status="partial",
                  counts={"created": 1, "updated": 1, "skipped": 12, "failed": 1, "duplicates": 1}, error=None)
    sync_runner = FakeSyncRunner()
    sync_runner.release.clear()  # hold the run in the middle, so the progress bar is on screen
    controller = SyncController(task_runner, lambda: sync_runner)
    window = JournalWindow(task_runner, controller,
                           lambda query: JournalData(entries=entries, last_run=run, duplicates=1),
                           banner_text="Демо-режим: учебная 1С (40 контрагентов) — http://127.0.0.1:50001/ut11/; "
                                       "учебный портал Битрикс24 (12 компаний) — https://127.0.0.1:50002.")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 4)
    window.table.selectRow(3)
    controller.sync_now()
    qtbot.waitUntil(lambda: window.progress.isVisible())
    qtbot.wait(20)
    _save(window, shots_dir, "journal_window")
    assert _clipped_texts(window) == []
    sync_runner.release.set()
    qtbot.waitUntil(lambda: not controller.is_running)
    window.close()
    dispose(controller)  # the window is qtbot's: it closes and deletes it at teardown

    menu = QMenu()
    actions = build_tray_menu(menu, _Commands())
    snapshot = SyncSnapshot(state=SyncState.SYNCING, last_finished_at=datetime.now(), done=12, total=25,
                            next_run_at=datetime.now())
    update_tray_menu(actions, snapshot)
    menu.adjustSize()
    _save(menu, shots_dir, "tray_menu_syncing")
    update_tray_menu(actions, SyncSnapshot(state=SyncState.ERROR, error_text="Сервер 1С не отвечает: "
                                           "http://srv1c/ut11 — проверьте, что веб-сервер запущен."))
    menu.adjustSize()
    _save(menu, shots_dir, "tray_menu_error")

    status = StatusWindow(_Commands())
    qtbot.addWidget(status)
    status.show_snapshot(snapshot)
    status.show()
    qtbot.wait(20)
    _save(status, shots_dir, "status_window")
    assert _clipped_texts(status) == []
    status.allow_close()
    dispose(menu)  # the status window is qtbot's: it closes and deletes it at teardown


@pytest.mark.integration
@pytest.mark.parametrize("language", ["ru", "en"])
def test_render_control_surface(qtbot: Any, task_runner: Any, ui_language: Any, shots_dir: Path, home: Any,
                                language: str) -> None:
    """The main windows on real data from the sandboxes: main window during a sync, preview, review, settings,
    overview. ``SYNCBRIDGE_SHOTS_DIR=docs/img`` renders the user guide's pictures."""
    from core.sandbox.demo import DemoEnvironment
    from core.service import SyncService
    from gui.journal_window import service_loader
    from gui.overview_window import OverviewWindow
    from gui.preview_dialog import PreviewDialog
    from gui.review_window import ReviewWindow
    from gui.settings_window import SettingsWindow

    ui_language(language)
    suffix = "" if language == "ru" else "_en"
    environment = DemoEnvironment(home)
    paths = environment.start()
    try:
        service = SyncService(paths)
        controller = SyncController(task_runner, lambda: service)

        preview = PreviewDialog(controller, first_run=True)
        qtbot.addWidget(preview)
        preview.show()
        preview.start()
        qtbot.waitUntil(lambda: preview.preview is not None, timeout=30_000)
        qtbot.wait(20)
        _save(preview, shots_dir, "preview" + suffix)
        assert _clipped_texts(preview) == []
        preview.close()

        service.run_once()
        second = service.run_once()
        from gui.sync_controller import _as_local_datetime

        controller.set_last_run(_as_local_datetime(second.finished_at))
        window = JournalWindow(task_runner, controller, service_loader(service), service=service,
                               banner_text=environment.portal_summary())
        qtbot.addWidget(window)
        window.resize(1100, 680)
        window.show()
        qtbot.waitUntil(lambda: window.model.rowCount() > 0 and window.attention_frame.isVisible(), timeout=10_000)
        window.table.selectRow(0)
        qtbot.wait(20)
        _save(window, shots_dir, "main_window" + suffix)
        assert _clipped_texts(window) == []

        review = ReviewWindow(service, task_runner)
        qtbot.addWidget(review)
        review.show()
        review.reload()
        qtbot.waitUntil(lambda: review.duplicates_table.rowCount() > 0, timeout=10_000)
        qtbot.wait(20)
        _save(review, shots_dir, "review" + suffix)
        assert _clipped_texts(review) == []

        settings = SettingsWindow(service, task_runner, service.profile())
        qtbot.addWidget(settings)
        settings.show()
        settings.tabs.setCurrentIndex(1)
        qtbot.wait(20)
        _save(settings, shots_dir, "settings_schedule" + suffix)
        assert _clipped_texts(settings) == []

        overview = OverviewWindow(service, task_runner)
        qtbot.addWidget(overview)
        overview.show()
        overview.reload()
        qtbot.waitUntil(lambda: overview.table.rowCount() > 0, timeout=10_000)
        qtbot.wait(20)
        _save(overview, shots_dir, "overview" + suffix)
        assert _clipped_texts(overview) == []
        controller.stop()
        dispose(controller)
    finally:
        environment.stop()
