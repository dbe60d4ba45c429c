"""Human-readable status lines built from a :class:`SyncSnapshot`: tray tooltip, status line, last/next sync.

Kept apart from the widgets so the tray, the fallback status window and the journal window say exactly the same
thing, and so the wording can be tested without any window.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from gui.error_text import first_line
from gui.sync_controller import SyncSnapshot, SyncState

APP_TITLE = "SyncBridge"
TOOLTIP_LIMIT = 127  # Windows truncates NOTIFYICONDATA.szTip at 128 characters


def capitalised(text: str) -> str:
    """First letter up, the rest untouched (str.capitalize would lower-case names like «Битрикс24»)."""
    return text[:1].upper() + text[1:]


def format_time(moment: datetime, now: datetime | None = None) -> str:
    """"14:05" for today, "29.11 14:05" for another day of this year, full date otherwise."""
    now = now or datetime.now()
    if moment.tzinfo is not None and now.tzinfo is None:
        moment = moment.astimezone().replace(tzinfo=None)
    if moment.date() == now.date():
        return moment.strftime("%H:%M")
    if moment.year == now.year:
        return moment.strftime("%d.%m %H:%M")
    return moment.strftime("%d.%m.%Y %H:%M")


def entity_text(entity: str) -> str:
    from core.service.vocabulary import ENTITY_LABELS

    return QCoreApplication.translate("progress", ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity


def duration_text(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return QCoreApplication.translate("status", "{n} с").format(n=max(1, seconds))
    if seconds < 3600:
        return QCoreApplication.translate("status", "{m} мин {s} с").format(m=seconds // 60, s=seconds % 60)
    return QCoreApplication.translate("status", "{h} ч {m} мин").format(h=seconds // 3600, m=seconds % 3600 // 60)


def progress_details(progress: object) -> str:
    """The second line while a sync runs: stage (of which entity), speed, time left — all for the whole run."""
    if progress is None:
        return ""
    parts = []
    stage = getattr(progress, "stage", "")
    entity = getattr(progress, "entity", "")
    if stage:
        stage_text = QCoreApplication.translate("progress", stage)
        stage_done, stage_total = getattr(progress, "stage_done", 0), getattr(progress, "stage_total", None)
        if stage_total:
            stage_text += f" ({stage_done}/{stage_total})"
        parts.append(f"{entity_text(entity)}: {stage_text}" if entity else stage_text)
    rate = getattr(progress, "rate", None)
    if rate:
        parts.append(QCoreApplication.translate("status", "{rate} записей/с").format(rate=f"{rate:.1f}"))
    eta = getattr(progress, "eta_s", None)
    if eta is not None and rate:
        parts.append(QCoreApplication.translate("status", "осталось ≈ {time}").format(time=duration_text(eta)))
    return " · ".join(parts)


def live_counts_text(counts: dict[str, int]) -> str:
    from core.service.vocabulary import COUNT_LABELS, LIVE_COUNTS

    return ", ".join(f"{QCoreApplication.translate('vocabulary', COUNT_LABELS[k])}: {int(counts.get(k, 0) or 0)}"
                     for k in LIVE_COUNTS)


def progress_text(snapshot: SyncSnapshot) -> str:
    if snapshot.total:
        return QCoreApplication.translate("status", "идёт синхронизация: {done} из {total}").format(
            done=snapshot.done, total=snapshot.total)
    if snapshot.stage:
        # stages are fixed Russian texts from core.messages.STAGES, translated in context "progress"
        stage = QCoreApplication.translate("progress", snapshot.stage)
        return QCoreApplication.translate("status", "идёт синхронизация: {stage}").format(stage=stage)
    return QCoreApplication.translate("status", "идёт синхронизация")


def status_line(snapshot: SyncSnapshot, now: datetime | None = None) -> str:
    """The state in a few words, without the app name: used in the tooltip and in windows."""
    state = snapshot.state
    if state == SyncState.SYNCING:
        return progress_text(snapshot)
    if state == SyncState.ERROR:
        return QCoreApplication.translate("status", "ошибка: {text}").format(
            text=first_line(snapshot.error_text or ""))
    if state == SyncState.DISCONNECTED:
        return QCoreApplication.translate("status", "нет связи: {text}").format(
            text=first_line(snapshot.error_text or ""))
    if state == SyncState.PAUSED:
        return QCoreApplication.translate("status", "синхронизация приостановлена")
    if snapshot.paused_until is not None:
        return QCoreApplication.translate("status", "расписание приостановлено до {time}").format(
            time=format_time(snapshot.paused_until, now))
    if snapshot.attention and state == SyncState.IDLE:
        return QCoreApplication.translate("status", "нужно ваше решение: {n}").format(n=snapshot.attention)
    if snapshot.last_finished_at is None:
        return QCoreApplication.translate("status", "синхронизация ещё не выполнялась")
    return QCoreApplication.translate("status", "синхронизировано {time}").format(
        time=format_time(snapshot.last_finished_at, now))


def tooltip_text(snapshot: SyncSnapshot, now: datetime | None = None) -> str:
    text = f"{APP_TITLE} — {status_line(snapshot, now)}"
    return text if len(text) <= TOOLTIP_LIMIT else text[: TOOLTIP_LIMIT - 1] + "…"


def last_sync_line(snapshot: SyncSnapshot, now: datetime | None = None) -> str:
    if snapshot.last_finished_at is None:
        return QCoreApplication.translate("status", "Последняя синхронизация: ещё не было")
    return QCoreApplication.translate("status", "Последняя синхронизация: {time}").format(
        time=format_time(snapshot.last_finished_at, now))


def next_sync_line(snapshot: SyncSnapshot, now: datetime | None = None) -> str | None:
    if snapshot.paused:
        return QCoreApplication.translate("status", "Расписание приостановлено")
    if snapshot.next_run_at is None:
        return None
    return QCoreApplication.translate("status", "Следующая синхронизация: {time}").format(
        time=format_time(snapshot.next_run_at, now))
