"""The one schedule and retry policy of SyncBridge, used by the service loop (``syncbridge run``) and the tray app.

- regular runs every ``interval`` minutes;
- after a failed run the next try comes sooner: 1, 2, 4… minutes, never later than the regular interval;
- outside the working hours (if set) nothing runs: the next run is at the start of the next working window;
- a pause for N hours stops runs until that moment (kept in the profile, so it survives a restart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

FIRST_RETRY_S = 60.0


def parse_hhmm(text: str) -> time | None:
    text = (text or "").strip()
    if not text:
        return None
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


@dataclass(frozen=True)
class SchedulePolicy:
    interval_s: float = 15 * 60
    first_retry_s: float = FIRST_RETRY_S
    work_start: time | None = None
    work_end: time | None = None
    paused_until: datetime | None = None

    @classmethod
    def from_profile(cls, profile: object) -> SchedulePolicy:
        paused = getattr(profile, "paused_until", "") or ""
        return cls(interval_s=float(getattr(profile, "schedule_minutes", 15)) * 60,
                   work_start=parse_hhmm(getattr(profile, "work_hours_start", "") or ""),
                   work_end=parse_hhmm(getattr(profile, "work_hours_end", "") or ""),
                   paused_until=datetime.fromisoformat(paused) if paused else None)

    def retry_delay(self, failures: int) -> float:
        """Seconds before the next try after ``failures`` failed runs in a row (0 → the regular interval)."""
        if failures <= 0:
            return self.interval_s
        return min(self.first_retry_s * 2 ** (failures - 1), self.interval_s)

    def in_working_hours(self, now: datetime) -> bool:
        if self.work_start is None or self.work_end is None or self.work_start == self.work_end:
            return True
        moment = now.time()
        if self.work_start < self.work_end:
            return self.work_start <= moment < self.work_end
        return moment >= self.work_start or moment < self.work_end  # a night shift across midnight

    def is_paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until

    def wait_until_allowed(self, now: datetime) -> float:
        """Seconds until a run is allowed (0 when it is allowed now): pause first, then working hours."""
        moment = now
        if self.is_paused(moment):
            assert self.paused_until is not None
            moment = self.paused_until
        if not self.in_working_hours(moment):
            assert self.work_start is not None
            start = datetime.combine(moment.date(), self.work_start, tzinfo=moment.tzinfo)
            if start <= moment:
                start += timedelta(days=1)
            moment = start
        return max(0.0, (moment - now).total_seconds())

    def next_delay(self, failures: int, now: datetime) -> float:
        """Seconds from ``now`` to the next run: the retry/regular delay, pushed past a pause or off-hours."""
        delay = self.retry_delay(failures)
        return delay + self.wait_until_allowed(now + timedelta(seconds=delay))
