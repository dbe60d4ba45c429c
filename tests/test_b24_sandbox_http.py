"""The sandbox's HTTP face, spoken to with plain requests: encodings, paths, envelopes, faults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core.sandbox.bitrix24.server import Bitrix24Sandbox

pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Bitrix24Sandbox]:
    sb = Bitrix24Sandbox(cert_dir=tmp_path / "certs", code="fixedTestCode42")
    sb.start()
    yield sb
    sb.stop()


def post(sandbox: Bitrix24Sandbox, path: str, **kwargs) -> requests.Response:
    return requests.post(sandbox.webhook_url + path, verify=sandbox.ca_file, timeout=10, **kwargs)


def test_webhook_url_and_ca_file(sandbox: Bitrix24Sandbox):
    assert sandbox.webhook_url == f"https://127.0.0.1:{sandbox.port}/rest/1/fixedTestCode42/"
    assert Path(sandbox.ca_file).read_text().startswith("-----BEGIN CERTIFICATE-----")
    # the certificate also names localhost
    url = sandbox.webhook_url.replace("127.0.0.1", "localhost") + "profile"
    assert requests.post(url, verify=sandbox.ca_file, timeout=10).json()["result"]["ID"] == "1"


def test_json_form_and_get_requests_are_equivalent(sandbox: Bitrix24Sandbox):
    as_json = post(sandbox, "crm.company.add.json", json={"fields": {"TITLE": "JSON", "PHONE": [{"VALUE": "1"}]}})
    as_form = post(sandbox, "crm.company.add", data={"fields[TITLE]": "Форма", "fields[PHONE][0][VALUE]": "2"})
    as_get = requests.get(sandbox.webhook_url + "crm.company.add?fields[TITLE]=GET&fields[PHONE][0][VALUE]=3",
                          verify=sandbox.ca_file, timeout=10)
    ids = [r.json()["result"] for r in (as_json, as_form, as_get)]
    stored = {c["ID"]: c for c in sandbox.entities("company")}
    assert [(stored[str(i)]["TITLE"], stored[str(i)]["PHONE"][0]["VALUE"]) for i in ids] == [
        ("JSON", "1"), ("Форма", "2"), ("GET", "3")
    ]


def test_envelope_on_the_wire(sandbox: Bitrix24Sandbox):
    response = post(sandbox, "CRM.COMPANY.LIST", json={"select": ["ID"], "order": {"ID": "ASC"}})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "\\u" in response.text or "\\/" in response.text or response.text.isascii()
    body = response.json()
    assert body["total"] == 5 and "next" not in body
    assert [row["ID"] for row in body["result"]] == ["1", "2", "3", "4", "5"]
    assert {"start", "finish", "duration", "processing", "date_start", "date_finish", "operating",
            "operating_reset_at"} <= set(body["time"])


def test_auth_and_routing_errors(sandbox: Bitrix24Sandbox):
    wrong_code = requests.post(sandbox.webhook_url.replace("fixedTestCode42", "nope") + "profile",
                               verify=sandbox.ca_file, timeout=10)
    assert (wrong_code.status_code, wrong_code.json()["error"]) == (401, "INVALID_CREDENTIALS")
    wrong_user = requests.post(sandbox.webhook_url.replace("/rest/1/", "/rest/2/") + "profile",
                               verify=sandbox.ca_file, timeout=10)
    assert wrong_user.status_code == 401
    unknown = post(sandbox, "crm.nosuch.method")
    assert (unknown.status_code, unknown.json()) == (
        404, {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}
    )
    not_rest = requests.get(f"https://127.0.0.1:{sandbox.port}/", verify=sandbox.ca_file, timeout=10)
    assert not_rest.status_code == 404 and not_rest.text.lstrip().startswith("<html>")
    no_credentials = requests.post(f"https://127.0.0.1:{sandbox.port}/rest/crm.company.list.json",
                                   verify=sandbox.ca_file, timeout=10)
    assert (no_credentials.status_code, no_credentials.json()) == (
        401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong authorization data"})
    not_found = post(sandbox, "crm.company.get", json={"id": 999})
    assert (not_found.status_code, not_found.json()) == (400, {"error": "", "error_description": "Not found"})


def test_faults_are_consumed_in_order(sandbox: Bitrix24Sandbox):
    sandbox.inject_fault("profile", "internal_error")
    sandbox.inject_fault("profile", "html_502_before_write")
    first, second, third = (post(sandbox, "profile") for _ in range(3))
    assert (first.status_code, first.json()["error"]) == (500, "INTERNAL_SERVER_ERROR")
    assert second.status_code == 502 and "nginx" in second.text
    assert third.status_code == 200
    with pytest.raises(ValueError):
        sandbox.inject_fault("profile", "no_such_fault")


def test_reset_after_write_stores_and_answers_nothing(sandbox: Bitrix24Sandbox):
    sandbox.inject_fault("crm.company.add", "reset_after_write")
    with pytest.raises(requests.exceptions.ConnectionError):
        post(sandbox, "crm.company.add", json={"fields": {"TITLE": "Без ответа", "ORIGIN_ID": "g-reset"}})
    assert [c["TITLE"] for c in sandbox.entities("company") if c["ORIGIN_ID"] == "g-reset"] == ["Без ответа"]


def test_leaky_bucket_answers_503_on_the_wire(tmp_path: Path):
    sandbox = Bitrix24Sandbox(cert_dir=tmp_path, rate=0.001, burst=2, seed=False)
    sandbox.start()
    try:
        statuses = [post(sandbox, "scope").status_code for _ in range(3)]
        assert statuses == [200, 200, 503]
        refused = post(sandbox, "scope").json()
        assert refused == {"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}
        assert sandbox.entities("company") == []
    finally:
        sandbox.stop()


def test_batch_on_the_wire_with_php_empty_arrays(sandbox: Bitrix24Sandbox):
    body = post(sandbox, "batch", json={"halt": 0, "cmd": {"s": "scope"}}).json()
    assert body["result"]["result_error"] == [] and body["result"]["result_next"] == []
    too_many = post(sandbox, "batch", json={"cmd": {f"c{i}": "scope" for i in range(51)}})
    assert (too_many.status_code, too_many.json()["error"]) == (400, "ERROR_BATCH_LENGTH_EXCEEDED")
    log = sandbox.request_log()
    assert log[-3:] == ["batch", "batch:scope", "batch"]  # the refused batch ran no command


def test_request_log_marks_batch_commands(sandbox: Bitrix24Sandbox):
    post(sandbox, "batch", data={"cmd[a]": "crm.company.get?id=1", "cmd[b]": "scope"})
    assert sandbox.request_log()[-3:] == ["batch", "batch:crm.company.get", "batch:scope"]
    assert [p["NAME"] for p in sandbox.entities("preset")] == ["Организация", "ИП", "Физ. лицо"]
    assert sandbox.entities("deal") == []  # not modelled yet: empty, not an error
