"""The GUI thread stays responsive while a real sync runs on the sandboxes with several requests in flight."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from core.paths import AppPaths
from core.profile import Profile
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.clock import BITRIX24_CLOUD, ONEC_ODATA, WorkClock
from core.sandbox.onec.seed import make_bulk_bank_accounts, make_bulk_counterparties
from core.sandbox.onec.server import OneCSandbox
from core.secrets import CredentialStore
from core.setup_service import apply_setup
from core.sync.runner import SyncRunner
from gui.sync_controller import SyncController
from gui.task_runner import TaskRunner
from tests import gui_fixtures
from tests.gui_fixtures import dispose

task_runner = gui_fixtures.task_runner


@pytest.mark.integration
def test_gui_thread_stays_responsive_during_a_sandbox_sync(qtbot: Any, task_runner: TaskRunner, tmp_path: Path,
                                                          capsys: Any):
    """Event-loop latency measured with a 10 ms QTimer while a real sync (two sandboxes in this very process, the
    portal's work clock running, several requests in flight) goes on. The bound is a generous sanity check; the
    measured figure is printed and recorded in docs/architecture.md."""
    onec = OneCSandbox(users={"Интеграция": "пароль"}, work_clock=WorkClock(ONEC_ODATA, 0.1))
    rows = make_bulk_counterparties(300)
    for row in rows:
        onec.put("Catalog_Контрагенты", row)
    for row in make_bulk_bank_accounts(rows):
        onec.put("Catalog_БанковскиеСчетаКонтрагентов", row)
    portal = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50.0, burst=50,
                             work_clock=WorkClock(BITRIX24_CLOUD, 0.25))
    onec.start()
    portal.start()
    controller = None
    try:
        paths = AppPaths.resolve(tmp_path / "home").ensure()
        env = {"SYNCBRIDGE_MASTER_PASSWORD": "test-password", "SYNCBRIDGE_SECRETS_MODE": "master-password"}
        credentials = CredentialStore(paths, env=env)
        profile = Profile(onec_url=onec.url, onec_user="Интеграция", bitrix24_url="https://127.0.0.1",
                          bitrix24_ca_file=portal.ca_file, bitrix24_rate=50.0, bitrix24_burst=50,
                          bitrix24_in_flight=6)
        apply_setup(paths, profile, "пароль", portal.webhook_url, credentials)
        controller = SyncController(task_runner, lambda: SyncRunner(paths, credentials), schedule_minutes=60)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()
        with qtbot.waitSignal(controller.finished, timeout=120_000) as finished:
            assert controller.sync_now()
        timer.stop()
        report = finished.args[0]
        assert report is not None and report.status == "ok", finished.args
        assert report.created >= 300  # the bulk cards and most of the hand-made seed
        assert portal.traffic.snapshot().max_in_flight > 1
        worst = max(gaps)
        p99 = sorted(gaps)[int(len(gaps) * 0.99)]
        with capsys.disabled():
            print(f"\nGUI event loop during a sandbox sync: {len(gaps)} ticks of 10 ms, "
                  f"worst gap {worst * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
        assert worst < 1.0  # sanity only: the target (< 100 ms) is measured and reported, not asserted
    finally:
        if controller is not None:
            controller.stop()
            dispose(controller)
        onec.stop()
        portal.stop()
