"""The skeleton every entity pipeline runs on, written once.

poll versions → dirty keys (changed versions + records a cut-off run left in the outbox) → slices → read changed →
canonical record → validate → payload (skip when the same as last written) → target lookup by identity →
conflicts → probable duplicates → dry-run plan, or writes through the outbox → lost answers resolved by an
identity lookup, never re-sent blindly → links, versions and a journal line with a readable reason.

Three things overlap: a reader thread reads slice N+1 from the source while slice N is mapped and looked up
(``core/sync/read_ahead.py``), and the portal batches of slice N stay on the wire (``Stream`` in
``core/bitrix24/inflight.py``) while slice N+1 is mapped, looked up and queued behind them, so the client's lanes
never idle at a slice's end. Everything that touches the state store — outbox, links, versions, journal — stays on
the engine's thread: outcomes are collected there. A slice's lookup waits for the earlier writes it could find
(``Pipeline.claims``: the same ИНН, say), so exactly-once and duplicate detection read as if slices ran in turn.

One record never stops the others: an exception while mapping it (a malformed row, a value of the wrong type) is
journaled with the record's key and the run goes on.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import Any

from core.bitrix24.inflight import NotSent, OutOfBudget, Stream
from core.errors import AnswerLost, RemoteError, SyncBridgeError
from core.messages import STAGES
from core.sync.pipeline import FAILING_ACTIONS, MAX_KEY_LENGTH, WRITE_ACTIONS, Commands, Item, Pipeline
from core.sync.read_ahead import CANCEL_POLL_S, MIN_SLICE, Reader, cut_into_slices

log = logging.getLogger(__name__)

MAX_BATCH = 50


def group_into_batches(plans: list[tuple[Item, Commands]]) -> list[list[tuple[Item, Commands]]]:
    """Pack whole records into batches of at most MAX_BATCH commands (a record is never split: its commands refer
    to each other's results)."""
    batches: list[list[tuple[Item, Commands]]] = []
    size = MAX_BATCH + 1
    for plan in plans:
        if size + len(plan[1]) > MAX_BATCH:
            batches.append([])
            size = 0
        batches[-1].append(plan)
        size += len(plan[1])
    return batches


def _out_of_budget(error: Any) -> bool:
    """Refused before it ran: the portal's operating-time limit of the method (429 OPERATION_TIME_LIMIT)."""
    return str(getattr(error, "code", "")).strip().upper() == "OPERATION_TIME_LIMIT"


def _reason_of(exc: BaseException) -> str:
    if isinstance(exc, SyncBridgeError):
        return exc.message
    text = str(exc) or type(exc).__name__
    return f"данные записи не разобраны ({type(exc).__name__}: {text[:200]})"


@dataclass
class _Sent:
    """A batch handed to the write stream and not settled yet."""

    batch: list[tuple[Item, Commands]]
    commands: Commands
    slice_no: int
    claims: frozenset[str] | None  # None: may be found by any later lookup (Pipeline.claims)


@dataclass
class Waiting:
    """An entity's turn that cannot go on until one of these writes is answered."""

    futures: list[Future[Any]]

    def ready(self) -> bool:
        return not self.futures or any(future.done() for future in self.futures)

    def block(self, timeout: float | None = None) -> None:
        if self.futures:
            wait(self.futures, timeout=timeout, return_when=FIRST_COMPLETED)


#: a write that would first wait longer than this for a method's operating budget is held back when the runner
#: has other entities to run meanwhile (``EntitySync(may_pause=True)``)
DEFER_AFTER_S = 30.0


class EntitySync:
    """Runs one pipeline through one sync run (or one round of it, see ``may_pause``)."""

    def __init__(self, pipeline: Pipeline, *, may_pause: bool = False, seen: set[str] | None = None) -> None:
        """``may_pause``: when the portal's operating budget of a write method is spent for longer than
        DEFER_AFTER_S, stop after what could be written (``paused`` becomes True; the rest stays dirty) instead of
        waiting — the runner runs other entities and comes back. ``seen``: keys counted in earlier rounds of this
        run, so a record is counted (seen, unchanged) once per run."""
        self.may_pause = may_pause
        self.paused = False
        self._seen = seen
        self.p = pipeline
        self.ctx = pipeline.ctx
        self.store = pipeline.store
        self.entity = pipeline.entity
        # outbox items a previous (crashed or cut-off) run left behind, by key: closed once the record is settled
        self._stale_outbox: dict[str, list[int]] = {}
        self._reader: Reader | None = None
        # streamed portal writes of this run: batches on the wire by stream index, the slice being processed, and
        # records whose lost answer was resolved by a lookup (finished in one more pass once all slices are written)
        self._writes: Stream[Commands, Any] | None = None
        self._sent: dict[int, _Sent] = {}
        self._slice_no = 0
        self._recovered: list[Item] = []
        self._retry_pass = False
        # records queued for writing and records whose writes were settled (done or failed): progress, and what
        # the runner's rounds count as written
        self._queued = self._settled = 0
        self._calls: Counter[str] = Counter()  # write calls queued by method: whose budget a pause waits for
        # for resume() after a pause: what the poll found dirty, and the keys settled since (written, skipped, failed)
        self._dirty: dict[str, str] = {}
        self._settled_keys: set[str] = set()

    # ==== 1. what changed at the source =============================================================================
    def run(self) -> None:
        for step in self.steps():
            if step is not None:
                step.block(timeout=CANCEL_POLL_S)  # a Stop is noticed while a read or a write is awaited

    def steps(self, *, first: int = MIN_SLICE) -> Iterator[Waiting | None]:
        """:meth:`run` in turns: yields after each slice is queued for writing (``None``) and while the writes it
        must settle before going on are on the wire (:class:`Waiting`), so the runner can take turns between
        entities that run alongside each other (prices following products) and sleep only when all of them wait.
        Closing the generator early settles what is on the wire, like an error would. ``first``: the first slice's
        size (small, so the first writes start soon, unless the lanes are busy with another entity's writes)."""
        self.ctx.progress(STAGES["poll"], entity=self.entity)
        versions = self.p.poll()
        for leftover in self.store.outbox():
            if leftover.entity == self.entity and leftover.onec_ref:
                self._stale_outbox.setdefault(leftover.onec_ref, []).append(leftover.id)
        yield from self._polled(versions, first=first)

    def again(self) -> Iterator[Waiting | None]:
        """Poll once more later in the same run, a followed dependency having written since
        (``Pipeline.follows``): what is dirty now — the records whose dependency got linked meanwhile, and what a
        pause left — is synced the same way. The pipeline keeps what it read from the source at the first poll
        (``Pipeline.poll_again``)."""
        self.paused = False
        self._recovered, self._retry_pass, self._sent = [], False, {}
        self.ctx.progress(STAGES["poll"], entity=self.entity)
        # whole slices from the start: the lanes are busy with the followed entity's writes already, and a turn of
        # it is a whole slice too
        yield from self._polled(self.p.poll_again(), first=self.p.process_chunk)

    def _polled(self, versions: dict[str, str], *, first: int = MIN_SLICE) -> Iterator[Waiting | None]:
        ctx, p = self.ctx, self.p
        ctx.check_cancelled()
        stored = self.store.versions(p.version_side, self.entity)
        dirty = {key: version for key, version in versions.items()
                 if key in self._stale_outbox or stored.get(key, ("", ""))[0] != version}
        if self._seen is None:
            ctx.count(self.entity, "unchanged", len(versions) - len(dirty))
            ctx.count(self.entity, "seen", len(versions))
        else:  # a later round of the run: what an earlier round counted (and wrote) is not counted again
            new = [key for key in versions if key not in self._seen]
            ctx.count(self.entity, "unchanged", sum(1 for key in new if key not in dirty))
            ctx.count(self.entity, "seen", len(new))
            self._seen.update(new)
        if not dirty:
            ctx.progress(STAGES["no_changes"], len(versions), len(versions), entity=self.entity)
            return
        yield from self._work(dirty, first=first)

    @property
    def wrote(self) -> int:
        """Records whose writes were settled in this run (for the runner's rounds)."""
        return self._settled

    @property
    def outstanding(self) -> int:
        """Records of the last poll (or resume) not settled yet."""
        return len(self._dirty.keys() - self._settled_keys)

    def budget_wait(self) -> float:
        """Seconds this paused entity's write methods still wait for their operating budget (0: it may go on)."""
        b24 = self.p.b24
        if not self._calls or b24 is None or not hasattr(b24, "budget_pause"):
            return 0.0
        return float(b24.budget_pause(set(self._calls)))

    def resume(self) -> Iterator[Waiting | None]:
        """Go on after a pause (the runner ran other entities meanwhile): the records of the first poll that are
        not settled yet, without polling again (a slice at a time, like :meth:`steps`)."""
        remaining = {key: version for key, version in self._dirty.items() if key not in self._settled_keys}
        self.paused = False
        self._recovered, self._retry_pass, self._sent = [], False, {}
        if remaining:
            yield from self._work(remaining, first=self.p.process_chunk)

    def _work(self, dirty: dict[str, str], *, first: int = MIN_SLICE) -> Iterator[Waiting | None]:
        ctx, p = self.ctx, self.p
        self._dirty = dirty
        keys = list(dirty)
        slices = cut_into_slices(keys, p.process_chunk, first, p.slice_multiple)
        with Reader(p.read, background=p.read_in_background, name=self.entity, check_cancelled=ctx.check_cancelled,
                    cancel=ctx.cancel) as reader:
            self._reader = reader
            finished = False
            try:
                ahead = reader.submit(slices[0])
                for number, keys_of_slice in enumerate(slices):
                    if self.paused:
                        break  # the budget is spent: the rest stays dirty for the next round
                    current = ahead
                    if number + 1 < len(slices):
                        # queued behind the current read: the reader starts on it as soon as that one is done
                        ahead = reader.submit(slices[number + 1])
                    self._slice_no = number
                    while not current.done():
                        # the slice is still being read from the source: others may take their turns meanwhile
                        # (prices waited 2.5 s for 1C here while stock, beside them, could have polled)
                        ctx.check_cancelled()
                        yield Waiting([current])
                    self.process({key: dirty[key] for key in keys_of_slice}, read=current)
                    # bounded: while this slice is on the wire the next one is read, mapped and queued behind it;
                    # the slice before this one is settled now (two slices in memory at most)
                    yield from self._until_settled()
                    yield  # a slice is a turn: others may go now
                yield from self._until_settled(all_of_them=True)
                if self._recovered and not self.paused:
                    # answers were lost; what the target stored was found by identity: finish those records now, once
                    recovered, self._recovered = self._recovered, []
                    self._retry_pass = True
                    self._slice_no += 1
                    self.process({item.key: item.version for item in recovered})
                    yield from self._until_settled(all_of_them=True)
                finished = True
            finally:
                self._reader = None
                self._close_writes(finished)

    def process(self, dirty: dict[str, str], *, read: Any = None) -> None:
        ctx, p = self.ctx, self.p
        ctx.progress(STAGES["read_changed"], 0, len(dirty), entity=self.entity)
        reader = self._reader
        if reader is None:
            raw = p.read(list(dirty))
        else:
            raw = reader.result(read if read is not None else reader.submit(list(dirty)))
        ctx.check_cancelled()
        items: list[Item] = []
        for key, version in dirty.items():
            if key not in raw:  # physically deleted between the poll and the read
                self._settled_keys.add(key)
                continue
            item = self._item(key, version, raw[key])
            if item is not None:
                items.append(item)
            else:
                self._settled_keys.add(key)  # journaled as malformed
        del raw
        work = [item for item in items if self._classify(item)]
        self._wait_for_claims(work)
        if self.paused:
            return  # an earlier batch found the budget spent: this slice stays dirty for the next round
        p.lookup(work)
        p.settle_conflicts(work)
        ctx.check_cancelled()
        p.find_duplicates([item for item in work if item.action == "create"])
        ctx.check_cancelled()
        if ctx.dry_run:
            for item in work:
                self._report_dry_run(item)
            return
        self._write(work)

    def _item(self, key: str, version: str, raw: Any) -> Item | None:
        p = self.p
        try:
            record = p.to_record(key, raw)
            item = Item(key=key, version=version, record=record, payload=p.to_payload(record),
                        link=p.get_link(key), title=p.title_of(record), notes=p.notes_of(record))
            p.load_link(item)
        except Exception as exc:  # one malformed record must not cost the others
            log.warning("%s %s: record not mapped: %s", self.entity, key, exc, exc_info=True)
            p.reject(key[:MAX_KEY_LENGTH], _reason_of(exc))
            return None
        return item

    # ==== 2. decide what each record needs ==========================================================================
    def _classify(self, item: Item) -> bool:
        """Settle records that need no target access; return True for those that do."""
        p = self.p
        if p.is_deleted(item.record):
            action = p.deleted_action(item) if item.link else None
            if action:
                item.action, item.reason_code = action, "marked_deleted"
                return True
            self._finish_skip(item, "skip_deleted_unlinked")
            return False
        problems = p.validate(item.record)
        if problems:
            self._fail(item, "failed_invalid", {"problem": "; ".join(problems)})
            return False
        if item.link and item.old_payload is not None and item.old_payload.digest() == item.payload.digest():
            self._finish_skip(item, "skip_same_payload")
            return False
        item.action = "update" if item.link else "create"
        return True

    def _failing_code(self, action: str) -> str | None:
        return self.p.failing_actions.get(action) or FAILING_ACTIONS.get(action)

    # ==== 3. dry run ================================================================================================
    def _report_dry_run(self, item: Item) -> None:
        ctx = self.ctx
        failing = self._failing_code(item.action)
        if failing:
            self._fail(item, failing, item.params)
            return
        if item.action == "skip":
            self._journal(item, "plan", item.reason_code or "skip_same_payload", item.params)
            return
        if item.action == "create":
            code, params = "dry_run_create", {}
        elif item.action == "link":
            code, params = "dry_run_link", {"b24_title": item.target_title, **item.params}
        elif item.action == "mark":
            code, params = "marked_deleted", {}
        else:
            code = "dry_run_update"
            params = {"fields": ", ".join(self.p.changed_fields(item.old_payload, item.payload)) or "все поля"}
        ctx.count(self.entity, "planned_" + item.action)
        ctx.planned.append({"entity": self.entity, "action": item.action, "title": item.title, "onec_ref": item.key,
                            "b24_id": item.target_id, "duplicates": [t for _, t in item.duplicates],
                            "notes": list(item.notes)})
        self._journal(item, "plan", code, params)
        for _, dup_title in item.duplicates:
            self._journal(item, "duplicate", "probable_duplicate", {"b24_title": dup_title, "onec_title": item.title},
                          target_id=None)

    # ==== 4. writes =================================================================================================
    def _write(self, items: list[Item]) -> None:
        for item in items:
            failing = self._failing_code(item.action)
            if failing:
                self._fail(item, failing, item.params)
            elif item.action == "skip":  # the lookup found nothing to write (e.g. the target is already there)
                self._finish_skip(item, item.reason_code or "skip_same_payload")
        todo = [item for item in items if item.action in WRITE_ACTIONS]
        if self.p.write_mode == "single":
            self._write_single(todo)
        else:
            self._queue_batches(todo)

    def _outbox(self, item: Item, payload: dict[str, Any]) -> None:
        item.outbox_id = self.store.outbox_add(run_id=self.ctx.run_id, target=self.p.direction.split("->")[-1],
                                               entity=self.entity, onec_ref=item.key, operation=item.action,
                                               payload=payload)

    def _queue_batches(self, todo: list[Item]) -> None:
        """Outbox first, then onto the write stream; the batches are settled later, as their answers come."""
        p = self.p
        plans = [(item, p.commands(k, item)) for k, item in enumerate(todo)]
        batches = group_into_batches(plans)
        requests: list[Commands] = []
        with self.store.transaction():
            for batch in batches:
                commands: Commands = {}
                for item, cmds in batch:
                    self._outbox(item, {"commands": list(cmds)})
                    commands.update(cmds)
                requests.append(commands)
        if self._writes is None:
            assert p.b24 is not None
            self._writes = p.b24.batch_stream(cancel=self.ctx.cancel,
                                              defer_after=DEFER_AFTER_S if self.may_pause else None)
        self._queued += len(plans)
        self._calls.update(method for commands in requests for method, _ in commands.values())
        for batch, commands in zip(batches, requests, strict=True):
            index = self._writes.submit(commands)
            self._sent[index] = _Sent(batch, commands, self._slice_no, self._claims_of(item for item, _ in batch))
        self._report_writes()

    def _claims_of(self, items: Any) -> frozenset[str] | None:
        claims: set[str] = set()
        for item in items:
            mine = self.p.claims(item)
            if mine is None:
                return None
            claims |= mine
        return frozenset(claims)

    def _wait_for_claims(self, work: list[Item]) -> None:
        """Before a lookup: settle the earlier writes it could find, so it sees them as a sequential run would."""
        if not self._sent or self.ctx.dry_run:
            return
        wanted = self._claims_of(work)
        held = {index for index, sent in self._sent.items()
                if wanted is None or sent.claims is None or sent.claims & wanted}
        if held:
            self._collect(held)

    def _until_settled(self, *, all_of_them: bool = False) -> Iterator[Waiting | None]:
        """Settle what has been answered, until the batches of earlier slices (or every batch) are; while they are
        on the wire, yield :class:`Waiting` — the runner gives the turn to another entity meanwhile."""
        if self._writes is None:
            return
        while True:
            for index, outcome in self._writes.collect():
                self._settle_sent(self._sent.pop(index), outcome)
            self._report_writes()
            wait_for = {index for index, sent in self._sent.items()
                        if all_of_them or sent.slice_no < self._slice_no}
            if not wait_for:
                break
            yield Waiting(self._writes.futures(wait_for))
        # the portal unreachable, a Stop…: no batch starts after it; end the entity here rather than map more
        self._writes.raise_if_failed()

    def _collect(self, wait_for: set[int]) -> None:
        assert self._writes is not None
        while True:
            for index, outcome in self._writes.collect(wait_for):
                self._settle_sent(self._sent.pop(index), outcome)
            wait_for &= self._sent.keys()
            if not wait_for:
                break
        self._report_writes()

    def _settle_sent(self, sent: _Sent, outcome: Any) -> None:
        if isinstance(outcome, OutOfBudget):
            # held back, nothing sent: these records stay dirty; so does every slice after this one
            self.paused = True
            log.info("%s: operating budget spent for %.0f s, pausing the entity", self.entity, outcome.wait_s)
        if isinstance(outcome, NotSent):
            # a Stop, a fatal error or a spent budget came before it left: nothing reached the portal; the record is
            # written by a later round or run, looked up as if never sent
            for item, _ in sent.batch:
                self.p.not_sent(item)
                if item.outbox_id is not None:
                    self.store.outbox_mark(item.outbox_id, "done")
            return
        if isinstance(outcome, BaseException) and not isinstance(outcome, (AnswerLost, RemoteError)):
            # the error that ended the run's writes (the portal unreachable…): it may or may not have arrived; the
            # next run looks these records up by identity before anything else
            for item, _ in sent.batch:
                if item.outbox_id is not None:
                    self.store.outbox_mark(item.outbox_id, "uncertain", "запуск прерван")
            return
        recovered = self._settle_batch(sent.batch, sent.commands, outcome)
        if not self._retry_pass:
            self._recovered += recovered
        self._settled += len(sent.batch)

    def _report_writes(self) -> None:
        self.ctx.progress(STAGES["write_portal"], self._settled, self._queued, entity=self.entity)

    def _close_writes(self, finished: bool) -> None:
        """At the end of the entity, also when an error cut it: the batches already queued (their records read,
        matched and in the outbox) are sent and settled — a failed read of the next slice costs nothing of this one.
        After a Stop or a portal failure no new batch starts: those on the wire are answered and settled (their
        writes may have landed), the rest are closed as never sent."""
        writes, self._writes = self._writes, None
        if writes is None:
            return
        cancel = self.ctx.cancel
        if not finished and (writes.fatal is not None or (cancel is not None and cancel.is_set())):
            writes.stop()
        try:
            for index, outcome in writes.drain():
                sent = self._sent.pop(index)
                try:
                    self._settle_sent(sent, outcome)
                except Exception:  # settling needs the portal (a lost answer's lookup) or the store: leave it uncertain
                    log.warning("batch %d not settled while the run stops", index, exc_info=True)
                    with contextlib.suppress(Exception):  # the error being raised already says what went wrong
                        for item, _ in sent.batch:
                            if item.outbox_id is not None:
                                self.store.outbox_mark(item.outbox_id, "uncertain", "запуск прерван")
        finally:
            self._sent.clear()

    def _settle_batch(self, batch: list[tuple[Item, Commands]], commands: Commands, outcome: Any) -> list[Item]:
        if not commands:
            for item, _ in batch:
                self._finish_ok(item)
            return []
        for item, _ in batch:
            self.store.outbox_mark(item.outbox_id, "in_flight")  # type: ignore[arg-type]
        if isinstance(outcome, AnswerLost):
            log.warning("batch answer lost: %s", outcome.message)
            return self._recover([item for item, _ in batch])
        if isinstance(outcome, BaseException):
            message = outcome.message if isinstance(outcome, SyncBridgeError) else str(outcome)
            for item, _ in batch:
                self.store.outbox_mark(item.outbox_id, "failed", message)  # type: ignore[arg-type]
                self._fail(item, "failed_remote", {"error": message})
            return []
        uncertain: list[Item] = []
        deferred: list[Item] = []
        for item, cmds in batch:
            errors = {key: outcome.errors[key] for key in cmds if key in outcome.errors}
            self.p.apply_results(item, cmds, outcome.result)
            # a command the answer says nothing about (neither result nor error) may or may not have been stored
            unanswered = [key for key in cmds if key not in outcome.result and key not in outcome.errors]
            unanswered += [key for key, error in errors.items() if getattr(error, "answer_missing", False)]
            if unanswered:
                uncertain.append(item)
            elif errors and not self._retry_pass and all(_out_of_budget(error) for error in errors.values()):
                # the method's operating budget ran out in the middle of the batch: those commands never ran. What
                # did run is linked; the record is finished in the pass at the entity's end, after the client has
                # waited for the budget's reset — not failed on the first load of a big catalogue
                self.p.save_link(item, None)
                self.store.outbox_mark(item.outbox_id, "done")  # type: ignore[arg-type]
                deferred.append(item)
            elif errors:
                first = next(iter(errors.values()))
                message = getattr(first, "message", str(first))
                self.store.outbox_mark(item.outbox_id, "failed", message)  # type: ignore[arg-type]
                self.p.save_link(item, None)  # partial: the next run re-sends everything, idempotently
                self._fail(item, "failed_remote", {"error": message})
            elif self.p.incomplete(item, cmds):
                uncertain.append(item)  # an add answered without an id: as good as a lost answer
            else:
                self._finish_ok(item)
        return deferred + (self._recover(uncertain) if uncertain else [])

    def _write_single(self, todo: list[Item]) -> None:
        ctx, p = self.ctx, self.p
        recovered: list[Item] = []
        for done, item in enumerate(todo):
            ctx.check_cancelled()
            ctx.progress(STAGES["write_onec"], done, len(todo), entity=self.entity)
            self._outbox(item, {"operation": item.action})
            self.store.outbox_mark(item.outbox_id, "in_flight")  # type: ignore[arg-type]
            try:
                p.write_one(item)
            except AnswerLost as exc:
                log.warning("answer lost: %s", exc.message)
                recovered += self._recover([item])
                continue
            except RemoteError as exc:
                self.store.outbox_mark(item.outbox_id, "failed", exc.message)  # type: ignore[arg-type]
                self.p.save_link(item, None)
                self._fail(item, "failed_remote", {"error": exc.message})
                continue
            if item.target_id is None:
                recovered += self._recover([item])
            else:
                self._finish_ok(item)
        self._settled += len(todo)
        ctx.progress(STAGES["write_onec"], len(todo), len(todo), entity=self.entity)
        if not self._retry_pass:
            self._recovered += recovered

    def _recover(self, items: list[Item]) -> list[Item]:
        """The target may have stored some of it: find the records by identity, never re-send blindly."""
        p = self.p
        for item in items:
            self.store.outbox_mark(item.outbox_id, "uncertain", "ответ потерян")  # type: ignore[arg-type]
        probes = [Item(key=item.key, version=item.version, record=item.record, payload=item.payload,
                       title=item.title, action="create") for item in items]
        try:
            p.lookup(probes)
        except Exception as exc:  # the target is still unreachable: leave them uncertain for the next run
            log.warning("lookup after lost answer failed: %s", exc)
            for probe in probes:
                probe.action = "unknown"
        recovered: list[Item] = []
        for item, probe in zip(items, probes, strict=True):
            if probe.target_id and probe.action not in ("unknown", "lookup_failed"):
                p.adopt(item, probe)
                p.save_link(item, None)
                self.store.outbox_mark(item.outbox_id, "done")  # type: ignore[arg-type]
                self._journal(item, "recover", "answer_lost_recovered", {})
                recovered.append(item)
            elif item.target_id is None and probe.action == "create":
                # the lookup answered and nothing reached the target: safe to create it on the next pass of this run
                self.store.outbox_mark(item.outbox_id, "done")  # type: ignore[arg-type]
                recovered.append(item)
            else:
                self._settled_keys.add(item.key)  # for this run: the next run looks it up first (outbox)
                self.ctx.count(self.entity, "failed")
                self._journal(item, "fail", "answer_lost_pending", {})
        return recovered

    # ==== 5. bookkeeping ============================================================================================
    def _code(self, code: str) -> str:
        return self.p.reason_codes.get(code, code)

    def _journal(self, item: Item, action: str, code: str, params: dict[str, Any], *,
                 target_id: str | bool | None = False) -> None:
        target = item.target_id if target_id is False else target_id
        # the journal's columns name the sides: for a portal -> 1C pipeline the key is the portal id, the target 1C's
        onec_ref, b24_id = (target, item.key) if self.p.version_side == "b24" else (item.key, target)
        self.ctx.journal(entity=self.entity, action=action, reason_code=self._code(code), params=params,
                         onec_ref=onec_ref, b24_id=b24_id,  # type: ignore[arg-type]
                         title=item.title, direction=self.p.direction)

    def _finish_ok(self, item: Item) -> None:
        ctx, p = self.ctx, self.p
        self._settled_keys.add(item.key)
        with self.store.transaction():
            p.save_link(item, p.payload_to_json(item.payload))
            self.store.save_version(p.version_side, self.entity, item.key, item.version, item.payload.digest())
            if item.outbox_id is not None:
                self.store.outbox_mark(item.outbox_id, "done")
            self._close_stale_outbox(item)
            if item.action == "create":
                ctx.count(self.entity, "created")
                self._journal(item, "create", item.reason_code or "created", item.params)
            elif item.action == "link":
                ctx.count(self.entity, "linked")
                self._journal(item, "link", item.reason_code, item.params)
            elif item.action == "mark":
                ctx.count(self.entity, "marked")
                self._journal(item, "mark", "marked_deleted", {})
            else:
                ctx.count(self.entity, "updated")
                fields = ", ".join(p.changed_fields(item.old_payload, item.payload)) or "все поля (повторная сверка)"
                self._journal(item, "update", "updated", {"fields": fields})
            for note in item.notes:
                self._journal(item, "note", "mapping_note", {"note": note})
            for dup_id, dup_title in item.duplicates:
                if self.store.add_duplicate(entity=self.entity, onec_ref=item.key, b24_type=p.target_type,
                                            b24_id=dup_id, onec_title=item.title, b24_title=dup_title,
                                            reason=p.duplicate_reason):
                    ctx.count(self.entity, "duplicates")
                    self._journal(item, "duplicate", "probable_duplicate",
                                  {"b24_title": dup_title, "onec_title": item.title}, target_id=dup_id)

    def _close_stale_outbox(self, item: Item) -> None:
        for stale_id in self._stale_outbox.pop(item.key, []):
            self.store.outbox_mark(stale_id, "done")

    def _finish_skip(self, item: Item, code: str) -> None:
        self._settled_keys.add(item.key)
        self.ctx.count(self.entity, "skipped")
        if not self.ctx.dry_run:
            self._close_stale_outbox(item)
            self.store.save_version(self.p.version_side, self.entity, item.key, item.version,
                                    item.old_payload.digest() if item.old_payload is not None else "")
        self._journal(item, "skip", code, {})

    def _fail(self, item: Item, code: str, params: dict[str, Any]) -> None:
        self._settled_keys.add(item.key)
        self.ctx.count(self.entity, "failed")
        self._journal(item, "fail", code, params)
        if not self.ctx.dry_run:
            self.p.on_failed(item, code)
