"""Sending a batch in parts when a command carries a data value the portal would take for a reference.

The portal substitutes ``$result[…]`` in every decoded value of a batch command, so a 1C name like «$result[c0]»
cannot travel inside a batch however it is encoded. Such a command goes as a plain call (JSON body: no
substitution); the commands around it go as smaller batches; references to commands already answered are filled in
by the client. The caller gets one :class:`BatchResult` as if it had been one batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import RemoteError

from .batch import BatchResult, carries_data_reference, references_in, resolve_known

if TYPE_CHECKING:
    from .client import Bitrix24Client

Commands = dict[str, tuple[str, dict]]


def send_in_parts(client: Bitrix24Client, commands: Commands, *, halt: bool) -> BatchResult:
    merged = BatchResult()
    segment: Commands = {}

    def blocked_by_failure(params: dict) -> RemoteError | None:
        failed = [ref.command for ref in references_in(params) if ref.command in merged.errors]
        return merged.errors[failed[0]] if failed else None

    def flush() -> None:
        ready: Commands = {}
        for key, (method, params) in segment.items():
            failure = blocked_by_failure(params)
            if failure is not None:
                merged.errors[key] = failure  # its reference points at a failed command: never send it
            else:
                ready[key] = (method, resolve_known(params, merged.result))
        segment.clear()
        if ready:
            part = client._batch_once(ready, halt=halt)
            merged.result.update(part.result)
            merged.errors.update(part.errors)
            merged.total.update(part.total)
            merged.next.update(part.next)
            merged.time.update(part.time)

    for key, (method, params) in commands.items():
        if halt and merged.errors:
            break
        if not carries_data_reference(params):
            segment[key] = (method, params)
            continue
        flush()
        if halt and merged.errors:
            break
        failure = blocked_by_failure(params)
        if failure is not None:
            merged.errors[key] = failure
            continue
        try:
            envelope = client.call_raw(method, resolve_known(params, merged.result))
        except RemoteError as exc:
            merged.errors[key] = exc
            continue
        merged.result[key] = envelope["result"]
        if isinstance(envelope.get("total"), int):
            merged.total[key] = envelope["total"]
    if not (halt and merged.errors):
        flush()
    return merged
