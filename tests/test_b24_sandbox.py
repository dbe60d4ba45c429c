"""The sandbox portal's CRM semantics, called directly (no HTTP): stores, filters, paging, limits."""

from __future__ import annotations

import json

import pytest

from core.sandbox.bitrix24.errors import PortalError
from core.sandbox.bitrix24.limits import LeakyBucket, OperatingLimiter
from core.sandbox.bitrix24.phpquery import parse_php_query
from core.sandbox.bitrix24.portal import Portal
from core.sandbox.bitrix24.seed import seed_portal
from core.sandbox.bitrix24.values import encode_php_json


class Clock:
    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def portal(clock: Clock) -> Portal:
    p = Portal(user_id=1, scopes={"crm", "basic"}, clock=clock, operating_limit=480.0, method_cost=0.01)
    seed_portal(p)
    return p


def call(portal: Portal, method: str, params: dict | None = None):
    outcome, _time = portal.execute(method, params or {})
    return outcome


def company_id(portal: Portal, title: str) -> int:
    return next(int(r["ID"]) for r in portal.entities("company") if r["TITLE"] == title)


# ----- seed --------------------------------------------------------------------------------------
def test_seed_has_the_two_cases_the_sync_must_handle(portal: Portal):
    companies = {c["TITLE"]: c for c in portal.entities("company")}
    assert {"ТехПром Москва", "УЗМК", "Стройинвест", "Ромашка", "ИП Петров"} <= set(companies)
    assert all(c["ORIGIN_ID"] is None for c in companies.values())
    techprom = companies["ТехПром Москва"]
    assert [p["VALUE"] for p in techprom["PHONE"]] == ["+7 495 123-45-67"]
    requisites = portal.entities("requisite")
    assert not [r for r in requisites if r["ENTITY_ID"] == techprom["ID"]]
    uzmk_rq = [r for r in requisites if r["ENTITY_ID"] == companies["УЗМК"]["ID"]]
    assert len(uzmk_rq) == 1
    assert (uzmk_rq[0]["PRESET_ID"], uzmk_rq[0]["RQ_INN"], uzmk_rq[0]["RQ_KPP"], uzmk_rq[0]["RQ_COMPANY_NAME"]) == (
        "1", "6671039180", "667101001", "АО «УЗМК»"
    )
    assert len(portal.entities("contact")) == 1


def test_link_by_inn_lookup_works_as_the_sync_will_do_it(portal: Portal):
    rows = call(portal, "crm.requisite.list", {"filter": {"RQ_INN": "6671039180"}, "select": ["ENTITY_ID"]}).result
    assert [r["ENTITY_ID"] for r in rows] == [str(company_id(portal, "УЗМК"))]


# ----- legacy semantics --------------------------------------------------------------------------
def test_add_returns_int_and_get_prints_strings_nulls_and_chars(portal: Portal):
    new_id = call(portal, "crm.company.add", {"fields": {
        "TITLE": "Альфа", "REVENUE": 1500.5, "OPENED": True, "ORIGINATOR_ID": "1C-UT", "ORIGIN_ID": "g-1",
        "ORIGIN_VERSION": "AAAAAA==", "NO_SUCH_FIELD": "ignored", "DATE_CREATE": "2001-01-01",
    }}).result
    assert isinstance(new_id, int)
    got = call(portal, "crm.company.get", {"id": new_id}).result
    assert got["ID"] == str(new_id) and got["REVENUE"] == "1500.5" and got["OPENED"] == "Y"
    assert got["ASSIGNED_BY_ID"] == "1" and got["LOGO"] is None and got["HAS_PHONE"] == "N"
    assert (got["ORIGINATOR_ID"], got["ORIGIN_ID"], got["ORIGIN_VERSION"]) == ("1C-UT", "g-1", "AAAAAA==")
    assert "NO_SUCH_FIELD" not in got
    assert got["DATE_CREATE"].endswith("+03:00") and not got["DATE_CREATE"].startswith("2001")
    assert "PHONE" not in got  # multifields appear in get only when set


def test_required_and_shape_errors(portal: Portal):
    cases = [
        ("crm.company.add", {"fields": {"COMMENTS": "без названия"}}, ""),
        ("crm.company.add", {"fields": "TITLE=x"}, ""),
        ("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": 1, "PRESET_ID": 1}}, 0),
        ("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": 9999, "PRESET_ID": 1, "NAME": "x"}}, 0),
        ("crm.requisite.add", {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": 1, "PRESET_ID": 77, "NAME": "x"}}, 0),
        ("crm.requisite.bankdetail.add", {"fields": {"NAME": "Счёт"}}, 0),
        ("crm.requisite.bankdetail.add", {"fields": {"ENTITY_ID": 9999, "NAME": "Счёт"}}, 0),
    ]
    for method, params, code in cases:
        with pytest.raises(PortalError) as caught:
            call(portal, method, params)
        assert caught.value.status == 400, (method, params)
        assert caught.value.code == code and type(caught.value.code) is type(code), (method, params)
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.company.update", {"id": 1, "fields": {"TITLE": ""}})
    assert caught.value.status == 400


def test_missing_records_answer_like_the_reference(portal: Portal):
    for method in ("crm.company.get", "crm.contact.get"):
        with pytest.raises(PortalError) as caught:
            call(portal, method, {"id": 424242, "fields": {"TITLE": "x"}})
        assert caught.value.body() == {"error": "", "error_description": "Not found"}
    # update/delete answer with the REST proxy's own text and an empty code, whatever the family's list uses
    for method, text in (("crm.company.update", "Company is not found"), ("crm.company.delete", "Company is not found"),
                         ("crm.requisite.update", "Requisite is not found"),
                         ("crm.requisite.bankdetail.delete", "BankDetail is not found")):
        with pytest.raises(PortalError) as caught:
            call(portal, method, {"id": 424242, "fields": {"NAME": "x"}})
        assert (caught.value.status, caught.value.body()) == (400, {"error": "", "error_description": text})
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.requisite.get", {"id": 424242})
    assert caught.value.body() == {"error": 0, "error_description": "Not found"}
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.company.get", {})
    assert caught.value.description == "ID is not defined or invalid."


def test_unknown_method_and_missing_scope():
    p = Portal(user_id=1, scopes={"basic"}, clock=Clock(), operating_limit=None, method_cost=0.01)
    with pytest.raises(PortalError) as caught:
        call(p, "crm.company.list")
    assert (caught.value.status, caught.value.code) == (401, "insufficient_scope")
    with pytest.raises(PortalError) as caught:
        call(p, "crm.nosuch.method")
    assert (caught.value.status, caught.value.code) == (404, "ERROR_METHOD_NOT_FOUND")
    assert call(p, "method.get", {"name": "crm.company.add"}).result == {"isExisting": True, "isAvailable": False}
    assert call(p, "method.get", {"name": "no.such"}).result == {"isExisting": False, "isAvailable": False}


def test_multifield_update_semantics(portal: Portal):
    cid = call(portal, "crm.company.add", {"fields": {"TITLE": "Мульти", "PHONE": [
        {"VALUE": "+7 111", "VALUE_TYPE": "WORK"}, {"VALUE": "+7 222"}, {"VALUE": "+7 333"}, {"VALUE": "+7 444"},
        {"VALUE": "+7 555"},
    ], "EMAIL": [{"VALUE": "a@x.ru"}]}}).result
    phones = call(portal, "crm.company.get", {"id": cid}).result["PHONE"]
    ids = [p["ID"] for p in phones]
    assert [p["VALUE_TYPE"] for p in phones] == ["WORK"] * 5
    call(portal, "crm.company.update", {"id": cid, "fields": {"PHONE": [
        {"ID": ids[0], "VALUE": "+7 111-changed", "VALUE_TYPE": "MOBILE"},  # change
        {"ID": ids[1], "DELETE": "Y", "VALUE": "+7 222"},                    # delete by flag
        {"ID": ids[2], "VALUE": ""},                                           # delete by empty VALUE
        {"ID": ids[3]},                                                        # delete: no VALUE at all
        {"VALUE": "+7 666"},                                                   # no ID: add
        {"ID": "999999", "VALUE": "+7 chuzhoy"},                               # someone else's id: skipped
    ]}})
    got = call(portal, "crm.company.get", {"id": cid}).result
    by_id = {p["ID"]: p for p in got["PHONE"]}
    assert by_id[ids[0]]["VALUE"] == "+7 111-changed" and by_id[ids[0]]["VALUE_TYPE"] == "MOBILE"
    assert ids[1] not in by_id and ids[2] not in by_id and ids[3] not in by_id
    assert by_id[ids[4]]["VALUE"] == "+7 555"  # not mentioned: untouched
    assert sorted(p["VALUE"] for p in got["PHONE"]) == ["+7 111-changed", "+7 555", "+7 666"]
    assert [e["VALUE"] for e in got["EMAIL"]] == ["a@x.ru"]  # other multifield untouched


def test_multifields_listed_only_when_named(portal: Portal):
    rows = call(portal, "crm.company.list", {"filter": {"TITLE": "ТехПром Москва"}}).result
    assert "PHONE" not in rows[0] and "TITLE" in rows[0]
    rows = call(portal, "crm.company.list", {"filter": {"TITLE": "ТехПром Москва"}, "select": ["*", "PHONE"]}).result
    assert rows[0]["PHONE"][0]["VALUE"] == "+7 495 123-45-67" and "COMMENTS" in rows[0]
    rows = call(portal, "crm.company.list", {"filter": {"PHONE": "+7 495 123-45-67"}, "select": ["TITLE"]}).result
    assert rows == [{"TITLE": "ТехПром Москва", "ID": rows[0]["ID"]}]


def test_filter_prefixes(portal: Portal):
    for i in range(1, 8):
        call(portal, "crm.company.add", {"fields": {"TITLE": f"Фильтр {i}", "REVENUE": i * 100,
                                                     "ORIGIN_ID": f"g{i}" if i % 2 else ""}})

    def titles(filter_: dict) -> list[str]:
        rows = call(portal, "crm.company.list", {"filter": {"%TITLE": "Фильтр", **filter_},
                                                  "order": {"ID": "ASC"}, "select": ["TITLE"]}).result
        return [r["TITLE"].split()[-1] for r in rows]

    assert titles({}) == ["1", "2", "3", "4", "5", "6", "7"]
    assert titles({">REVENUE": 500}) == ["6", "7"]
    assert titles({">=REVENUE": "500"}) == ["5", "6", "7"]
    assert titles({"<REVENUE": 300}) == ["1", "2"]
    assert titles({"<=REVENUE": 300}) == ["1", "2", "3"]
    assert titles({"=REVENUE": 400}) == ["4"]
    assert titles({"!REVENUE": 400}) == ["1", "2", "3", "5", "6", "7"]
    assert titles({"!=REVENUE": 400}) == ["1", "2", "3", "5", "6", "7"]
    assert titles({"@REVENUE": [100, 700]}) == ["1", "7"]
    assert titles({"!@REVENUE": [100, 700]}) == ["2", "3", "4", "5", "6"]
    assert titles({"%TITLE": "фильтр 3"}) == ["3"]  # LIKE is case-insensitive
    assert titles({"=%TITLE": "%р 5"}) == ["5"]
    assert titles({"!%TITLE": "3"}) == ["1", "2", "4", "5", "6", "7"]
    assert titles({"ORIGIN_ID": ""}) == ["2", "4", "6"]   # empty value = "is empty"
    assert titles({"!ORIGIN_ID": ""}) == ["1", "3", "5", "7"]
    assert titles({">REVENUE": ""}) == ["1", "2", "3", "4", "5", "6", "7"]  # empty bound: no constraint
    assert titles({"NO_SUCH_FIELD": "x"}) == ["1", "2", "3", "4", "5", "6", "7"]  # legacy: ignored
    rows = call(portal, "crm.company.list", {"filter": {"%TITLE": "Фильтр"}, "order": {"REVENUE": "desc"},
                                             "select": ["TITLE"]}).result
    assert rows[0]["TITLE"] == "Фильтр 7"


def test_date_filters_with_and_without_offset(portal: Portal):
    assert len(call(portal, "crm.company.list", {"filter": {"<DATE_CREATE": "2025-01-01"}}).result) == 1  # УЗМК
    rows = call(portal, "crm.company.list", {"filter": {">=DATE_CREATE": "2025-08-12T13:30:00+03:00"}}).result
    assert [r["TITLE"] for r in rows] == ["ИП Петров"]
    rows = call(portal, "crm.company.list", {"filter": {">=DATE_CREATE": "2025-08-12T10:30:00Z"}}).result
    assert [r["TITLE"] for r in rows] == ["ИП Петров"]


def test_paging_total_next_and_fast_mode(portal: Portal):
    for i in range(120):
        call(portal, "crm.company.add", {"fields": {"TITLE": f"Стр {i}"}})
    total = 125
    first = call(portal, "crm.company.list", {"order": {"ID": "ASC"}})
    assert (len(first.result), first.total, first.next) == (50, total, 50)
    last = call(portal, "crm.company.list", {"order": {"ID": "ASC"}, "start": 100})
    assert (len(last.result), last.total, last.next) == (25, total, None)
    # legacy CDBResult navigation turns start into a page number: 60 -> page 2 (offset 50)
    rounded = call(portal, "crm.company.list", {"order": {"ID": "ASC"}, "start": 60})
    assert rounded.result[0]["ID"] == "51"
    fast = call(portal, "crm.company.list", {"order": {"ID": "ASC"}, "filter": {">ID": 100}, "start": -1})
    assert (len(fast.result), fast.total, fast.next) == (25, 0, None)
    assert fast.result[0]["ID"] == "101"


def test_requisites_and_bank_details(portal: Portal, clock: Clock):
    cid = company_id(portal, "Ромашка")
    rq_id = call(portal, "crm.requisite.add", {"fields": {
        "ENTITY_TYPE_ID": 4, "ENTITY_ID": cid, "PRESET_ID": 1, "NAME": "Организация", "RQ_INN": "5401234567",
        "XML_ID": "1c-ref-1", "ORIGINATOR_ID": "1C"}}).result
    rq = call(portal, "crm.requisite.get", {"id": rq_id}).result
    assert rq["ENTITY_TYPE_ID"] == "4" and rq["DATE_MODIFY"] == "" and rq["XML_ID"] == "1c-ref-1"
    assert rq["RQ_OGRN"] is None
    clock.now += 60
    assert call(portal, "crm.requisite.update", {"id": rq_id, "fields": {"RQ_KPP": "540101001"}}).result is True
    assert call(portal, "crm.requisite.get", {"id": rq_id}).result["DATE_MODIFY"].endswith("+03:00")
    bd_id = call(portal, "crm.requisite.bankdetail.add", {"fields": {
        "ENTITY_ID": rq_id, "NAME": "Основной счёт", "RQ_BIK": "044525225", "RQ_ACC_NUM": "40702810900000000001",
        "XML_ID": "1c-acc-1"}}).result
    listed = call(portal, "crm.requisite.bankdetail.list", {"filter": {"ENTITY_ID": rq_id}}).result
    assert [b["ID"] for b in listed] == [str(bd_id)] and listed[0]["XML_ID"] == "1c-acc-1"
    call(portal, "crm.company.delete", {"id": cid})  # cascades to requisites and bank details
    assert not [r for r in portal.entities("requisite") if r["ID"] == str(rq_id)]
    assert portal.entities("bankdetail") == []


def test_presets_of_a_russian_portal(portal: Portal):
    presets = call(portal, "crm.requisite.preset.list").result
    assert [(p["ID"], p["NAME"]) for p in presets] == [("1", "Организация"), ("2", "ИП"), ("3", "Физ. лицо")]


def test_crm_item_shares_the_store_and_prints_numbers(portal: Portal):
    cid = company_id(portal, "УЗМК")
    item = call(portal, "crm.item.get", {"entityTypeId": 4, "id": cid}).result["item"]
    assert item["id"] == cid and item["title"] == "УЗМК" and item["assignedById"] == 1
    assert item["entityTypeId"] == 4 and item["originId"] is None
    assert item["fm"][0]["typeId"] == "PHONE" and isinstance(item["fm"][0]["id"], int)
    added = call(portal, "crm.item.add", {"entityTypeId": "4", "fields": {
        "title": "Через item", "originatorId": "1C", "originId": "guid-9", "revenue": 10,
        "fm": {"n0": {"typeId": "PHONE", "valueType": "WORK", "value": "+7 900"}, "n1": {"value": "no type"}}}}).result
    new = added["item"]
    assert [f["value"] for f in new["fm"]] == ["+7 900"] and new["revenue"] == 10
    legacy = call(portal, "crm.company.get", {"id": new["id"]}).result
    assert legacy["ORIGIN_ID"] == "guid-9" and legacy["PHONE"][0]["VALUE"] == "+7 900"
    fm_id = str(new["fm"][0]["id"])
    updated = call(portal, "crm.item.update", {"entityTypeId": 4, "id": new["id"], "fields": {
        "fm": {fm_id: {"typeId": "PHONE", "value": ""}, "n0": {"typeId": "EMAIL", "value": "x@y.ru"}}}}).result
    assert [(f["typeId"], f["value"]) for f in updated["item"]["fm"]] == [("EMAIL", "x@y.ru")]
    page = call(portal, "crm.item.list", {"entityTypeId": 4, "filter": {"=originId": "guid-9"},
                                          "select": ["id", "title"]})
    assert page.result == {"items": [{"id": new["id"], "title": "Через item", "entityTypeId": 4}]}
    assert page.total == 1


def test_crm_item_errors(portal: Portal):
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.item.list", {"entityTypeId": 4, "filter": {"FIELD": 1}})
    assert caught.value.body() == {
        "error": "INVALID_ARG_VALUE", "error_description": "Invalid filter: field 'FIELD' is not allowed in filter"
    }
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.item.get", {"entityTypeId": 4, "id": 99999})
    assert caught.value.code == "NOT_FOUND"
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.item.list", {"entityTypeId": 5})
    assert caught.value.code == "ENTITY_TYPE_NOT_SUPPORTED"
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.item.add", {"entityTypeId": 4, "fields": {"originId": "x"}})
    assert caught.value.code == "CRM_FIELD_ERROR_REQUIRED"


def test_crm_item_logic_or(portal: Portal):
    rows = call(portal, "crm.item.list", {"entityTypeId": 4, "select": ["title"], "filter": {
        "0": {"logic": "OR", "0": {"=title": "УЗМК"}, "1": {"=title": "Ромашка"}}}}).result["items"]
    assert sorted(r["title"] for r in rows) == ["Ромашка", "УЗМК"]


def test_duplicates_by_phone_and_email(portal: Portal):
    techprom = company_id(portal, "ТехПром Москва")
    found = call(portal, "crm.duplicate.findbycomm", {"type": "PHONE", "values": ["8 (495) 123-45-67 доб. 12"]})
    assert found.result == {"COMPANY": [techprom]}
    found = call(portal, "crm.duplicate.findbycomm", {"type": "EMAIL", "values": ["A.Smirnova@romashka.example"]})
    assert list(found.result) == ["CONTACT"]
    assert call(portal, "crm.duplicate.findbycomm", {"type": "PHONE", "values": ["+7 000"]}).result == []
    with pytest.raises(PortalError) as caught:
        call(portal, "crm.duplicate.findbycomm", {"values": ["+7 000"]})
    assert caught.value.code == "Communication type is not defined"
    with pytest.raises(PortalError):
        call(portal, "crm.duplicate.findbycomm", {"type": "PHONE", "values": [str(i) for i in range(21)]})


def test_timeline_comment(portal: Portal):
    cid = company_id(portal, "УЗМК")
    comment_id = call(portal, "crm.timeline.comment.add", {"fields": {
        "ENTITY_ID": cid, "ENTITY_TYPE": "company", "COMMENT": "Оплата 120 000,00 ₽ получена 12.03.2026"}}).result
    assert isinstance(comment_id, int)
    assert portal.entities("timeline_comment")[0]["ENTITY_ID"] == str(cid)
    with pytest.raises(PortalError):
        call(portal, "crm.timeline.comment.add", {"FIELDS": {"ENTITY_ID": cid, "ENTITY_TYPE": "company",
                                                             "COMMENT": "upper-case key is refused"}})
    with pytest.raises(PortalError):
        call(portal, "crm.timeline.comment.add", {"fields": {"ENTITY_ID": 9999, "ENTITY_TYPE": "company",
                                                             "COMMENT": "x"}})


def test_fields_metadata_shape(portal: Portal):
    meta = call(portal, "crm.company.fields").result
    assert meta["TITLE"]["isRequired"] is True and meta["ID"]["isReadOnly"] is True
    assert meta["PHONE"] == {"type": "crm_multifield", "isRequired": False, "isReadOnly": False,
                             "isImmutable": False, "isMultiple": True, "isDynamic": False, "title": "Телефон"}
    assert meta["COMPANY_TYPE"]["statusType"] == "COMPANY_TYPE"
    assert call(portal, "crm.requisite.fields").result["RQ_INN"]["type"] == "string"


# ----- limits ------------------------------------------------------------------------------------
def test_leaky_bucket_burst_then_rate(clock: Clock):
    bucket = LeakyBucket(rate=2.0, burst=50, clock=clock)
    assert all(bucket.try_take() for _ in range(50))
    assert not bucket.try_take()
    clock.now += 0.4
    assert not bucket.try_take()
    clock.now += 0.1
    assert bucket.try_take()
    assert not bucket.try_take()


def test_operating_time_limit_blocks_after_the_call_that_crosses_it(clock: Clock):
    p = Portal(user_id=1, scopes={"crm", "basic"}, clock=clock, operating_limit=0.25, method_cost=0.1)
    for _ in range(3):  # 0.1, 0.2, 0.3: the third crosses the limit and still completes
        _outcome, info = p.execute("crm.company.list", {})
    assert info["operating"] == pytest.approx(0.3)
    reset_at = info["operating_reset_at"]
    assert reset_at == pytest.approx(clock.now + 600, abs=1)
    with pytest.raises(PortalError) as caught:
        p.execute("crm.company.list", {})
    assert (caught.value.status, caught.value.code) == (429, "OPERATION_TIME_LIMIT")
    p.execute("crm.company.fields", {})  # other methods are not affected
    clock.now = reset_at + 1
    _outcome, info = p.execute("crm.company.list", {})
    assert info["operating"] == pytest.approx(0.1)


def test_operating_keys_absent_when_limit_is_off(clock: Clock):
    p = Portal(user_id=1, scopes={"crm", "basic"}, clock=clock, operating_limit=None, method_cost=0.1)
    _outcome, info = p.execute("crm.company.list", {})
    assert "operating" not in info and "operating_reset_at" not in info
    assert {"start", "finish", "duration", "processing", "date_start", "date_finish"} <= set(info)


def test_operating_baskets_expire_one_by_one(clock: Clock):
    limiter = OperatingLimiter(10.0, clock)
    limiter.charge("m", 4)
    clock.now += 120
    limiter.charge("m", 5)
    assert limiter.operating("m") == 9
    clock.now += 481  # first basket (601 s old) gone, second (481 s) still counts
    assert limiter.operating("m") == 5


# ----- wire details ------------------------------------------------------------------------------
def test_php_json_escapes_like_bitrix():
    text = encode_php_json({"url": "/rest/a?b=1&c=2", "name": "Ромашка <x>"}).decode("ascii")
    assert "\\/rest\\/a?b=1\\u0026c=2" in text and "\\u0420" in text and "\\u003C" in text
    assert json.loads(text) == {"url": "/rest/a?b=1&c=2", "name": "Ромашка <x>"}


def test_php_query_parsing_rules():
    assert parse_php_query("a[]=1&a[]=2&b[x][y]=3&c=") == {"a": ["1", "2"], "b": {"x": {"y": "3"}}, "c": ""}
    assert parse_php_query("f[5]=x&f[7]=y") == {"f": {"5": "x", "7": "y"}}
    assert parse_php_query("filter%5B%3EID%5D=10") == {"filter": {">ID": "10"}}


def test_contacts_bind_to_companies_and_keep_origin(portal: Portal):
    romashka = company_id(portal, "Ромашка")
    seeded = call(portal, "crm.contact.list", {"filter": {"COMPANY_ID": romashka}, "select": ["NAME", "EMAIL"]})
    assert [(c["NAME"], c["EMAIL"][0]["VALUE"]) for c in seeded.result] == [("Анна", "a.smirnova@romashka.example")]
    new_id = call(portal, "crm.contact.add", {"fields": {
        "NAME": "Пётр", "LAST_NAME": "Иванов", "COMPANY_IDS": [romashka], "ORIGINATOR_ID": "1C", "ORIGIN_ID": "p-1",
        "PHONE": [{"VALUE": "+7 900 000-00-01", "VALUE_TYPE": "MOBILE"}]}}).result
    got = call(portal, "crm.contact.get", {"id": new_id}).result
    assert got["COMPANY_ID"] == str(romashka) and got["ORIGIN_ID"] == "p-1" and got["HAS_PHONE"] == "Y"
    assert got["PHONE"][0]["VALUE_TYPE"] == "MOBILE" and "COMPANY_IDS" not in got
    drop = [{"ID": got["PHONE"][0]["ID"], "DELETE": "Y"}]
    call(portal, "crm.contact.update", {"id": new_id, "fields": {"PHONE": drop}})
    assert call(portal, "crm.contact.get", {"id": new_id}).result["HAS_PHONE"] == "N"
    meta = call(portal, "crm.contact.fields").result
    assert meta["NAME"]["type"] == "string" and meta["EMAIL"]["isMultiple"] is True


def test_entities_are_copies(portal: Portal):
    snapshot = portal.entities("company")
    snapshot[0]["TITLE"] = "испорчено"
    snapshot[0]["PHONE"].clear()
    fresh = portal.entities("company")[0]
    assert fresh["TITLE"] == "ТехПром Москва" and fresh["PHONE"]
