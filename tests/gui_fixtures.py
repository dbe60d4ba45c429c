"""Fakes and fixtures for the GUI tests: core stand-ins that follow the core API contract, recording what they saw.

Import the fixtures into a test module with ``from tests.gui_fixtures import *  # noqa: F403`` or by name.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from core.connection_check import CheckLine, CheckReport
from gui.task_runner import TaskRunner
from gui.wizard.services import WizardServices

# the GUI tests make tens of thousands of Qt calls; without this PySide6 6.12 on Python 3.11 aborts the run

WEBHOOK = "https://portal.example.ru/rest/1/s3cr3tc0de4x7q/"
WEBHOOK_CODE = "s3cr3tc0de4x7q"


def onec_ok_report(profile: str = "ut11") -> CheckReport:
    """A passed check of a base whose $metadata says it is ``profile`` (what core.connection_check reports)."""
    return CheckReport([CheckLine(True, "Сервер 1С отвечает: http://srv1c/ut11/odata/standard.odata/"),
                            CheckLine(True, "Логин и пароль приняты (пользователь «Интеграция»)"),
                            CheckLine(True, "Объект Catalog_Контрагенты опубликован в OData")],
                       profile=profile, detected=profile)


def onec_failed_report() -> CheckReport:
    return CheckReport([
        CheckLine(True, "Сервер 1С отвечает: http://srv1c/ut11/odata/standard.odata/"),
        CheckLine(True, "Логин и пароль приняты (пользователь «Интеграция»)"),
        CheckLine(False, "Объект Catalog_Контрагенты не опубликован в OData: добавьте его в состав "
                             "стандартного интерфейса OData (обработка «Настройка стандартного интерфейса OData» "
                             "в 1С)"),
    ])


def b24_ok_report() -> CheckReport:
    return CheckReport([CheckLine(True, "Адрес вебхука распознан: https://portal.example.ru/rest/1/***/"),
                            CheckLine(True, "Портал отвечает по HTTPS, сертификат проверен"),
                            CheckLine(True, "Вебхук принят"),
                            CheckLine(True, "Есть право crm")])


class FakeServices:
    """Wizard services that answer instantly and remember every call (and the thread it came in)."""

    def __init__(self) -> None:
        self.onec_report: Any = onec_ok_report()
        self.b24_report: Any = b24_ok_report()
        self.onec_calls: list[tuple[Any, ...]] = []
        self.b24_calls: list[tuple[Any, ...]] = []
        self.saved: list[tuple[Any, str, str]] = []
        self.secrets: dict[str, str] = {}
        self.threads: list[int] = []
        self.save_error: BaseException | None = None

    def check_onec(self, url: str, user: str, password: str, profile_name: str = "ut11",
                   ca_file: str | None = None) -> Any:
        self.threads.append(threading.get_ident())
        self.onec_calls.append((url, user, password, profile_name, ca_file))
        return self.onec_report

    def check_bitrix24(self, webhook_url: str, ca_file: str | None = None) -> Any:
        self.threads.append(threading.get_ident())
        self.b24_calls.append((webhook_url, ca_file))
        return self.b24_report

    def save(self, profile: Any, onec_password: str, webhook_url: str) -> None:
        self.threads.append(threading.get_ident())
        if self.save_error is not None:
            raise self.save_error
        self.saved.append((profile, onec_password, webhook_url))

    def saved_secret(self, name: str) -> str | None:
        return self.secrets.get(name)

    def secrets_location(self) -> str:
        return "Пароли хранятся в зашифрованном файле secrets.bin; ключ — в системном хранилище."

    def as_services(self) -> WizardServices:
        return WizardServices(check_onec=self.check_onec, check_bitrix24=self.check_bitrix24, save=self.save,
                              saved_secret=self.saved_secret, secrets_location=self.secrets_location)


@dataclass
class FakeProgress:
    stage: str
    done: int = 0
    total: int | None = None
    entity: str = "counterparty"
    counts: dict[str, int] = field(default_factory=dict)
    rate: float | None = None
    eta_s: float | None = None
    stage_done: int = 0
    stage_total: int | None = None


@dataclass
class FakeReport:
    created: int = 2
    updated: int = 1
    linked: int = 1
    skipped: int = 5
    failed: int = 0
    duplicates: int = 0
    status: str = "ok"
    finished_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def summary_text(self) -> str:
        return f"Синхронизация завершена: создано: {self.created}, ошибок: {self.failed}."


class FakeSyncRunner:
    """Stands in for core.sync.runner.SyncRunner: reports progress, can block until released, records threads."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.calls: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.release.set()  # not blocking unless a test clears it
        self.started = threading.Event()
        self.error: BaseException | None = None
        self.report: Any = FakeReport()

    def run_once(self, dry_run: bool = False, progress: Any = None, cancel: threading.Event | None = None,
                 trigger: str = "manual") -> Any:
        self.threads.append(threading.get_ident())
        self.calls.append({"dry_run": dry_run, "trigger": trigger})
        self.started.set()
        if progress:
            progress(FakeProgress("Читаю контрагентов из 1С", 0, 25))
        while not self.release.wait(0.01):
            if cancel is not None and cancel.is_set():
                from core.errors import Cancelled

                raise Cancelled("Синхронизация остановлена пользователем.")
        if progress:
            progress(FakeProgress("Записываю компании в Битрикс24", 12, 25))
        if self.error is not None:
            raise self.error
        return self.report


class FakeService:
    """Stands in for core.service.SyncService in app-shell tests: wizard calls, secrets, a sync runner, a profile
    store in the real home. Review/journal calls answer from lists the test fills."""

    #: the wizard's sales page reads no lists in these tests
    sales_choices = None

    def __init__(self, paths: Any, services: FakeServices, sync_runner: FakeSyncRunner, credentials: Any) -> None:
        self.paths = paths
        self.services = services
        self.sync_runner = sync_runner
        self.credentials = credentials
        self.confirmed = True
        self.attention = 0
        self.confirm_calls = 0
        self.dry_runs = 0

    # secrets
    def needs_master_password(self) -> bool:
        return bool(self.credentials.needs_master_password())

    def secrets_initialised(self) -> bool:
        return bool(self.credentials.is_initialised())

    def unlock(self, password: str) -> None:
        self.credentials.unlock(password)

    def create_master_password(self, password: str) -> None:
        self.credentials.create_with_master_password(password)

    # profile / wizard
    def profile(self) -> Any:
        from core.profile import ProfileStore

        return ProfileStore(self.paths).load()

    def check_onec(self, *args: Any, **kwargs: Any) -> Any:
        return self.services.check_onec(*args, **kwargs)

    def check_bitrix24(self, *args: Any, **kwargs: Any) -> Any:
        return self.services.check_bitrix24(*args, **kwargs)

    def setup(self, profile: Any, password: str, webhook: str) -> None:
        self.services.save(profile, password, webhook)

    def saved_secret(self, name: str) -> str | None:
        return self.services.saved_secret(name)

    def secrets_location(self) -> str:
        return self.services.secrets_location()

    # sync
    def run_once(self, dry_run: bool = False, progress: Any = None, cancel: Any = None,
                 trigger: str = "manual") -> Any:
        return self.sync_runner.run_once(dry_run=dry_run, progress=progress, cancel=cancel, trigger=trigger)

    def preview(self, progress: Any = None, cancel: Any = None) -> Any:
        from core.service import EntityPreview, Preview

        self.dry_runs += 1
        self.sync_runner.run_once(dry_run=True, progress=progress, cancel=cancel, trigger="preview")
        return Preview(run_id=1, entities=[EntityPreview("counterparty", create=20, link=3, duplicates=1,
                                                         invalid=1, problems=["ООО «Ромашка»: неверный ИНН"])])

    def first_sync_confirmed(self) -> bool:
        return self.confirmed

    def confirm_first_sync(self) -> None:
        self.confirm_calls += 1
        self.confirmed = True

    def last_run(self) -> Any:
        return None

    def attention_count(self) -> int:
        return self.attention

    def status(self) -> Any:
        from core.service import StatusInfo

        return StatusInfo(configured=True, home=str(self.paths.home), duplicates_open=self.attention)

    def journal(self, query: Any) -> Any:
        from core.service import JournalPage

        return JournalPage(rows=[], total=0, query=query)

    def schedule_policy(self) -> Any:
        from core.service import SchedulePolicy

        return SchedulePolicy()


def type_text(widget: Any, text: str) -> None:
    """Type like a user, Cyrillic included (QTest.keyClicks aborts on non-ASCII characters)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def journal_entry(**overrides: Any) -> Any:
    from core.state.store import JournalEntry

    values: dict[str, Any] = {
        "id": 1, "ts": datetime(2025, 11, 30, 11, 5, 7, tzinfo=UTC), "run_id": 1, "entity": "counterparty",
        "direction": "1c->b24", "action": "create", "onec_ref": "a1b2c3d4-1111-2222-3333-444455556666",
        "b24_id": "42", "title": "ООО «ТехПром»", "reason_code": "created", "reason_params": {"inn": "7701234567"},
        "reason_text": "Создана в Битрикс24: в 1С есть, в портале не было ни связи, ни компании с ИНН 7701234567",
    }
    values.update(overrides)
    return JournalEntry(**values)


@pytest.fixture
def fake_services() -> FakeServices:
    return FakeServices()


@pytest.fixture
def fake_sync_runner() -> Iterator[FakeSyncRunner]:
    runner = FakeSyncRunner()
    yield runner
    runner.release.set()


def dispose(*objects: Any) -> None:
    """Delete Qt objects now, then collect garbage while no event is being dispatched.

    Left to Python's cyclic GC, QObjects of a finished test were destroyed at a random later moment — sometimes in
    the middle of another test's queued slot call, which crashed PySide (seen once in a few full-suite runs).
    """
    import gc

    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    for obj in objects:
        if obj is not None and shiboken6.isValid(obj):
            obj.deleteLater()  # Qt's own deletion path; shiboken6.delete() upset PySide's refcounts here
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def task_runner(qapp: Any) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown(5000)
    qapp.processEvents()  # deliveries already queued run before their objects go away
    dispose(runner)


@pytest.fixture
def ui_language(qapp: Any) -> Iterator[Any]:
    """Install translators like the app does; call the yielded function with "ru" or "en". Removed afterwards."""
    from gui.translations import install_translators

    installed: list[Any] = []

    def use(language: str) -> None:
        while installed:
            qapp.removeTranslator(installed.pop())
        installed.extend(install_translators(qapp, language))

    use("ru")
    yield use
    while installed:
        qapp.removeTranslator(installed.pop())
    dispose()
