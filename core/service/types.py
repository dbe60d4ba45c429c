"""Value types the facade hands out: plain data the GUI and the CLI may hold, show and pass back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class JournalQuery:
    text: str = ""  # searched in the name, the reason, the 1C reference, the portal ID
    entities: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    problems_only: bool = False
    date_from: date | None = None  # local dates, inclusive
    date_to: date | None = None
    run_id: int | None = None
    sort: str = "ts"  # one of core.state.store.JOURNAL_SORT_COLUMNS
    descending: bool = True
    offset: int = 0
    limit: int = 200


@dataclass
class JournalRow:
    """One journal line with the names people know: the record's name, its ИНН, the portal card's link."""

    entry: Any  # core.state.store.JournalEntry
    onec_label: str  # "ИНН …" or a short form of the 1C reference (Russian: CLI, CSV)
    portal_url: str | None
    inn: str = ""  # the record's ИНН when the journal knows it (the GUI words the label itself)

    def __getattr__(self, name: str) -> Any:  # the row reads like the entry it wraps (ts, title, action…)
        return getattr(self.__dict__["entry"], name)


@dataclass
class JournalPage:
    rows: list[JournalRow]
    total: int  # lines matching the query (all pages)
    query: JournalQuery
    entities: list[str] = field(default_factory=list)  # entities the journal knows, for the filter list


@dataclass
class StatusInfo:
    configured: bool
    home: str
    onec_url: str = ""
    bitrix24_url: str = ""
    schedule_minutes: int = 0
    last_run: Any | None = None  # core.state.store.RunInfo
    queue: dict[str, int] = field(default_factory=dict)
    problems: list[Any] = field(default_factory=list)  # journal entries of the last run's problems
    duplicates_open: int = 0
    conflicts_open: int = 0
    conflicts: list[Any] = field(default_factory=list)  # core.state.store.ConflictItem, open ones
    paused_until: datetime | None = None

    @property
    def needs_attention(self) -> int:
        return self.duplicates_open + self.conflicts_open


@dataclass
class EntityPreview:
    entity: str
    create: int = 0
    link: int = 0
    update: int = 0
    mark: int = 0
    unchanged: int = 0
    duplicates: int = 0
    invalid: int = 0  # values that do not map / records that cannot go over
    lines: list[dict[str, Any]] = field(default_factory=list)  # the plan, per record
    problems: list[str] = field(default_factory=list)  # readable reasons of the invalid ones

    @property
    def writes(self) -> int:
        return self.create + self.link + self.update + self.mark


@dataclass
class Preview:
    run_id: int
    entities: list[EntityPreview]
    status: str = "ok"
    error: str | None = None

    @property
    def writes(self) -> int:
        return sum(e.writes for e in self.entities)


@dataclass
class ReviewOutcome:
    """What a review decision did: ``ok`` False with ``message`` (Russian) and maybe a URL to finish by hand."""

    ok: bool
    message: str
    url: str | None = None


@dataclass
class EntityOverview:
    entity: str
    in_onec: int  # records of 1C the state store has seen
    in_portal: int | None  # records in the portal (asked live), or the linked ones; None = the portal did not say
    linked: int
    waiting: int  # outbox: pending / in flight / uncertain
    failed: int  # failed in the last run


@dataclass
class RunPoint:
    id: int
    started_at: datetime
    status: str
    records: int  # written (created + updated + linked + marked)
    errors: int


@dataclass
class Overview:
    entities: list[EntityOverview]
    runs: list[RunPoint]  # oldest first
    duplicates_open: int = 0
    conflicts_open: int = 0
