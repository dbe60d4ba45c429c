"""Envelope parsing against every reference body in tests/fixtures/bitrix24 (verbatim doc JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bitrix24.batch import split_batch
from core.bitrix24.envelope import (
    ErrorInfo,
    as_map,
    decode_body,
    error_of,
    is_access_denied_text,
    is_not_found,
    looks_like_html,
    time_of,
)
from core.bitrix24.remote_errors import error_for
from core.errors import AccessDenied, AuthFailed, RemoteError

FIXTURES = Path(__file__).parent / "fixtures" / "bitrix24"
ALL_BODIES = sorted(FIXTURES.glob("*.json"))
NOT_ENVELOPES = {  # outgoing event payload and the OAuth server's own answers are not REST envelopes
    "ONCRMCOMPANYUPDATE.event.example.json",
    "oauth.token.refresh.example.json",
}


def _raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_every_reference_body_is_present():
    assert len(ALL_BODIES) == 33


@pytest.mark.parametrize("path", ALL_BODIES, ids=lambda p: p.name)
def test_every_reference_body_decodes_to_success_or_error(path: Path):
    body = decode_body(path.read_bytes())
    assert body is not None
    if path.name in NOT_ENVELOPES:
        return
    error = error_of(body)
    # batch bodies with failing commands are still HTTP 200 success envelopes
    if ".error" in path.name and not path.name.startswith("batch."):
        assert error is not None
        assert isinstance(error.code, (str, int))
        assert isinstance(error.description, str)
    else:
        assert error is None
        assert "result" in body
        assert "time" in body
        info = time_of(body["time"])
        assert info.start is not None and info.finish is not None


@pytest.mark.parametrize(
    ("name", "code", "key"),
    [
        ("crm.company.get.error_not_found.example.json", "", ""),
        ("crm.requisite.list.error_access_denied.example.json", 0, "0"),
        ("catalog.product.list.error_access_denied.example.json", 200040300010, "200040300010"),
        ("QUERY_LIMIT_EXCEEDED.error.example.json", "QUERY_LIMIT_EXCEEDED", "QUERY_LIMIT_EXCEEDED"),
        ("expired_token.error.example.json", "expired_token", "EXPIRED_TOKEN"),
    ],
)
def test_error_codes_keep_their_type(name: str, code: object, key: str):
    error = error_of(decode_body(_raw(name)))
    assert error is not None
    assert error.code == code and type(error.code) is type(code)
    assert error.key == key


def test_not_found_and_access_denied_recognised_from_legacy_bodies():
    assert is_not_found(error_of(decode_body(_raw("crm.company.get.error_not_found.example.json"))))
    for name in (
        "crm.company.list.error_access_denied.example.json",
        "crm.requisite.list.error_access_denied.example.json",
        "catalog.product.list.error_access_denied.example.json",
    ):
        assert is_access_denied_text(error_of(decode_body(_raw(name)))), name
    assert not is_access_denied_text(ErrorInfo("", "Not found"))


def test_time_keys_are_all_optional():
    with_operating = time_of(decode_body(_raw("crm.company.add.example.json"))["time"])
    assert with_operating.operating == pytest.approx(0.6509370803833008)
    assert with_operating.operating_reset_at == 1769501310
    without = time_of(decode_body(_raw("batch.example.json"))["time"])
    assert without.operating is None and without.operating_reset_at is None
    assert time_of(None).start is None
    assert time_of([]).operating is None


def test_legacy_numbers_are_strings_and_item_numbers_are_numbers():
    company = decode_body(_raw("crm.company.get.example.json"))["result"]
    assert company["ID"] == "2909" and company["REVENUE"] == "0" and company["LOGO"] is None
    item = decode_body(_raw("crm.item.add.example.json"))["result"]["item"]
    assert item["id"] == 342 and item["opportunity"] == 999.99


def test_html_and_garbage_bodies_are_not_envelopes():
    page = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body></body></html>"
    assert decode_body(page) is None
    assert looks_like_html(page)
    assert decode_body(b"") is None
    assert decode_body(b"[1, 2]") is None
    assert decode_body(b'{"result": tru') is None
    assert decode_body('\ufeff{"result": true}'.encode()) == {"result": True}


def test_rest3_object_error_is_accepted():
    error = error_of({"error": {"code": "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION", "message": "Access denied"}})
    assert error == ErrorInfo("BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION", "Access denied")


def test_empty_php_arrays_read_as_empty_maps():
    assert as_map([]) == {}
    assert as_map(None) == {}
    assert as_map(["a", "b"]) == {"0": "a", "1": "b"}
    assert as_map({"x": 1}) == {"x": 1}


def test_batch_bodies_split_into_maps():
    ok, ok_errors = split_batch(decode_body(_raw("batch.example.json"))["result"])
    assert set(ok.result) == {"get_user", "get_department"}
    assert ok_errors == {}
    assert ok.total == {"get_department": 1}
    assert ok.next == {}
    assert set(ok.time) == {"get_user", "get_department"}
    halted, halt_errors = split_batch(decode_body(_raw("batch.error_halt1.example.json"))["result"])
    assert halted.result == {} and halted.total == {} and halted.time == {}
    assert set(halt_errors) == {"get_user"}
    _, both_errors = split_batch(decode_body(_raw("batch.error_halt0.example.json"))["result"])
    assert {k: error_of(v).code for k, v in both_errors.items()} == {
        "get_user": "insufficient_scope",
        "get_department": "insufficient_scope",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("INVALID_CREDENTIALS.error.example.json", AuthFailed),
        ("expired_token.error.example.json", AuthFailed),
        ("crm.company.list.error_access_denied.example.json", AccessDenied),
        ("crm.requisite.list.error_access_denied.example.json", AccessDenied),
        ("catalog.product.list.error_access_denied.example.json", AccessDenied),
        ("ERROR_METHOD_NOT_FOUND.error.example.json", RemoteError),
        ("crm.company.get.error_not_found.example.json", RemoteError),
        ("crm.item.list.error_invalid_filter.example.json", RemoteError),
        ("oauth.token.error_payment_required.example.json", AccessDenied),
    ],
)
def test_error_mapping_keys_on_error_string(name: str, expected: type):
    error = error_of(decode_body(_raw(name)))
    mapped = error_for("crm.company.list", error, 999, "https://portal.example/rest/1/***/")
    assert type(mapped) is expected
    assert mapped.user_text()


def test_mapping_ignores_the_status():
    info = error_of(json.loads(_raw("INVALID_CREDENTIALS.error.example.json")))
    for status in (401, 403, 200):
        assert isinstance(error_for("profile", info, status, "masked"), AuthFailed)


def test_insufficient_scope_names_the_scope():
    mapped = error_for("catalog.product.list", ErrorInfo("insufficient_scope", ""), 401, "masked")
    assert isinstance(mapped, AccessDenied)
    assert "«catalog»" in mapped.user_text()
