"""Protocol behaviour of the sandbox 1C OData server, checked over real HTTP with plain requests."""

from __future__ import annotations

import base64
import io
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from core.onec.metadata import parse_metadata
from core.onec.payload import loads
from core.sandbox.onec import OneCSandbox
from core.sandbox.onec.seed import TECHPROM_REF, UZMK_REF

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures" / "onec"
CP = quote("Catalog_Контрагенты")
ACC = quote("Catalog_БанковскиеСчетаКонтрагентов")
PARTNERS = quote("Catalog_Партнеры")
ZERO = "00000000-0000-0000-0000-000000000000"


def basic(user: str, password: str, encoding: str = "utf-8") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode(encoding)).decode("ascii")


@pytest.fixture
def sandbox() -> Iterator[OneCSandbox]:
    with OneCSandbox() as sb:
        yield sb


@pytest.fixture
def http(sandbox: OneCSandbox) -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = basic("Интеграция", "демо-пароль")
    yield session
    session.close()


def get(http: requests.Session, sandbox: OneCSandbox, path: str, query: str = "$format=json") -> requests.Response:
    # the query is passed pre-encoded so that requests does not touch it
    return http.get(f"{sandbox.url}{path}?{query}" if query else f"{sandbox.url}{path}")


def q(text: str) -> str:
    return quote(text, safe="'(),$=&/")


def odata_error(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["odata.error"]["code"]


# --- service, metadata, auth, formats ------------------------------------------------------------


def test_service_document(sandbox, http):
    response = get(http, sandbox, "")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["odata.metadata"].endswith("/odata/standard.odata/$metadata")
    names = {v["name"] for v in data["value"]}
    assert {"Catalog_Контрагенты", "Catalog_Контрагенты_КонтактнаяИнформация", "Catalog_Партнеры",
            "Catalog_БанковскиеСчетаКонтрагентов", "Catalog_КлассификаторБанков",
            "Catalog_КонтактныеЛицаПартнеров", "Catalog_Валюты"} <= names


def test_metadata_matches_the_real_ut11_fragment(sandbox, http):
    response = get(http, sandbox, "$metadata", "")
    assert response.status_code == 200 and "xml" in response.headers["Content-Type"]
    root = ET.fromstring(response.content)
    ns = {"edm": "http://schemas.microsoft.com/ado/2009/11/edm",
          "edmx": "http://schemas.microsoft.com/ado/2007/06/edmx"}
    schema = root.find("edmx:DataServices/edm:Schema", ns)
    assert schema is not None and schema.get("Namespace") == "StandardODATA"
    assert schema.find("edm:EntityContainer[@Name='EnterpriseV8']", ns) is not None

    def props(doc: ET.Element, kind: str, name: str) -> list[tuple[str, str]]:
        node = doc.find(f".//edm:{kind}[@Name='{name}']", ns)
        assert node is not None, name
        return [(p.get("Name"), p.get("Type")) for p in node.findall("edm:Property", ns)]

    fragment = ET.parse(FIXTURES / "metadata_fragment_ut11.xml").getroot()
    for kind, name in (("EntityType", "Catalog_Контрагенты"),
                       ("EntityType", "Catalog_Контрагенты_КонтактнаяИнформация"),
                       ("ComplexType", "Catalog_Контрагенты_КонтактнаяИнформация_RowType")):
        assert props(root, kind, name) == props(fragment, kind, name)
    parsed = parse_metadata(io.BytesIO(response.content))
    assert parsed["Catalog_Контрагенты"].keys == ["Ref_Key"]
    assert "ГоловнойКонтрагент" in parsed["Catalog_Контрагенты"].navigation
    assert set(parsed["Catalog_Контрагенты"].tabular) == {
        "КонтактнаяИнформация", "ДополнительныеРеквизиты", "ИсторияКПП", "ИсторияНаименований"}
    assert parsed["Catalog_Контрагенты_КонтактнаяИнформация"].keys == ["Ref_Key", "LineNumber"]


def test_unpublished_objects_look_unknown():
    with OneCSandbox(published={"Catalog_Контрагенты"}) as sb:
        session = requests.Session()
        session.headers["Authorization"] = basic("Интеграция", "демо-пароль")
        response = get(session, sb, PARTNERS)
        assert response.status_code == 404
        body = response.json()["odata.error"]
        assert "Catalog_Партнеры" in body["message"]["value"]
        unknown = get(session, sb, quote("Catalog_НетТакого"))
        assert unknown.status_code == 404 and unknown.json()["odata.error"]["code"] == body["code"]
        metadata = get(session, sb, "$metadata", "").text
        assert "Catalog_Партнеры" not in metadata  # nor a navigation property to it
        entity = get(session, sb, f"{CP}(guid'{TECHPROM_REF}')").json()
        assert entity["Партнер_Key"] != ZERO and "Партнер@navigationLinkUrl" not in entity
        names = {v["name"] for v in get(session, sb, "").json()["value"]}
        assert "Catalog_Партнеры" not in names and "Catalog_Контрагенты_КонтактнаяИнформация" in names
        sb.set_published({"Catalog_Контрагенты", "Catalog_Партнеры"})
        assert get(session, sb, PARTNERS).status_code == 200


def test_auth(sandbox):
    url = f"{sandbox.url}?$format=json"
    anonymous = requests.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Basic realm="1C:Enterprise 8.3"'
    assert requests.get(url, headers={"Authorization": basic("Интеграция", "не-тот")}).status_code == 401
    # a cp1251-encoded Cyrillic login is not the user (IIS answers 401.5 there)
    assert requests.get(url, headers={"Authorization": basic("Интеграция", "демо-пароль", "cp1251")}).status_code == 401
    assert requests.get(url, headers={"Authorization": basic("Интеграция", "демо-пароль")}).status_code == 200


def test_atom_without_format_json(sandbox, http):
    response = get(http, sandbox, CP, "$top=2")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    assert response.headers["DataServiceVersion"] == "3.0"
    feed = ET.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    with pytest.raises(ValueError):
        response.json()
    service = get(http, sandbox, "", "")
    assert service.content.lstrip().startswith(b"<?xml")
    error = get(http, sandbox, quote("Catalog_Нет"), "")
    assert error.status_code == 404 and b"<m:code>" in error.content
    as_json = http.get(f"{sandbox.url}{CP}?$top=1", headers={"Accept": "application/json"})
    assert as_json.json()["value"]


# --- JSON shape ----------------------------------------------------------------------------------


def test_single_entity_shape(sandbox, http):
    response = get(http, sandbox, f"{CP}(guid'{TECHPROM_REF}')")
    assert response.status_code == 200
    entity = loads(response.content)
    assert entity["odata.metadata"].endswith("$metadata#Catalog_Контрагенты/@Element")
    assert entity["Description"] == "ООО «ТехПром»"
    assert entity["КонтактнаяИнформация"][0]["LineNumber"] == "1"  # Int64 as a string
    assert entity["КонтактнаяИнформация"][0]["Ref_Key"] == TECHPROM_REF
    assert entity["Партнер@navigationLinkUrl"] == f"Catalog_Контрагенты(guid'{TECHPROM_REF}')/Партнер"
    assert "СтранаРегистрации@navigationLinkUrl" not in entity  # Catalog_СтраныМира is not published
    assert entity["ДополнительныеРеквизиты"] == []
    kinds = get(http, sandbox, quote("Catalog_ВидыКонтактнойИнформации"), "$format=json&$top=1").json()
    assert isinstance(kinds["value"][0]["РеквизитДопУпорядочивания"], str)


def test_links_only_for_non_empty_refs(sandbox, http):
    created = http.post(f"{sandbox.url}{CP}?$format=json", json={"Description": "Без партнёра"}).json()
    assert created["Партнер_Key"] == ZERO
    assert not any(k.endswith("@navigationLinkUrl") and k != "ГоловнойКонтрагент@navigationLinkUrl"
                   for k in created)
    assert "ГоловнойКонтрагент@navigationLinkUrl" not in created


def test_inlinecount_is_a_string_and_ignores_paging(sandbox, http):
    data = get(http, sandbox, CP, "$format=json&$inlinecount=allpages&$top=3&$skip=2&$select=Ref_Key").json()
    assert data["odata.count"] == "25" and len(data["value"]) == 3
    count = get(http, sandbox, f"{CP}/$count", "")
    assert count.content == "\ufeff25".encode()


def test_nometadata(sandbox, http):
    data = get(http, sandbox, f"{CP}(guid'{TECHPROM_REF}')", "$format=application/json;odata=nometadata").json()
    assert "odata.metadata" not in data and not any("@" in k for k in data)


# --- $select / $orderby / $top / $skip / $expand -------------------------------------------------


def test_select_variants(sandbox, http):
    base = f"{CP}(guid'{TECHPROM_REF}')"
    two = get(http, sandbox, base, "$format=json&$select=" + q("Description, ИНН")).json()
    assert set(two) == {"odata.metadata", "Description", "ИНН"}
    everything = get(http, sandbox, base, "$format=json&$select=*").json()
    assert "КонтактнаяИнформация" in everything and "Партнер@navigationLinkUrl" in everything
    light = get(http, sandbox, base, "$format=json&$select=**").json()
    assert "КонтактнаяИнформация" not in light and "ИНН" in light
    rows = get(http, sandbox, base, "$format=json&$select=" + q("КонтактнаяИнформация/АдресЭП")).json()
    assert all(set(r) == {"АдресЭП"} for r in rows["КонтактнаяИнформация"])
    owner = get(http, sandbox, ACC, "$format=json&$top=1&$select=Owner").json()["value"][0]
    assert set(owner) == {"Owner", "Owner_Type"}
    presentation = get(http, sandbox, base, "$format=json&$select=" + q("Партнер____Presentation")).json()
    assert presentation["Партнер____Presentation"] == "ТехПром"
    assert odata_error(get(http, sandbox, CP, "$format=json&$select=" + q("Ref_Key,Нет"))) == (400, "6")


def test_orderby_ref_key_is_presentation_order(sandbox, http):
    rows = get(http, sandbox, CP, "$format=json&$orderby=Ref_Key&$select=Ref_Key,Description").json()["value"]
    names = [r["Description"] for r in rows]
    assert names == sorted(names, key=str.casefold)
    assert [r["Ref_Key"] for r in rows] != sorted(r["Ref_Key"] for r in rows)
    desc = get(http, sandbox, CP, "$format=json&$orderby=" + q("Description desc") + "&$select=Description")
    assert [r["Description"] for r in desc.json()["value"]] == names[::-1]
    assert odata_error(get(http, sandbox, CP, "$format=json&$orderby=Нет")) == (400, "6")


def test_skip_top_with_unique_order_pages_exactly(sandbox, http):
    full = get(http, sandbox, CP, "$format=json&$orderby=Description&$select=Ref_Key").json()["value"]
    pages = []
    for skip in range(0, 25, 7):
        page = get(http, sandbox, CP, f"$format=json&$orderby=Description&$select=Ref_Key&$top=7&$skip={skip}")
        pages += page.json()["value"]
    assert pages == full


def test_skip_without_unique_order_duplicates_and_loses_rows(sandbox, http):
    for n in range(40):
        sandbox.put("Catalog_Контрагенты", {"Description": "Дубль", "ИНН": f"{n:010d}"})
    seen: list[str] = []
    for skip in range(0, 40, 10):
        page = get(http, sandbox, CP, "$format=json&$select=Ref_Key&$orderby=Description&$top=10&$skip="
                   f"{skip}&$filter=" + q("Description eq 'Дубль'"))
        seen += [r["Ref_Key"] for r in page.json()["value"]]
    assert len(seen) == 40 and len(set(seen)) < 40  # ties re-ordered per page: overlaps and losses


def test_expand_follows_select(sandbox, http):
    base = f"{CP}(guid'{TECHPROM_REF}')"
    expanded = get(http, sandbox, base, "$format=json&$expand=" + q("Партнер") + "&$select=" + q("Description,Партнер"))
    assert expanded.json()["Партнер"]["Description"] == "ТехПром"
    not_selected = get(http, sandbox, base, "$format=json&$expand=" + q("Партнер") + "&$select=Description").json()
    assert "Партнер" not in not_selected


# --- $filter over HTTP ---------------------------------------------------------------------------


def test_filter_plus_is_not_a_space(sandbox, http):
    raw = get(http, sandbox, CP, "$format=json&$filter=" + q("ИНН") + "+eq+'7728145639'")
    assert odata_error(raw) == (400, "14")
    ok = get(http, sandbox, CP, "$format=json&$filter=" + q("ИНН eq '7728145639'"))
    assert [r["Ref_Key"] for r in ok.json()["value"]] == [TECHPROM_REF]


def test_filter_quirks(sandbox, http):
    gt = get(http, sandbox, CP, "$format=json&$filter=" + q(f"Ref_Key gt guid'{TECHPROM_REF}'"))
    assert gt.status_code == 500
    assert gt.json()["odata.error"]["message"]["value"].startswith("Неверные параметры в операции сравнения")
    plain = get(http, sandbox, ACC, "$format=json&$filter=" + q(f"Owner eq guid'{TECHPROM_REF}'"))
    assert plain.status_code == 200 and plain.json()["value"] == []
    typed = f"Owner eq cast(guid'{TECHPROM_REF}','Catalog_Контрагенты')"
    cast = get(http, sandbox, ACC, "$format=json&$filter=" + q(typed))
    assert len(cast.json()["value"]) == 2
    assert odata_error(get(http, sandbox, CP, "$format=json&$filter=" + q("Нет eq 'x'"))) == (400, "14")
    quoted = get(http, sandbox, CP, "$format=json&$filter=" + q("Description eq 'ООО ''кавычки'''"))
    assert quoted.status_code == 200 and quoted.json()["value"] == []
    deleted = get(http, sandbox, CP, "$format=json&$filter=DeletionMark%20eq%20true&$select=Description")
    assert [r["Description"] for r in deleted.json()["value"]] == ["ООО «СтройРесурс» (не использовать)"]


def test_long_query_string_hits_the_iis_limit(sandbox, http):
    clauses = " or ".join(f"Ref_Key eq guid'{TECHPROM_REF}'" for _ in range(40))
    response = get(http, sandbox, CP, "$format=json&$filter=" + q(clauses))
    assert response.status_code == 404 and "text/html" in response.headers["Content-Type"]
    assert b"404.15" in response.content


# --- single entity, writes -----------------------------------------------------------------------


def test_single_entity_errors(sandbox, http):
    missing = get(http, sandbox, f"{CP}(guid'{ZERO[:-1]}1')")
    assert odata_error(missing) == (404, "9")
    assert "не найден по переданному ключу" in missing.json()["odata.error"]["message"]["value"]
    assert odata_error(get(http, sandbox, f"{CP}(guid'nope')")) == (400, "1")
    assert get(http, sandbox, f"{CP}(Ref_Key=guid'{TECHPROM_REF}')").status_code == 200
    row = get(http, sandbox, quote("Catalog_Контрагенты_КонтактнаяИнформация")
              + f"(Ref_Key=guid'{TECHPROM_REF}',LineNumber=2)").json()
    assert row["Тип"] == "АдресЭлектроннойПочты" and row["LineNumber"] == "2"


def test_post_creates_leniently(sandbox, http):
    response = http.post(f"{sandbox.url}{PARTNERS}?$format=json", json={
        "Description": "Я" * 150, "Мусор": 1, "Клиент": True,
        "ОсновнойМенеджер_Key": "12345678-1234-1234-1234-123456789abc",
    })
    assert response.status_code == 201
    entity = response.json()
    assert response.headers["Location"].endswith(f"(guid'{entity['Ref_Key']}')")
    assert entity["odata.metadata"].endswith("#Catalog_Партнеры/@Element")
    assert entity["DataVersion"] == "AAAAAAAAAAA="
    assert len(entity["Description"]) == 100  # silently truncated
    assert "Мусор" not in entity  # silently ignored
    assert entity["ОсновнойМенеджер_Key"] == "12345678-1234-1234-1234-123456789abc"  # dangling ref stored
    assert entity["Code"].startswith("00-") and len(entity["Code"]) == 11
    kinds = quote("Catalog_ВидыКонтактнойИнформации")
    int64 = http.post(f"{sandbox.url}{kinds}?$format=json",
                      json={"Description": "x", "РеквизитДопУпорядочивания": "много"}).json()
    assert int64["РеквизитДопУпорядочивания"] == "0"  # a non-number string in Int64: ignored
    bad_guid = http.post(f"{sandbox.url}{CP}?$format=json", json={"Партнер_Key": "не-гуид"})
    assert odata_error(bad_guid) == (400, "1")
    broken = http.post(f"{sandbox.url}{CP}?$format=json", data=b'{"Description": ',
                       headers={"Content-Type": "application/json"})
    assert odata_error(broken) == (500, "-1")
    tabular = http.post(f"{sandbox.url}{quote('Catalog_Контрагенты_КонтактнаяИнформация')}?$format=json",
                        json={"Ref_Key": TECHPROM_REF, "LineNumber": "4"})
    assert odata_error(tabular) == (400, "13")


def test_patch_returns_whole_object_and_bumps_version(sandbox, http):
    url = f"{sandbox.url}{CP}(guid'{UZMK_REF}')?$format=json"
    before = http.get(url).json()
    same = http.patch(url, json={})
    assert same.status_code == 200
    after = same.json()
    assert after["DataVersion"] != before["DataVersion"]  # even without a change
    assert after["КонтактнаяИнформация"] == before["КонтактнаяИнформация"] and after["ИНН"] == "6671039180"
    stale = http.patch(url, json={"КПП": "667101002", "Ref_Key": TECHPROM_REF},
                       headers={"If-Match": before["DataVersion"]})
    assert stale.status_code == 200 and stale.json()["КПП"] == "667101002"  # If-Match ignored
    assert stale.json()["Ref_Key"] == UZMK_REF  # Ref_Key in the body ignored
    assert "ETag" not in stale.headers


def test_patch_replaces_tabular_parts(sandbox, http):
    url = f"{sandbox.url}{CP}(guid'{TECHPROM_REF}')?$format=json"
    assert len(http.get(url).json()["КонтактнаяИнформация"]) == 3
    new = [{"LineNumber": "1", "Тип": "Телефон", "Представление": "+7 (495) 000-00-01"}]
    replaced = http.patch(url, json={"КонтактнаяИнформация": new}).json()
    assert [r["Представление"] for r in replaced["КонтактнаяИнформация"]] == ["+7 (495) 000-00-01"]
    assert replaced["КонтактнаяИнформация"][0]["Ref_Key"] == TECHPROM_REF
    no_number = http.patch(url, json={"КонтактнаяИнформация": [{"Тип": "Телефон"}]})
    assert odata_error(no_number) == (500, "-1")
    from_two = http.patch(url, json={"КонтактнаяИнформация": [{"LineNumber": 2, "Тип": "Телефон"}]})
    assert from_two.status_code == 400
    assert len(http.get(url).json()["КонтактнаяИнформация"]) == 1  # failed writes changed nothing


def test_delete_is_physical(sandbox, http):
    created = http.post(f"{sandbox.url}{CP}?$format=json", json={"Description": "На удаление"}).json()
    url = f"{sandbox.url}{CP}(guid'{created['Ref_Key']}')?$format=json"
    assert http.delete(url).status_code == 204
    assert odata_error(http.get(url)) == (404, "9")
    assert odata_error(http.delete(url)) == (404, "9")


def test_rights_and_allowed_only():
    with OneCSandbox(forbidden={"Catalog_Контрагенты"}) as sb:
        session = requests.Session()
        session.headers["Authorization"] = basic("Интеграция", "демо-пароль")
        assert odata_error(get(session, sb, CP)) == (401, "20")
        allowed = get(session, sb, CP, "$format=json&allowedOnly=true")
        assert allowed.status_code == 200 and allowed.json()["value"] == []
        assert get(session, sb, PARTNERS).status_code == 200


# --- instrumentation -----------------------------------------------------------------------------


def test_faults_and_request_log(sandbox, http):
    sandbox.inject_fault("html_500_once")
    page = get(http, sandbox, CP, "$format=json&$top=1")
    assert page.status_code == 500 and page.headers["Content-Type"].startswith("text/html")
    assert b"Internal server error" in page.content
    assert get(http, sandbox, CP, "$format=json&$top=1").status_code == 200
    sandbox.inject_fault("drop_connection_once")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sandbox.url}{CP}?$format=json", headers={"Authorization": basic("Интеграция", "демо-пароль")})
    log = sandbox.request_log()
    assert log[-1] == ("GET", f"/ut11/odata/standard.odata/{CP}?$format=json")
    assert len([entry for entry in log if entry[0] == "GET"]) == 3
    with pytest.raises(ValueError):
        sandbox.inject_fault("meteor")


def test_helpers_put_modify_rows(sandbox):
    row = sandbox.put("Catalog_Валюты", {"Code": "398", "Description": "KZT", "НаименованиеПолное": "Тенге"})
    assert row["DataVersion"] == "AAAAAAAAAAA=" and row["Code"] == "398"
    edited = sandbox.modify("Catalog_Валюты", row["Ref_Key"], НаименованиеПолное="Казахстанский тенге")
    assert edited["DataVersion"] == "AAAAAAAAAAE=" and edited["Description"] == "KZT"
    replaced = sandbox.put("Catalog_Валюты", {"Ref_Key": row["Ref_Key"], "Code": "398", "Description": "₸"})
    assert replaced["НаименованиеПолное"] == "" and replaced["DataVersion"] == "AAAAAAAAAAI="
    assert row["Ref_Key"] in {r["Ref_Key"] for r in sandbox.rows("Catalog_Валюты")}
    assert sandbox.delete("Catalog_Валюты", row["Ref_Key"])
    with pytest.raises(KeyError):
        sandbox.modify("Catalog_Валюты", row["Ref_Key"], Description="x")


def test_unseeded_sandbox_and_port_binding():
    with OneCSandbox(seed=False, users={"Пётр": "п:а:р:о:л:ь"}) as sb:
        assert sb.rows("Catalog_Контрагенты") == []
        response = requests.get(f"{sb.url}{CP}?$format=json", headers={"Authorization": basic("Пётр", "п:а:р:о:л:ь")})
        assert response.json()["value"] == []
        host, port = sb.url.split("//")[1].split("/")[0].split(":")
        assert host == "127.0.0.1"
        with socket.create_connection((host, int(port)), timeout=2):
            pass
    with pytest.raises(ValueError):
        OneCSandbox(host="0.0.0.0")
