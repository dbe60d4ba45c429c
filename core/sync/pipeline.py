"""What an entity pipeline is: the hooks one entity implements; the shared skeleton (``engine.py``) does the rest.

A pipeline moves one kind of record one way: it *reads* a side (1C or the portal) into canonical records, *maps*
them to the other side's payload, *looks them up* on the target by their identity field, and says which
*commands* write them. Change detection, slicing, the dry-run plan, the outbox (pending → in flight → done /
failed / uncertain), recovery of lost answers by identity lookup, links, versions and the journal live once, in
the engine; a pipeline never touches them directly.

To add an entity: subclass :class:`Pipeline`, fill the class attributes, implement the abstract hooks, give it a
mapping section in the profile JSON and register it in ``core/sync/registry.py``. See docs/architecture.md,
«Как добавить сущность».
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from core.state.store import Link
from core.sync.context import DIRECTION_TO_B24, RunContext

if TYPE_CHECKING:
    from core.bitrix24.client import Bitrix24Client
    from core.onec.client import OneCClient

log = logging.getLogger(__name__)

Commands = dict[str, tuple[str, dict[str, Any]]]

# actions after which a record needs a write; everything else ends its journey without one
WRITE_ACTIONS = ("create", "update", "link", "mark")
# decisions that end a record's journey in this run with a journaled reason (engine-wide codes)
FAILING_ACTIONS = {"lookup_failed": "failed_remote"}

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_KEY_LENGTH = 200


class Payload(Protocol):
    """What a pipeline writes for one record: equal digests mean there is nothing to send."""

    def digest(self) -> str: ...


@dataclass
class Item:
    """One record on its way through a run. The engine owns the bookkeeping fields; a pipeline fills ``action``,
    ``target_id``, ``meta`` and the reason while it looks the record up and writes it."""

    key: str  # identity on the source side (1C Ref_Key, or the portal ID for portal → 1C pipelines)
    version: str  # effective version from the poll; stored once the record is settled
    record: Any  # the canonical record
    payload: Any  # the target payload (see :class:`Payload`)
    link: Link | None = None
    old_payload: Any = None  # what we wrote last time (from the link), for diffs and "nothing changed"
    target_id: str | None = None  # the main record on the target side (company ID, product ID, 1C Ref_Key…)
    meta: dict[str, Any] = field(default_factory=dict)  # target ids of the record's parts (requisite, bank details)
    current: dict[str, Any] | None = None  # the target record as read now, where the pipeline needs it
    action: str = ""  # create | update | link | mark | lookup_failed | <pipeline-specific failing action>
    reason_code: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    target_title: str = ""
    title: str = ""
    outbox_id: int | None = None
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (target id, title) for review
    notes: list[str] = field(default_factory=list)  # mapping notes (a value left out, truncated…) for the journal


@dataclass
class PipelineEnv:
    """Everything a pipeline may use. Clients are ``None`` where a test drives a pipeline without that side."""

    ctx: RunContext
    table: dict[str, Any]  # the profile's mapping table (all sections)
    originator: str  # ORIGINATOR_ID of this 1C base in the portal
    onec: OneCClient | None = None
    b24: Bitrix24Client | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # this entity's settings from the profile


class Pipeline(ABC):
    """The hooks of one entity. Class attributes declare it; methods do its side-specific work."""

    #: entity name: the key of its mapping section, of its links, versions, journal lines and counts
    entity: ClassVar[str]
    #: what it is called in progress and reports, Russian plural («Контрагенты»)
    label: ClassVar[str]
    #: the link table's target type («company», «product»…)
    target_type: ClassVar[str]
    #: entities whose links this one needs (written first in a run)
    depends_on: ClassVar[tuple[str, ...]] = ()
    #: dependencies this entity can run alongside, taking their records as they are written: its poll offers only
    #: the records whose dependency is linked, and :meth:`poll_again` later in the run offers those linked since
    #: (prices and stock follow products, so their methods spend their own operating budgets in the same windows)
    follows: ClassVar[tuple[str, ...]] = ()
    #: taken by a run whose profile names no entities; False = only when the profile lists it (an entity that needs
    #: the admin's choices first, like the catalogue's price types and warehouses)
    enabled_by_default: ClassVar[bool] = True
    direction: ClassVar[str] = DIRECTION_TO_B24
    #: which side's versions detect changes: "onec" (1C → portal) or "b24" (portal → 1C)
    version_side: ClassVar[str] = "onec"
    #: "batch": the engine packs :meth:`commands` into portal batches; "single": :meth:`write_one` per record
    write_mode: ClassVar[str] = "batch"
    #: changed records read, matched and written per slice, so memory stays flat on a first load
    process_chunk: ClassVar[int] = 2000
    #: records that fill one write batch when each takes the same number of commands: slices are cut in multiples
    #: of it, so a slice does not end in a part-filled batch (each one more request at the cloud's 2 a second)
    slice_multiple: ClassVar[int] = 1
    #: :meth:`read` of the next slice runs on a reader thread while this slice is written. It may then use only the
    #: source client (never the state store, ``ctx`` or the target client); set False if it must
    read_in_background: ClassVar[bool] = True
    #: pipeline-specific failing actions → journal reason codes
    failing_actions: ClassVar[dict[str, str]] = {}
    #: engine reason code → this entity's own wording («created» → «product_created»)
    reason_codes: ClassVar[dict[str, str]] = {}
    #: whose settings in ``Profile.entity_settings`` this pipeline gets ("" = its own entity's); several pipelines of
    #: one business flow (the sales loop) share one settings page
    settings_entity: ClassVar[str] = ""
    #: why a probable duplicate is one, shown in the review list
    duplicate_reason: ClassVar[str] = "похожая запись портала без идентификатора 1С"

    def __init__(self, env: PipelineEnv) -> None:
        self.env = env
        self.ctx = env.ctx
        self.store = env.ctx.store
        self.table = env.table
        self.spec: dict[str, Any] = env.table.get(self.entity, {})
        self.onec = env.onec
        self.b24 = env.b24
        self.originator = env.originator
        self.settings = env.settings

    # ---- source ------------------------------------------------------------------------------------------------
    @abstractmethod
    def poll(self) -> dict[str, str]:
        """Every live record's key → its effective version, read cheaply (no full rows)."""

    def poll_again(self) -> dict[str, str]:
        """:meth:`poll` once more in the same run, after a followed dependency wrote (see ``follows``). A pipeline
        that read its source at the first poll may keep that and only recompute what depends on the links."""
        return self.poll()

    @abstractmethod
    def read(self, keys: list[str]) -> dict[str, Any]:
        """Full source data of these keys (anything :meth:`to_record` understands); a key that is gone is absent."""

    @abstractmethod
    def to_record(self, key: str, raw: Any) -> Any:
        """Source data → canonical record. May raise: the engine journals the record and goes on."""

    # ---- mapping -----------------------------------------------------------------------------------------------
    @abstractmethod
    def to_payload(self, record: Any) -> Any:
        """Canonical record → target payload (:class:`Payload`)."""

    def payload_to_json(self, payload: Any) -> dict[str, Any] | None:
        return None

    def payload_from_json(self, data: dict[str, Any] | None) -> Any:
        return None

    def validate(self, record: Any) -> list[str]:
        """Russian phrases saying why the record cannot be sent; empty when it can."""
        return []

    def is_deleted(self, record: Any) -> bool:
        return bool(getattr(record, "deleted", False))

    def title_of(self, record: Any) -> str:
        return str(getattr(record, "name", "") or "")

    def notes_of(self, record: Any) -> list[str]:
        return list(getattr(record, "notes", []) or [])

    def changed_fields(self, old: Any, new: Any) -> list[str]:
        return []

    # ---- target ------------------------------------------------------------------------------------------------
    def get_link(self, key: str) -> Link | None:
        return self.store.get_link(self.entity, key, self.target_type)

    def load_link(self, item: Item) -> None:
        """Take what the link remembers (target ids, last payload) into the item."""
        link = item.link
        if link is None:
            return
        item.target_id = link.b24_id
        item.meta = {k: v for k, v in link.meta.items() if k != "payload"}
        item.old_payload = self.payload_from_json(link.meta.get("payload"))

    def save_link(self, item: Item, payload_json: dict[str, Any] | None) -> None:
        if item.target_id is None:
            return
        self.store.save_link(Link(self.entity, item.key, self.target_type, item.target_id,
                                  {**item.meta, "payload": payload_json}))

    def forget_link(self, item: Item) -> None:
        """The target record is gone (a manager deleted it): start over as a new record."""
        self.store.delete_link(self.entity, item.key, self.target_type)
        item.link, item.target_id, item.old_payload, item.current = None, None, None, None
        item.meta = {}
        item.action = "create"

    def deleted_action(self, item: Item) -> str | None:
        """What a linked record marked for deletion at the source becomes: "mark" (the default writes a note, never
        deletes) or None to skip it."""
        return "mark"

    @abstractmethod
    def lookup(self, items: list[Item]) -> None:
        """Find these records on the target by identity. For ``create`` items: set ``action`` to "link" (with
        ``target_id``) when the target has it already, leave "create" when it surely does not, or "lookup_failed"
        (with ``params['error']``) when that cannot be known. For ``update`` items: read what the update needs, call
        :meth:`forget_link` when the target record is gone. Set ``action`` to "skip" (with ``reason_code``) when the
        target needs nothing (the record is settled without a write). Must call ``self.ctx.check_cancelled()``
        between requests."""

    def settle_conflicts(self, items: list[Item]) -> None:
        """Records of one run that claim the same target record (a duplicate at the source)."""
        return None  # optional hook

    def claims(self, item: Item) -> frozenset[str] | None:
        """What besides its own key this record's lookup may find on the target (an ИНН, an article), for
        streamed writes: a slice's writes are still on the wire while the next slice is looked up, so the engine
        holds the next slice's lookup until the writes of records with a shared claim are settled (the lookup then
        sees them, as if the slices ran one after another). ``None`` (the default): unknown — the lookup waits for
        all earlier writes of the run. An empty set: records of this entity find nothing but themselves."""
        return None

    def find_duplicates(self, items: list[Item]) -> None:
        """Fill ``item.duplicates`` of records about to be created with probable duplicates for review."""
        return None  # optional hook

    def commands(self, k: int, item: Item) -> Commands:
        """Portal commands writing one record (write_mode "batch"); keys carry ``k`` so results split back."""
        raise NotImplementedError

    def apply_results(self, item: Item, cmds: Commands, result: dict[str, Any]) -> None:
        """Take the ids the portal gave to created records back into the item."""
        return None  # optional hook

    def incomplete(self, item: Item, cmds: Commands) -> bool:
        """True when the answer lacks an id an add command should have returned: the record is then uncertain and
        resolved by an identity lookup, exactly like a lost answer."""
        return item.target_id is None

    def write_one(self, item: Item) -> None:
        """Write one record (write_mode "single"); raise AnswerLost when the answer is lost, RemoteError when the
        target refused it; set ``item.target_id`` on a create."""
        raise NotImplementedError

    def on_failed(self, item: Item, code: str) -> None:
        """A record failed with this reason (not in a dry run): e.g. put the candidates on the review list."""
        return None  # optional hook

    def not_sent(self, item: Item) -> None:
        """The commands built for this record never left (a Stop, a spent budget): forget anything :meth:`commands`
        noted about them being on their way."""
        return None  # optional hook

    def adopt(self, item: Item, probe: Item) -> None:
        """After a lost answer the identity lookup (``probe``) found the record: take its target ids."""
        item.target_id = probe.target_id
        item.meta = dict(probe.meta)

    # ---- helpers for poll() ------------------------------------------------------------------------------------
    def versions_of(self, rows: list[dict[str, Any]], *, key_field: str = "Ref_Key",
                    version_field: str = "DataVersion") -> dict[str, str]:
        """Key → version of well-formed rows; a malformed row (no GUID key, no version) is journaled and left out,
        so one bad row never stops the entity."""
        versions: dict[str, str] = {}
        for row in rows:
            key = row.get(key_field) if isinstance(row, dict) else None
            version = row.get(version_field) if isinstance(row, dict) else None
            if not isinstance(key, str) or not _GUID.match(key):
                self.reject(str(key)[:MAX_KEY_LENGTH] if key is not None else "",
                            f"ключ {key_field} «{str(key)[:60]}» не похож на идентификатор 1С")
                continue
            if version in (None, "") or isinstance(version, (dict, list)):
                self.reject(key, f"у записи нет версии ({version_field})")
                continue
            versions[key] = str(version)
        return versions

    def reject(self, key: str, problem: str) -> None:
        self.ctx.count(self.entity, "failed")
        self.ctx.journal(entity=self.entity, action="fail", reason_code="failed_record",
                         params={"problem": problem, "key": key},
                         **({"b24_id": key or None} if self.version_side == "b24" else {"onec_ref": key or None}),
                         direction=self.direction)
