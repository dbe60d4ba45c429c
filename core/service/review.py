"""Decisions a person takes on a probable duplicate: not a duplicate, link to the portal's company, merge.

A probable duplicate is a pair: the 1C record (already mirrored by the company SyncBridge created, or not created
because several portal companies matched) and a portal company that looks like the same firm. Merging goes
through the portal's own ``crm.entity.mergeBatch``; its CONFLICT answer (both cards hold different values) hands
over to the portal's manual merge page, as the portal's documentation says (D13).
"""

from __future__ import annotations

import logging
from typing import Any

from core.errors import SyncBridgeError
from core.service.types import ReviewOutcome
from core.state.store import Link

log = logging.getLogger(__name__)

COMPANY_TYPE_ID = 4


def _load(service: Any, item_id: int) -> tuple[Any, Any]:
    from core.state.store import StateStore

    store = StateStore.open(service.paths.state_db)
    item = store.duplicate(item_id)
    if item is None or item.status != "open":
        store.close()
        raise SyncBridgeError("Этот возможный дубль уже разобран.", "Обновите список.")
    return store, item


def _journal(store: Any, item: Any, code_text: str) -> None:
    store.journal_add(run_id=None, entity=item.entity, direction="1c->b24", action="review", reason_code="review",
                      reason_params={"text": code_text}, onec_ref=item.onec_ref, b24_id=item.b24_id,
                      title=item.onec_title)


def dismiss(service: Any, item_id: int) -> ReviewOutcome:
    store, item = _load(service, item_id)
    try:
        store.resolve_duplicate(item_id, "dismissed")
        _journal(store, item, f"не дубль компании портала № {item.b24_id}: больше не предлагается")
    finally:
        store.close()
    return ReviewOutcome(True, "Отмечено: это разные компании. Пара больше не будет предлагаться.")


def _merge(service: Any, ids: list[str]) -> tuple[str, list[str]]:
    from core.connections import open_bitrix24

    client = open_bitrix24(service.require_profile(), service.credentials)
    try:
        answer = client.call("crm.entity.mergeBatch",
                             {"params": {"entityTypeId": COMPANY_TYPE_ID, "entityIds": [int(i) for i in ids]}})
    finally:
        client.close()
    answer = answer if isinstance(answer, dict) else {}
    return str(answer.get("STATUS", "ERROR")).upper(), [str(i) for i in answer.get("ENTITY_IDS") or []]


def _finish_merge(service: Any, store: Any, item: Any, ids: list[str], status: str, merged: list[str],
                  decision: str) -> ReviewOutcome:
    manual = _manual_merge_url(service, ids)
    if status == "CONFLICT":
        return ReviewOutcome(False, "Портал не смог объединить карточки сам: в них разные значения одних и тех "
                                    "же полей. Откройте страницу объединения в Битрикс24 и выберите значения "
                                    "вручную, затем нажмите «Обновить».", manual)
    if status != "SUCCESS":
        return ReviewOutcome(False, "Портал отказался объединять карточки (нет прав на изменение или удаление "
                                    "компаний, или одна из них уже удалена).", manual)
    survivor = next((i for i in ids if i not in merged), ids[0])
    link = store.get_link(item.entity, item.onec_ref, item.b24_type)
    if link is not None and link.b24_id != survivor:
        store.save_link(Link(link.entity, link.onec_ref, link.b24_type, survivor, link.meta))
    store.resolve_duplicate(item.id, decision)
    _journal(store, item, f"объединено в Битрикс24: осталась компания № {survivor}")
    return ReviewOutcome(True, f"Карточки объединены в Битрикс24: осталась компания № {survivor}.",
                         service.portal_card_url("company", survivor))


def merge_in_portal(service: Any, item_id: int) -> ReviewOutcome:
    """Merge the portal's look-alike into the company that mirrors the 1C record (ours stays)."""
    store, item = _load(service, item_id)
    try:
        link = store.get_link(item.entity, item.onec_ref, item.b24_type)
        if link is None:
            return ReviewOutcome(False, "Запись 1С ещё не перенесена в портал — объединять не с чем. Выберите "
                                        "«Связать с этой компанией» или «Не дубль».")
        ids = [link.b24_id, item.b24_id]
        status, merged = _merge(service, ids)
        return _finish_merge(service, store, item, ids, status, merged, "merged")
    finally:
        store.close()


def link_to_portal_company(service: Any, item_id: int) -> ReviewOutcome:
    """The portal's company is the real one: from now on the 1C record mirrors into it.

    When SyncBridge already created its own company, that one is merged into the portal's (the portal's card,
    its deals and history stay). When nothing was created (several candidates), the link is written directly
    and the next sync fills in the requisites.
    """
    store, item = _load(service, item_id)
    try:
        link = store.get_link(item.entity, item.onec_ref, item.b24_type)
        if link is not None and link.b24_id != item.b24_id:
            ids = [item.b24_id, link.b24_id]
            status, merged = _merge(service, ids)
            return _finish_merge(service, store, item, ids, status, merged, "linked")
        with store.transaction():
            store.save_link(Link(item.entity, item.onec_ref, item.b24_type, item.b24_id,
                                 {"requisite_id": None, "bankdetails": {}, "payload": None}))
            # forget the version: the next sync writes the 1C data into the linked company
            store.forget_version("onec", item.entity, item.onec_ref)
            store.resolve_duplicate(item.id, "linked")
            for other in store.duplicates("open"):
                if other.onec_ref == item.onec_ref and other.entity == item.entity and other.id != item.id:
                    store.resolve_duplicate(other.id, "dismissed")
            _journal(store, item, f"связано с компанией портала № {item.b24_id} по решению пользователя")
        return ReviewOutcome(True, f"Связано с компанией № {item.b24_id}. Реквизиты из 1С будут записаны в неё "
                                   "при следующей синхронизации.", service.portal_card_url("company", item.b24_id))
    except SyncBridgeError:
        raise
    finally:
        store.close()


def _manual_merge_url(service: Any, ids: list[str]) -> str | None:
    base = service._portal_base()
    return f"{base}crm/company/merge/?id={','.join(ids)}" if base else None
