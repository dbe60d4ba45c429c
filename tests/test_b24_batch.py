"""Batch command encoding (client) and batch execution with ``$result`` references (sandbox portal)."""

from __future__ import annotations

import time

import pytest

from core.bitrix24.batch import encode_command, encode_query, is_reference, reference
from core.sandbox.bitrix24.errors import PortalError
from core.sandbox.bitrix24.phpquery import parse_php_query
from core.sandbox.bitrix24.portal import Portal
from core.sandbox.bitrix24.seed import seed_portal


def _portal(scopes: set[str] | None = None) -> Portal:
    portal = Portal(user_id=1, scopes=scopes or {"crm", "basic"}, clock=time.time, operating_limit=480.0,
                    method_cost=0.01)
    seed_portal(portal)
    return portal


# ----- encoding ---------------------------------------------------------------------------------
def test_nested_params_are_php_bracket_style():
    phone = {"VALUE": "+7 495", "VALUE_TYPE": "WORK"}
    query = encode_query({"fields": {"TITLE": "ООО «Ромашка» & Co", "PHONE": [phone]}})
    assert "fields[PHONE][0][VALUE]=%2B7%20495" in query
    assert "fields[PHONE][0][VALUE_TYPE]=WORK" in query
    assert parse_php_query(query) == {
        "fields": {"TITLE": "ООО «Ромашка» & Co", "PHONE": [{"VALUE": "+7 495", "VALUE_TYPE": "WORK"}]}
    }


def test_none_is_sent_as_empty_string_never_as_None():
    query = encode_query({"fields": {"COMMENTS": None, "OPENED": True, "IS_MY_COMPANY": False}})
    decoded = parse_php_query(query)
    assert decoded == {"fields": {"COMMENTS": "", "OPENED": "1", "IS_MY_COMPANY": "0"}}
    assert "None" not in query


def test_empty_collections_vanish_like_http_build_query():
    assert encode_query({"select": [], "filter": {}, "start": -1}) == "start=-1"


def test_references_pass_unencoded_and_ordinary_dollars_are_encoded():
    ref = reference("page", "items", 49, "id")
    assert ref == "$result[page][items][49][id]"
    assert is_reference(ref) and is_reference("$result[c1]") and is_reference("$result_total[c1]")
    assert not is_reference("$result[c1]&x=1") and not is_reference("цена $5")
    query = encode_query({"filter": {">id": ref}, "note": "цена $5"})
    assert "filter[%3Eid]=$result[page][items][49][id]" in query
    assert "note=%D1%86%D0%B5%D0%BD%D0%B0%20%245" in query


def test_encode_command_joins_method_and_query():
    assert encode_command("crm.company.get", {"id": 5}) == "crm.company.get?id=5"
    assert encode_command("scope", None) == "scope"


# ----- execution on the portal -------------------------------------------------------------------
def test_result_reference_feeds_a_later_command():
    portal = _portal()
    add = encode_command("crm.company.add", {"fields": {"TITLE": "Новая", "ORIGIN_ID": "guid-1"}})
    get = encode_command("crm.company.get", {"id": reference("add")})
    rq = encode_command(
        "crm.requisite.add",
        {"fields": {"ENTITY_TYPE_ID": 4, "ENTITY_ID": reference("add"), "PRESET_ID": 1, "NAME": "Организация",
                    "RQ_INN": "7707083893", "XML_ID": "guid-1"}},
    )
    outcome = portal.run_batch({"halt": 0, "cmd": {"add": add, "get": get, "rq": rq}})
    body = outcome.result
    assert body["result_error"] == []
    new_id = body["result"]["add"]
    assert isinstance(new_id, int)
    assert body["result"]["get"]["ID"] == str(new_id)
    assert body["result"]["get"]["ORIGIN_ID"] == "guid-1"
    requisite = portal.requisites.records[body["result"]["rq"]]
    assert requisite["ENTITY_ID"] == str(new_id) and requisite["XML_ID"] == "guid-1"


def test_list_reference_needs_an_index():
    portal = _portal()
    cmd = {
        "list": encode_command("crm.company.list", {"filter": {"TITLE": "УЗМК"}, "select": ["ID"]}),
        "rq": encode_command("crm.requisite.list", {"filter": {"ENTITY_ID": reference("list", 0, "ID")}}),
    }
    body = portal.run_batch({"cmd": cmd}).result
    assert body["result"]["rq"][0]["RQ_INN"] == "6671039180"
    assert body["result_total"] == {"list": 1, "rq": 1}


def test_halt_stops_at_first_failure_and_empty_maps_are_lists():
    portal = _portal()
    cmd = {"bad": "crm.company.get?id=999999", "never": "crm.company.get?id=1"}
    halted = portal.run_batch({"halt": 1, "cmd": cmd}).result
    assert halted["result"] == [] and halted["result_time"] == [] and halted["result_total"] == []
    assert halted["result_error"] == {"bad": {"error": "", "error_description": "Not found"}}
    go_on = portal.run_batch({"halt": "0", "cmd": cmd}).result
    assert set(go_on["result"]) == {"never"} and set(go_on["result_error"]) == {"bad"}


def test_sub_command_errors_scope_unknown_and_nested_batch():
    portal = _portal(scopes={"basic"})
    cmd = {"a": "crm.company.list", "b": "user.get", "c": "batch?cmd[x]=scope", "d": "scope"}
    body = portal.run_batch({"cmd": cmd})
    errors = body.result["result_error"]
    assert errors["a"]["error"] == "insufficient_scope"
    assert errors["b"]["error"] == "ERROR_METHOD_NOT_FOUND"
    assert errors["c"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"
    assert body.result["result"] == {"d": ["basic"]}


def test_more_than_50_commands_is_refused():
    portal = _portal()
    with pytest.raises(PortalError) as caught:
        portal.run_batch({"cmd": {f"c{i}": "scope" for i in range(51)}})
    assert caught.value.status == 400 and caught.value.code == "ERROR_BATCH_LENGTH_EXCEEDED"
    assert len(portal.run_batch({"cmd": {f"c{i}": "scope" for i in range(50)}}).result["result"]) == 50


def test_commands_as_list_give_list_shaped_results():
    body = _portal().run_batch({"cmd": ["scope", "crm.company.get?id=1"]}).result
    assert isinstance(body["result"], list) and body["result"][1]["ID"] == "1"


def test_unresolved_reference_becomes_empty_value():
    portal = _portal()
    body = portal.run_batch({"cmd": {"g": "crm.company.get?id=$result[missing][0][ID]"}}).result
    assert body["result_error"]["g"]["error_description"] == "ID is not defined or invalid."


def test_references_resolve_after_url_decoding_like_bitrix():
    """CRestUtil::ParseBatchQuery: parse_str first, then references in every decoded value. An encoded reference
    (what the official SDKs send) works; a reference inside a longer string is substituted in place."""
    portal = _portal()
    cmd = {"a": "crm.company.add?fields[TITLE]=X",
           "b": "crm.company.add?fields[TITLE]=%24result%5Ba%5D",
           "c": "crm.company.add?fields[TITLE]=ID%20%24result%5Ba%5D%20here"}
    body = portal.run_batch({"cmd": cmd}).result
    assert portal.companies.records[body["result"]["b"]]["TITLE"] == str(body["result"]["a"])
    assert portal.companies.records[body["result"]["c"]]["TITLE"] == f"ID {body['result']['a']} here"


def test_past_the_end_reference_resolves_to_the_deepest_existing_node():
    portal = _portal()
    cmd = {"l": "crm.company.list?select[]=ID&filter[ID]=1",
           "t": "crm.company.add?fields[TITLE]=was%20$result[l][49][ID]",
           "w": "crm.company.add?fields[TITLE]=$result[l][49][ID]"}
    body = portal.run_batch({"cmd": cmd}).result
    # inside a string the list cannot be substituted: the text stays; as a whole value the list itself arrives
    assert portal.companies.records[body["result"]["t"]]["TITLE"] == "was $result[l][49][ID]"
    assert "w" in body["result_error"]  # TITLE became an array: nothing to store, the required field is empty
