"""Several batches in flight (Bitrix24Client.batch_many) against the sandbox portal with a running work clock.

The sandbox spends real time per request here (a few tens of ms), so requests in flight truly overlap; every
assertion is on counters (requests, refusals, peak in flight, stored records), never on timings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.bitrix24.batch import BatchResult
from core.bitrix24.client import Bitrix24Client
from core.bitrix24.inflight import BOX_IN_FLIGHT, CLOUD_IN_FLIGHT, InFlight, NotSent, default_in_flight
from core.errors import AnswerLost, Cancelled, ConnectionFailed, RemoteError
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.clock import Costs, WorkClock

pytestmark = pytest.mark.integration

#: long enough for requests to overlap on a busy machine, short enough to keep the file quick
TEST_COSTS = Costs(per_request=0.06, per_read=0.0, per_write=0.005)


def quick_sleep(seconds: float) -> None:
    """Back-off waits shortened: the tests count refusals and retries, they do not wait out real limits."""
    time.sleep(min(seconds, 0.02))


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator:
    started: list[Bitrix24Sandbox] = []

    def make(**kwargs) -> Bitrix24Sandbox:
        kwargs.setdefault("work_clock", WorkClock(TEST_COSTS, 1.0))
        kwargs.setdefault("rate", 50.0)
        sandbox = Bitrix24Sandbox(cert_dir=tmp_path / f"certs{len(started)}", **kwargs)
        sandbox.start()
        started.append(sandbox)
        return sandbox

    yield make
    for sandbox in started:
        sandbox.stop()


def company_batches(count: int, per_batch: int, tag: str = "g") -> list[dict[str, tuple[str, dict]]]:
    return [{f"c{k}": ("crm.company.add", {"fields": {"TITLE": f"Компания {b}-{k}", "ORIGINATOR_ID": "1C",
                                                      "ORIGIN_ID": f"{tag}-{b}-{k}"}})
             for k in range(per_batch)} for b in range(count)]


def client_for(sandbox: Bitrix24Sandbox, in_flight: int, **kwargs) -> Bitrix24Client:
    kwargs.setdefault("rate", 50.0)
    kwargs.setdefault("sleep", quick_sleep)
    return Bitrix24Client(sandbox.webhook_url, ca_file=sandbox.ca_file, max_in_flight=in_flight, **kwargs)


def batch_requests(sandbox: Bitrix24Sandbox) -> int:
    return sandbox.request_log().count("batch")


def test_batches_overlap_and_every_result_comes_back_on_the_callers_thread(make_sandbox):
    sandbox = make_sandbox()
    batches = company_batches(8, 5)
    consumer_threads = set()
    with client_for(sandbox, 4) as client:
        results = {}
        for index, outcome in client.batch_many(batches):
            consumer_threads.add(threading.current_thread().name)
            results[index] = outcome
    assert sorted(results) == list(range(8))
    assert all(isinstance(r, BatchResult) and not r.errors and len(r.result) == 5 for r in results.values())
    assert consumer_threads == {threading.current_thread().name}
    traffic = sandbox.traffic.snapshot()
    assert 1 < traffic.max_in_flight <= 4
    assert batch_requests(sandbox) == 8
    assert len([c for c in sandbox.entities("company") if (c["ORIGIN_ID"] or "").startswith("g-")]) == 40
    assert traffic.refused_limit == 0


def test_concurrent_lost_answers_are_answer_lost_per_batch_and_nothing_is_resent(make_sandbox):
    sandbox = make_sandbox()
    before = len(sandbox.entities("company"))
    # three of eight write batches lose their answer after the portal stored them, while others are in flight
    sandbox.inject_fault("batch:crm.company.add", "reset_after_write", times=2)
    sandbox.inject_fault("batch:crm.company.add", "html_502_after_write", times=1)
    batches = company_batches(8, 5, tag="lost")
    with client_for(sandbox, 4) as client:
        outcomes = dict(client.batch_many(batches))
    lost = [i for i, o in outcomes.items() if isinstance(o, AnswerLost)]
    answered = [i for i, o in outcomes.items() if isinstance(o, BatchResult)]
    assert len(lost) == 3 and len(answered) == 5
    assert sandbox.traffic.snapshot().max_in_flight > 1
    assert batch_requests(sandbox) == 8  # a lost write batch is never re-sent
    # the portal stored every batch exactly once, answered or not: identity lookup will find the lost ones
    origins = [c["ORIGIN_ID"] for c in sandbox.entities("company") if (c["ORIGIN_ID"] or "").startswith("lost-")]
    assert len(origins) == len(set(origins)) == 40
    assert len(sandbox.entities("company")) == before + 40


def test_503_storm_with_requests_in_flight_is_waited_out_without_double_writes(make_sandbox):
    sandbox = make_sandbox()
    sandbox.inject_fault("batch", "query_limit", times=6)
    batches = company_batches(6, 4, tag="storm")
    with client_for(sandbox, 4) as client:
        outcomes = dict(client.batch_many(batches))
    assert all(isinstance(o, BatchResult) and not o.errors for o in outcomes.values())
    traffic = sandbox.traffic.snapshot()
    assert traffic.refused_limit == 6
    assert batch_requests(sandbox) == 6 + 6  # six refusals re-sent (refused before execution), six that ran
    origins = [c["ORIGIN_ID"] for c in sandbox.entities("company") if (c["ORIGIN_ID"] or "").startswith("storm-")]
    assert len(origins) == len(set(origins)) == 24


def test_cancel_starts_no_new_batch_and_yields_those_in_flight(make_sandbox):
    sandbox = make_sandbox()
    batches = company_batches(12, 3, tag="cancel")
    cancel = threading.Event()
    seen = []
    with client_for(sandbox, 3) as client:
        for index, outcome in client.batch_many(batches, cancel=cancel):
            seen.append((index, outcome))
            cancel.set()  # the user pressed «Остановить» at the first answer
    sent = batch_requests(sandbox)
    # what was on the wire when cancel came finished and was handed back; nothing new started after it
    assert sent == len(seen)
    assert 1 <= len(seen) <= 3 < len(batches)
    assert all(isinstance(o, BatchResult) for _, o in seen)
    stored = [c for c in sandbox.entities("company") if (c["ORIGIN_ID"] or "").startswith("cancel-")]
    assert len(stored) == 3 * len(seen)


def test_the_bucket_is_never_exceeded_with_several_requests_in_flight(make_sandbox):
    # a small portal bucket that a burst of 20 concurrent batches would overflow without client-side pacing
    sandbox = make_sandbox(rate=8.0, burst=6)
    batches = company_batches(20, 2, tag="pace")
    with client_for(sandbox, 4, rate=8.0, burst=6, sleep=time.sleep) as client:
        outcomes = dict(client.batch_many(batches))
    traffic = sandbox.traffic.snapshot()
    assert len(outcomes) == 20 and all(isinstance(o, BatchResult) for o in outcomes.values())
    assert traffic.refused_limit == 0 and traffic.refused_operating == 0
    assert 1 < traffic.max_in_flight <= 4
    assert batch_requests(sandbox) == 20


def test_a_batch_over_50_commands_is_a_caller_bug_not_a_batch_outcome(make_sandbox):
    sandbox = make_sandbox()
    batches = company_batches(3, 2, tag="ok")
    batches.insert(1, {f"c{k}": ("crm.company.add", {"fields": {"TITLE": "x"}}) for k in range(51)})
    with client_for(sandbox, 3) as client:
        with pytest.raises(ValueError):
            dict(client.batch_many(batches))  # a caller bug (> 50 commands) is not a per-batch outcome


def test_portal_unreachable_midway_raises_after_the_batches_in_flight_are_yielded():
    started = threading.Event()

    def send(job: int) -> str:
        if job == 2:
            started.wait(2)
            raise ConnectionFailed("Не удалось подключиться к Битрикс24.", "Проверьте сеть.")
        if job == 3:
            raise RemoteError("Портал отказал в пакете.", "Повторите позже.")
        started.set()
        time.sleep(0.05)
        return f"ok{job}"

    seen = []
    in_flight = InFlight(3)
    with pytest.raises(ConnectionFailed):
        for index, outcome in in_flight.run(send, list(range(10))):
            seen.append((index, outcome))
    in_flight.close()
    indexes = {i for i, _ in seen}
    assert {0, 1}.issubset(indexes) and 2 not in indexes
    assert max(indexes) < 6  # no batch started after the failure was seen
    assert all(isinstance(o, RemoteError) for i, o in seen if i == 3)


def test_one_in_flight_runs_on_the_callers_thread_in_order():
    threads = []

    def send(job: int) -> int:
        threads.append(threading.current_thread())
        if job == 1:
            raise AnswerLost("Ответ потерян.", "Запись будет найдена по идентификатору.")
        return job * 10

    outcomes = list(InFlight(1).run(send, [0, 1, 2]))
    assert [i for i, _ in outcomes] == [0, 1, 2]
    assert isinstance(outcomes[1][1], AnswerLost) and outcomes[2][1] == 20
    assert set(threads) == {threading.current_thread()}


def test_default_in_flight_by_portal_kind():
    assert default_in_flight("https://acme.bitrix24.ru/rest/1/x/") == CLOUD_IN_FLIGHT
    assert default_in_flight("https://crm.acme.local/rest/1/x/") == BOX_IN_FLIGHT
    assert BOX_IN_FLIGHT < CLOUD_IN_FLIGHT


@pytest.mark.parametrize("limit", [1, 3])
def test_a_batch_cut_by_stop_is_uncertain_and_the_stop_is_raised_after(limit: int):
    """«Остановить» cuts the sockets of requests in flight (core/cancel.py): such a batch may have been stored, so it
    comes back as AnswerLost (settled by identity, never re-sent), and the Stop itself is raised after the others."""
    def send(job: int) -> str:
        if job == 1:
            raise Cancelled("Синхронизация остановлена пользователем.", "")
        time.sleep(0.02)
        return f"ok{job}"

    seen = []
    in_flight = InFlight(limit)
    with pytest.raises(Cancelled):
        for index, outcome in in_flight.run(send, list(range(6))):
            seen.append((index, outcome))
    in_flight.close()
    outcomes = dict(seen)
    assert isinstance(outcomes[1], AnswerLost) and "остановкой" in outcomes[1].message
    assert outcomes[0] == "ok0"
    assert max(outcomes) < 5  # nothing new started after the Stop was seen


# ----- the write stream of a sync run (Stream): jobs handed in over time, outcomes collected when wanted ---------
def test_a_stream_keeps_its_lanes_busy_across_submissions_and_hands_every_outcome_back_once():
    running, peak, lock = [0], [0], threading.Lock()

    def send(job: int) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return job * 10

    in_flight = InFlight(3)
    stream = in_flight.stream(send)
    first = [stream.submit(job) for job in range(4)]  # slice 1
    seen = dict(stream.collect(wait_for={first[0]}))  # settled on the caller's thread when it wants
    second = [stream.submit(job) for job in range(4, 9)]  # slice 2 queued behind what is still on the wire
    seen.update(stream.drain())
    in_flight.close()
    assert seen == {i: i * 10 for i in [*first, *second]}
    assert peak[0] <= 3 and stream.outstanding == set()
    stream.raise_if_failed()  # nothing failed


def test_a_stopped_or_cancelled_stream_sends_nothing_new_and_says_so():
    cancel = threading.Event()
    sent = []

    def send(job: int) -> int:
        sent.append(job)
        cancel.set()  # «Остановить» while the first jobs are on the wire
        time.sleep(0.02)
        return job

    in_flight = InFlight(2)
    stream = in_flight.stream(send, cancel=cancel)
    for job in range(8):
        stream.submit(job)
    outcomes = dict(stream.drain())
    in_flight.close()
    assert len(outcomes) == 8 and 1 <= len(sent) <= 2
    assert all(outcomes[i] == i for i in sent)
    assert all(isinstance(outcomes[i], NotSent) for i in set(range(8)) - set(sent))


def test_a_fatal_error_in_the_stream_stops_the_rest_and_is_raised_after_them():
    def send(job: int) -> str:
        if job == 1:
            raise ConnectionFailed("Не удалось подключиться к Битрикс24.", "Проверьте сеть.")
        if job == 2:
            raise Cancelled("Синхронизация остановлена пользователем.", "")
        time.sleep(0.05)
        return f"ok{job}"

    in_flight = InFlight(3)
    stream = in_flight.stream(send)
    for job in range(10):
        stream.submit(job)
    outcomes = dict(stream.drain())
    in_flight.close()
    assert outcomes[0] == "ok0" and isinstance(outcomes[1], ConnectionFailed)
    assert isinstance(outcomes[2], AnswerLost)  # cut by a Stop: may have been stored, settled by identity
    assert sum(isinstance(o, NotSent) for o in outcomes.values()) >= 5  # nothing started after the failure
    with pytest.raises(ConnectionFailed):
        stream.raise_if_failed()


def test_a_stream_against_the_portal_cancelled_midway_stores_exactly_what_it_answered(make_sandbox):
    sandbox = make_sandbox()
    cancel = threading.Event()
    with client_for(sandbox, 3) as client:
        stream = client.batch_stream(cancel=cancel)
        for commands in company_batches(12, 3, tag="stream"):
            stream.submit(commands)
        outcomes = []
        for index, outcome in stream.drain():
            outcomes.append((index, outcome))
            cancel.set()
    answered = [o for _, o in outcomes if isinstance(o, BatchResult)]
    cut = [o for _, o in outcomes if isinstance(o, AnswerLost)]  # on the wire when the Stop cut the sockets
    never = [o for _, o in outcomes if isinstance(o, NotSent)]
    # at most the three on the wire plus those their lanes picked up before the caller saw the first answer
    assert len(outcomes) == 12 and len(answered) >= 1 and len(answered) + len(cut) <= 6 and len(never) >= 6
    stored = [c for c in sandbox.entities("company") if (c["ORIGIN_ID"] or "").startswith("stream-")]
    assert 3 * len(answered) <= len(stored) <= 3 * (len(answered) + len(cut))
    assert batch_requests(sandbox) <= len(answered) + len(cut)
