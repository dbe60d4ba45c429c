"""SQLite state store: links 1C ⇄ Bitrix24, last seen versions, runs, the journal, the outbox, duplicate review.

One connection guarded by a lock (the engine runs in one worker thread; the GUI opens its own read connection).
WAL mode lets the GUI read the journal while a sync writes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core import messages
from core.private_files import private_dir, private_file, touch_private
from core.redact import mask_text
from core.state.health import corrupt_error, file_problem, newest_backup, rotate_backup
from core.state.migrations import MIGRATIONS

log = logging.getLogger(__name__)

#: bounds on what one journal line or run may store (incoming data is untrusted in size)
MAX_TITLE = 500
MAX_PARAM_TEXT = 2000
MAX_ERROR_TEXT = 4000


def bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_OPEN_LOCK = threading.Lock()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Link:
    entity: str
    onec_ref: str
    b24_type: str
    b24_id: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class JournalEntry:
    id: int
    ts: datetime
    run_id: int | None
    entity: str
    direction: str
    action: str
    onec_ref: str | None
    b24_id: str | None
    title: str
    reason_code: str
    reason_params: dict[str, Any]
    reason_text: str

    @property
    def reason_template(self) -> str:
        return messages.REASONS.get(self.reason_code, self.reason_text)


@dataclass
class RunInfo:
    id: int
    started_at: datetime
    finished_at: datetime | None
    trigger: str
    dry_run: bool
    status: str
    counts: dict[str, int]
    error: str | None


@dataclass
class DuplicateItem:
    id: int
    entity: str
    onec_ref: str
    b24_type: str
    b24_id: str
    onec_title: str
    b24_title: str
    reason: str
    status: str
    created_at: datetime


@dataclass
class ConflictItem:
    id: int
    entity: str
    key: str
    target_id: str
    title: str
    reason: str
    ours: dict[str, Any]
    theirs: dict[str, Any]
    status: str
    created_at: datetime


#: journal columns a search may sort by (the GUI passes the name, never SQL)
JOURNAL_SORT_COLUMNS = ("ts", "entity", "action", "title", "onec_ref", "b24_id", "reason_text")
PROBLEM_ACTIONS = ("fail", "duplicate")


@dataclass
class OutboxItem:
    id: int
    target: str
    entity: str
    onec_ref: str | None
    operation: str
    payload: dict[str, Any]
    state: str
    attempts: int
    last_error: str | None


class StateStore:
    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> StateStore:
        # the window reads while a sync starts: two threads opening a brand-new database would both see schema 0
        with _OPEN_LOCK:
            return cls._open(Path(path))

    @classmethod
    def _open(cls, path: Path) -> StateStore:
        private_dir(path.parent)
        existed = path.exists()
        if existed:
            problem = file_problem(path)
            # an emptied file with a backup beside it is damage, not a first start: never reset it silently
            if problem is not None and not (problem == "файл пуст" and newest_backup(path) is None):
                raise corrupt_error(path, problem)
        # SQLite gives -wal/-shm the mode of the database file: making it 0600 first keeps all three private
        touch_private(path)
        try:
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.create_function("sb_lower", 1, lambda v: v.lower() if isinstance(v, str) else v, deterministic=True)
            store = cls(conn, path)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise corrupt_error(path, f"SQLite: {exc}") from None
        for suffix in ("-wal", "-shm"):
            private_file(path.with_name(path.name + suffix))
        return store

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            current = self.schema_version
            if current > len(MIGRATIONS):
                from core.errors import ConfigError

                raise ConfigError(
                    f"База состояния {self.path} создана более новой версией SyncBridge (схема {current}).",
                    "Обновите программу до последней версии.")
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                try:
                    # executescript commits implicitly, so the version bump goes inside the same script;
                    # BEGIN IMMEDIATE takes the write lock first, so two openers never run one migration twice
                    self._conn.executescript(
                        f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
                except sqlite3.OperationalError:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    if self.schema_version >= number:
                        continue  # another process opened the same new database and migrated it first
                    raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _exec(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, params)

    # ---- links -------------------------------------------------------------------------------------------------
    def get_link(self, entity: str, onec_ref: str, b24_type: str) -> Link | None:
        rows = self._query("SELECT * FROM links WHERE entity=? AND onec_ref=? AND b24_type=?",
                           (entity, onec_ref, b24_type))
        return self._link(rows[0]) if rows else None

    def links(self, entity: str, b24_type: str) -> dict[str, Link]:
        rows = self._query("SELECT * FROM links WHERE entity=? AND b24_type=?", (entity, b24_type))
        return {row["onec_ref"]: self._link(row) for row in rows}

    def link_ids(self, entity: str, b24_type: str) -> dict[str, str]:
        """1C ref → portal id of every link of an entity, without parsing the links' meta (cheap for 20 000)."""
        rows = self._query("SELECT onec_ref, b24_id FROM links WHERE entity=? AND b24_type=?", (entity, b24_type))
        return {row["onec_ref"]: str(row["b24_id"]) for row in rows}

    def link_by_b24(self, b24_type: str, b24_id: str, entity: str) -> Link | None:
        rows = self._query("SELECT * FROM links WHERE b24_type=? AND b24_id=? AND entity=?", (b24_type, b24_id, entity))
        return self._link(rows[0]) if rows else None

    def save_link(self, link: Link) -> None:
        ts = now_iso()
        self._exec(
            "INSERT INTO links (entity, onec_ref, b24_type, b24_id, meta, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT (entity, onec_ref, b24_type) DO UPDATE SET "
            "b24_id=excluded.b24_id, meta=excluded.meta, updated_at=excluded.updated_at",
            (link.entity, link.onec_ref, link.b24_type, str(link.b24_id),
             json.dumps(link.meta, ensure_ascii=False), ts, ts))

    def delete_link(self, entity: str, onec_ref: str, b24_type: str) -> None:
        self._exec("DELETE FROM links WHERE entity=? AND onec_ref=? AND b24_type=?", (entity, onec_ref, b24_type))

    @staticmethod
    def _link(row: sqlite3.Row) -> Link:
        return Link(row["entity"], row["onec_ref"], row["b24_type"], row["b24_id"], json.loads(row["meta"]))

    # ---- versions ----------------------------------------------------------------------------------------------
    def versions(self, side: str, entity: str) -> dict[str, tuple[str, str]]:
        rows = self._query("SELECT key, version, payload_hash FROM versions WHERE side=? AND entity=?", (side, entity))
        return {row["key"]: (row["version"], row["payload_hash"]) for row in rows}

    def save_version(self, side: str, entity: str, key: str, version: str, payload_hash: str = "") -> None:
        self._exec(
            "INSERT INTO versions (side, entity, key, version, payload_hash, seen_at) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT (side, entity, key) DO UPDATE SET version=excluded.version, "
            "payload_hash=excluded.payload_hash, seen_at=excluded.seen_at",
            (side, entity, key, version, payload_hash, now_iso()))

    def forget_version(self, side: str, entity: str, key: str) -> None:
        """The record counts as changed on the next run (a review decision re-pointed its link)."""
        self._exec("DELETE FROM versions WHERE side=? AND entity=? AND key=?", (side, entity, key))

    # ---- runs --------------------------------------------------------------------------------------------------
    def start_run(self, trigger: str, dry_run: bool) -> int:
        with self._lock:
            # a run left "running" belongs to a process that died: say so instead of pretending it is still going
            self._conn.execute("UPDATE runs SET status='interrupted', finished_at=? WHERE status='running'",
                               (now_iso(),))
            cur = self._conn.execute("INSERT INTO runs (started_at, trigger, dry_run, status) VALUES (?,?,?,?)",
                                     (now_iso(), trigger, int(dry_run), "running"))
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, counts: dict[str, int], error: str | None = None) -> None:
        # the error text may quote an exception with a URL or a server answer: masked and bounded before storing
        stored_error = None if error is None else bounded(mask_text(error), MAX_ERROR_TEXT)
        self._exec("UPDATE runs SET finished_at=?, status=?, counts=?, error=? WHERE id=?",
                   (now_iso(), status, json.dumps(counts), stored_error, run_id))
        if status == "ok" and self.path is not None:
            # the way back from a damaged database: a copy after each successful run (two generations)
            try:
                with self._lock:
                    rotate_backup(self._conn, self.path)
            except (OSError, sqlite3.Error):
                log.warning("state backup failed", exc_info=True)

    def last_run(self, *, include_dry: bool = False) -> RunInfo | None:
        where = "" if include_dry else "WHERE dry_run=0"
        rows = self._query(f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT 1")
        return self._run(rows[0]) if rows else None

    def runs(self, limit: int = 20) -> list[RunInfo]:
        return [self._run(r) for r in self._query("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))]

    @staticmethod
    def _run(row: sqlite3.Row) -> RunInfo:
        return RunInfo(
            id=row["id"], started_at=datetime.fromisoformat(row["started_at"]),
            finished_at=datetime.fromisoformat(row["finished_at"]) if row["finished_at"] else None,
            trigger=row["trigger"], dry_run=bool(row["dry_run"]), status=row["status"],
            counts=json.loads(row["counts"]), error=row["error"])

    # ---- journal -----------------------------------------------------------------------------------------------
    def journal_add(self, *, run_id: int | None, entity: str, direction: str, action: str, reason_code: str,
                    reason_params: dict[str, Any] | None = None, onec_ref: str | None = None,
                    b24_id: str | None = None, title: str = "") -> None:
        # incoming data is bounded here whatever a pipeline hands over: a 10 MB name must not bloat the database
        params = {k: bounded(mask_text(v), MAX_PARAM_TEXT) if isinstance(v, str) else v
                  for k, v in (reason_params or {}).items()}
        title = bounded(title, MAX_TITLE)
        self._exec(
            "INSERT INTO journal (ts, run_id, entity, direction, action, onec_ref, b24_id, title, reason_code, "
            "reason_params, reason_text) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (now_iso(), run_id, entity, direction, action, onec_ref, None if b24_id is None else str(b24_id), title,
             reason_code, json.dumps(params, ensure_ascii=False, default=str), messages.render(reason_code, params)))

    def journal(self, limit: int = 500, offset: int = 0, run_id: int | None = None,
                problems_only: bool = False) -> list[JournalEntry]:
        return self.journal_search(limit=limit, offset=offset, run_id=run_id, problems_only=problems_only)

    @staticmethod
    def _journal_where(*, run_id: int | None = None, problems_only: bool = False, text: str = "",
                       entities: tuple[str, ...] = (), actions: tuple[str, ...] = (), since: str | None = None,
                       until: str | None = None) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if run_id is not None:
            where.append("run_id=?")
            params.append(run_id)
        if problems_only:
            where.append(f"action IN ({','.join('?' * len(PROBLEM_ACTIONS))})")
            params.extend(PROBLEM_ACTIONS)
        if entities:
            where.append(f"entity IN ({','.join('?' * len(entities))})")
            params.extend(entities)
        if actions:
            where.append(f"action IN ({','.join('?' * len(actions))})")
            params.extend(actions)
        if since:
            where.append("ts >= ?")
            params.append(since)
        if until:
            where.append("ts < ?")
            params.append(until)
        if text:
            # LIKE is case-insensitive for ASCII only; titles are Cyrillic, so compare lower-cased in Python's
            # sense via a registered function
            where.append("(sb_lower(title) LIKE ? OR sb_lower(reason_text) LIKE ? OR onec_ref LIKE ? "
                         "OR b24_id = ? OR sb_lower(reason_params) LIKE ?)")
            needle = f"%{text.strip().lower()}%"
            params.extend([needle, needle, needle, text.strip(), needle])
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def journal_search(self, *, limit: int = 500, offset: int = 0, sort: str = "ts", descending: bool = True,
                       **filters: Any) -> list[JournalEntry]:
        """One page of the journal; ``filters`` as :meth:`_journal_where` takes them. Newest first by default."""
        if sort not in JOURNAL_SORT_COLUMNS:
            raise ValueError(sort)
        clause, params = self._journal_where(**filters)
        direction = "DESC" if descending else "ASC"
        rows = self._query(f"SELECT * FROM journal {clause} ORDER BY {sort} {direction}, id {direction} "
                           "LIMIT ? OFFSET ?", (*params, limit, offset))
        return [
            JournalEntry(
                id=r["id"], ts=datetime.fromisoformat(r["ts"]), run_id=r["run_id"], entity=r["entity"],
                direction=r["direction"], action=r["action"], onec_ref=r["onec_ref"], b24_id=r["b24_id"],
                title=r["title"], reason_code=r["reason_code"], reason_params=json.loads(r["reason_params"]),
                reason_text=r["reason_text"])
            for r in rows
        ]

    def journal_count(self, **filters: Any) -> int:
        clause, params = self._journal_where(**filters)
        return int(self._query(f"SELECT COUNT(*) FROM journal {clause}", tuple(params))[0][0])

    def journal_entities(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT entity FROM journal ORDER BY entity")]

    # ---- outbox ------------------------------------------------------------------------------------------------
    def outbox_add(self, *, run_id: int | None, target: str, entity: str, onec_ref: str | None, operation: str,
                   payload: dict[str, Any]) -> int:
        cur = self._exec(
            "INSERT INTO outbox (created_at, run_id, target, entity, onec_ref, operation, payload, state) "
            "VALUES (?,?,?,?,?,?,?, 'pending')",
            (now_iso(), run_id, target, entity, onec_ref, operation, json.dumps(payload, ensure_ascii=False,
                                                                               default=str)))
        return int(cur.lastrowid)

    def outbox_mark(self, item_id: int, state: str, error: str | None = None) -> None:
        if state == "done":
            self._exec("DELETE FROM outbox WHERE id=?", (item_id,))
        else:
            self._exec("UPDATE outbox SET state=?, attempts=attempts + (? = 'in_flight'), last_error=? WHERE id=?",
                       (state, state, error, item_id))

    def outbox(self, states: tuple[str, ...] = ("pending", "in_flight", "uncertain", "failed")) -> list[OutboxItem]:
        marks = ",".join("?" * len(states))
        rows = self._query(f"SELECT * FROM outbox WHERE state IN ({marks}) ORDER BY id", states)
        return [OutboxItem(r["id"], r["target"], r["entity"], r["onec_ref"], r["operation"], json.loads(r["payload"]),
                           r["state"], r["attempts"], r["last_error"]) for r in rows]

    def outbox_counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self._query("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")}

    # ---- duplicate review --------------------------------------------------------------------------------------
    def add_duplicate(self, *, entity: str, onec_ref: str, b24_type: str, b24_id: str, onec_title: str,
                      b24_title: str, reason: str) -> bool:
        """Record a probable duplicate for review; returns False when it is already known (open or decided)."""
        cur = self._exec(
            "INSERT OR IGNORE INTO duplicates (entity, onec_ref, b24_type, b24_id, onec_title, b24_title, reason, "
            "created_at) VALUES (?,?,?,?,?,?,?,?)",
            (entity, onec_ref, b24_type, str(b24_id), bounded(onec_title, MAX_TITLE), bounded(b24_title, MAX_TITLE),
             bounded(reason, MAX_PARAM_TEXT), now_iso()))
        return cur.rowcount > 0

    def duplicates(self, status: str | None = "open") -> list[DuplicateItem]:
        sql, params = "SELECT * FROM duplicates", ()
        if status:
            sql, params = sql + " WHERE status=?", (status,)
        return [self._duplicate(r) for r in self._query(sql + " ORDER BY id", params)]

    def open_duplicates(self) -> list[DuplicateItem]:
        return self.duplicates("open")

    def duplicate(self, item_id: int) -> DuplicateItem | None:
        rows = self._query("SELECT * FROM duplicates WHERE id=?", (item_id,))
        return self._duplicate(rows[0]) if rows else None

    @staticmethod
    def _duplicate(r: sqlite3.Row) -> DuplicateItem:
        return DuplicateItem(r["id"], r["entity"], r["onec_ref"], r["b24_type"], r["b24_id"], r["onec_title"],
                             r["b24_title"], r["reason"], r["status"], datetime.fromisoformat(r["created_at"]))

    def resolve_duplicate(self, item_id: int, status: str) -> None:
        # dismissed stays in the table: the UNIQUE key keeps the same pair from being reported again
        if status not in ("linked", "dismissed", "merged", "open"):
            raise ValueError(status)
        self._exec("UPDATE duplicates SET status=?, resolved_at=? WHERE id=?", (status, now_iso(), item_id))

    # ---- conflicts ---------------------------------------------------------------------------------------------
    def add_conflict(self, *, entity: str, key: str, target_id: str, title: str, reason: str,
                     ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
        """Keep both versions of a change that must not overwrite the other side. One open conflict per record:
        a newer change replaces the open one's versions. Returns True when the conflict is new."""
        ours_json = json.dumps(ours, ensure_ascii=False, default=str)
        theirs_json = json.dumps(theirs, ensure_ascii=False, default=str)
        cur = self._exec("UPDATE conflicts SET ours=?, theirs=?, reason=?, title=? "
                         "WHERE entity=? AND key=? AND status='open'",
                         (ours_json, theirs_json, reason, title, entity, key))
        if cur.rowcount:
            return False
        self._exec("INSERT INTO conflicts (entity, key, target_id, title, reason, ours, theirs, created_at) "
                   "VALUES (?,?,?,?,?,?,?,?)",
                   (entity, key, target_id, title, reason, ours_json, theirs_json, now_iso()))
        return True

    def conflicts(self, status: str | None = "open") -> list[ConflictItem]:
        sql, params = "SELECT * FROM conflicts", ()
        if status:
            sql, params = sql + " WHERE status=?", (status,)
        return [ConflictItem(r["id"], r["entity"], r["key"], r["target_id"], r["title"], r["reason"],
                             json.loads(r["ours"]), json.loads(r["theirs"]), r["status"],
                             datetime.fromisoformat(r["created_at"]))
                for r in self._query(sql + " ORDER BY id", params)]

    def resolve_conflict(self, item_id: int, status: str) -> None:
        if status not in ("resolved", "dismissed"):
            raise ValueError(status)
        self._exec("UPDATE conflicts SET status=?, resolved_at=? WHERE id=?", (status, now_iso(), item_id))

    # ---- overview ----------------------------------------------------------------------------------------------
    def link_counts(self) -> dict[str, int]:
        return {r["entity"]: r["n"] for r in self._query("SELECT entity, COUNT(*) AS n FROM links GROUP BY entity")}

    def outbox_counts_by_entity(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for r in self._query("SELECT entity, state, COUNT(*) AS n FROM outbox GROUP BY entity, state"):
            out.setdefault(r["entity"], {})[r["state"]] = r["n"]
        return out

    def version_counts(self, side: str = "onec") -> dict[str, int]:
        return {r["entity"]: r["n"] for r in self._query(
            "SELECT entity, COUNT(*) AS n FROM versions WHERE side=? GROUP BY entity", (side,))}
