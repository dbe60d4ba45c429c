"""«Проверить подключение» says exactly what worked and what did not, for each way a setup goes wrong."""

from __future__ import annotations

import socket

import pytest

from core.connection_check import check_bitrix24, check_onec
from core.sandbox.bitrix24.server import Bitrix24Sandbox
from core.sandbox.onec.server import OneCSandbox

pytestmark = pytest.mark.integration
USER, PASSWORD = "Интеграция", "пароль"


@pytest.fixture
def onec():
    server = OneCSandbox(users={USER: PASSWORD})
    server.start()
    yield server
    server.stop()


@pytest.fixture
def b24(tmp_path):
    server = Bitrix24Sandbox(cert_dir=tmp_path / "b24", rate=50, burst=500)
    server.start()
    yield server
    server.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_onec_all_good(onec):
    report = check_onec(onec.url, USER, PASSWORD)
    assert report.ok, report.text()
    assert [line.ok for line in report.lines] == [True] * len(report.lines)
    assert "Объект Catalog_Контрагенты опубликован в OData" in report.text()


def test_onec_publication_root_is_completed(onec):
    assert check_onec(onec.url.split("/odata/")[0], USER, PASSWORD).ok


def test_onec_unreachable_host():
    report = check_onec(f"http://127.0.0.1:{_free_port()}/ut11/odata/standard.odata/", USER, PASSWORD)
    assert not report.ok and len(report.lines) == 1
    assert "127.0.0.1" in report.lines[0].text


def test_onec_wrong_password_says_the_server_answered(onec):
    report = check_onec(onec.url, USER, "не тот")
    assert [line.ok for line in report.lines] == [True, False]
    assert "логин или пароль" in report.lines[1].text


def test_onec_object_not_published(tmp_path):
    server = OneCSandbox(users={USER: PASSWORD}, published={"Catalog_Контрагенты", "Catalog_КлассификаторБанков"})
    server.start()
    try:
        report = check_onec(server.url, USER, PASSWORD)
    finally:
        server.stop()
    assert not report.ok
    [bad] = [line for line in report.lines if not line.ok and line.required]
    assert "Catalog_БанковскиеСчетаКонтрагентов не опубликован" in bad.text and "состав" in bad.text
    assert "Настройка стандартного интерфейса OData" in bad.text
    # the contact persons are missing too: their own section stops, shown as a warning, not a blocker
    warnings = [line.text for line in report.lines if not line.ok and not line.required]
    assert any("Catalog_КонтактныеЛицаПартнеров" in w and "Контактные лица" in w for w in warnings)
    # the kinds of contact information are optional: addresses go on without them
    assert any("Catalog_ВидыКонтактнойИнформации" in w and "без него" in w for w in warnings)


@pytest.mark.parametrize("base", ["/ut11", "/bp30", "/unf"])
def test_onec_detects_the_configuration_and_reports_the_profile(base):
    with OneCSandbox(users={USER: PASSWORD}, base_path=base) as server:
        report = check_onec(server.url, USER, PASSWORD, "auto")
        assert report.ok, report.text()
        assert report.profile == report.detected == base.strip("/")
        assert f"(профиль {report.profile})" in report.text()
        # an explicit choice that disagrees with $metadata is the admin's override: kept, with a warning
        other = "ut11" if base != "/ut11" else "bp30"
        forced = check_onec(server.url, USER, PASSWORD, other)
        assert forced.profile == other and forced.detected == base.strip("/")
        assert any(not line.ok and not line.required and "похожа" in line.text for line in forced.lines)


def test_onec_rights_and_missing_attributes(tmp_path):
    with OneCSandbox(users={USER: PASSWORD}, base_path="/bp30", forbidden={"Catalog_КонтактныеЛица"}) as server:
        server.drop_attribute("Catalog_Контрагенты", "КПП")
        report = check_onec(server.url, USER, PASSWORD, "auto", cache_dir=tmp_path)
    assert report.ok, report.text()  # counterparties go on without КПП; contacts alone stop
    warnings = [line.text for line in report.lines if not line.ok]
    assert any("Catalog_Контрагенты" in w and "КПП" in w for w in warnings)
    assert any("нет права читать Catalog_КонтактныеЛица" in w for w in warnings)
    assert list(tmp_path.glob("metadata-*.xml"))  # kept in the data folder with its date


def test_bitrix24_all_good(b24):
    report = check_bitrix24(b24.webhook_url, b24.ca_file)
    assert report.ok, report.text()
    assert b24.code not in report.text()


@pytest.mark.parametrize("url", ["https://portal.example/", "portal.example/rest/1/abc/", "http://127.0.0.1/rest/1/x/",
                                 ""])
def test_bitrix24_not_a_webhook_url(url):
    report = check_bitrix24(url)
    assert not report.ok and len(report.lines) == 1


def test_bitrix24_wrong_code(b24):
    bad = b24.webhook_url.replace(b24.code, "zzzzzzzzzzzz")
    report = check_bitrix24(bad, b24.ca_file)
    assert not report.ok and "Создайте новый входящий вебхук" in report.text() and "zzzzzzzzzzzz" not in report.text()


def test_bitrix24_untrusted_certificate_is_not_bypassed(b24):
    report = check_bitrix24(b24.webhook_url)  # no CA file: the system store does not know the box's CA
    assert not report.ok
    assert "--bitrix24-ca-file" in report.text() or "сертификат" in report.text().lower()


def test_bitrix24_missing_crm_scope(tmp_path):
    server = Bitrix24Sandbox(cert_dir=tmp_path / "b24", scopes={"basic", "catalog"}, rate=50, burst=500)
    server.start()
    try:
        report = check_bitrix24(server.webhook_url, server.ca_file)
    finally:
        server.stop()
    assert not report.ok
    assert "Нет права crm у вебхука" in report.text()
    assert any(not line.required for line in report.lines)  # documentgenerator is a warning, not a blocker


def test_bitrix24_unreachable():
    report = check_bitrix24(f"https://127.0.0.1:{_free_port()}/rest/1/abcdef123/")
    assert not report.ok and "abcdef123" not in report.text()
