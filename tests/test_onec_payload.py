"""Value parsing of 1C OData JSON against the reference payloads, literals and write bodies."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from core.onec import payload
from core.onec.errors import parse_odata_error, summarize_html
from core.onec.query import encode_query, entity_path, or_of_keys, url

FIXTURES = Path(__file__).parent / "fixtures" / "onec"


def load(name: str) -> dict:
    return payload.loads((FIXTURES / name).read_bytes())


def test_single_entity_2017():
    entity = load("catalog_kontragenty_by_key_2017.json")
    assert entity["odata.metadata"].endswith("$metadata#Catalog_Контрагенты/@Element")
    assert payload.ref_or_none(entity["Ref_Key"]) == "1fa1a135-d89b-11e6-8343-40167e2531c3"
    assert payload.parse_datetime(entity["Дата"]) is None  # 0001-01-01T00:00:00 = empty date
    assert payload.parse_int64(entity["Комментарии"][0]["LineNumber"]) == 1
    assert entity["Договоры"] == []
    clean = payload.strip_annotations(entity)
    assert "odata.metadata" not in clean and "Город@navigationLinkUrl" not in clean
    assert clean["Город_Key"] == entity["Город_Key"]


def test_collection_bp30_values():
    data = load("catalog_kontragenty_list_bp30.json")
    (row,) = data["value"]
    assert row["ИНН"] == "5024089920" and row["КПП"] == "501701001"
    assert payload.ref_or_none(row["УдалитьОсновнойДоговорКонтрагента_Key"]) is None
    assert payload.ref_or_none(row["ГоловнойКонтрагент_Key"]) == row["Ref_Key"]
    assert payload.parse_datetime(row["ДатаРегистрации"]) is None
    assert row["КонтактнаяИнформация"] == []


def test_composite_owner_and_undefined():
    account = load("catalog_bankovskie_scheta_bp30.json")
    assert payload.composite(account, "Owner") == ("Catalog_Контрагенты", "a78ac434-d62b-11e5-0a9b-000c295e30eb")
    doc = load("document_postuplenie_tovarov_uslug_bp30.json")
    row = doc["Услуги"][0]
    assert payload.composite(row, "Субконто1") == ("Catalog_СтатьиЗатрат", "fefc5ab4-8857-11e5-a85a-3085a93ddca2")
    assert payload.composite(row, "Субконто2") == (None, None)  # StandardODATA.Undefined
    empty_ref = {"X": "00000000-0000-0000-0000-000000000000", "X_Type": "StandardODATA.Document_Счет"}
    assert payload.composite(empty_ref, "X") == ("Document_Счет", None)
    assert payload.composite({}, "X") == (None, None)


def test_document_numbers_are_decimal_and_int64_strings():
    doc = load("document_postuplenie_tovarov_uslug_bp30.json")
    assert payload.parse_int64(doc["КратностьВзаиморасчетов"]) == 1
    assert payload.parse_datetime(doc["Date"]) == datetime(2015, 12, 31, 23, 59, 59)
    assert payload.parse_decimal(doc["СуммаДокумента"]) == Decimal(20000)
    parsed = payload.loads(b'{"x": 1500.55, "y": 0.1}')
    assert parsed["x"] == Decimal("1500.55") and isinstance(parsed["y"], Decimal)


def test_bank_fixture():
    bank = load("catalog_banki_bp30.json")
    assert bank["Code"] == "044525976" and bank["КоррСчет"].endswith("976")


@pytest.mark.parametrize("value", [None, "", "00000000-0000-0000-0000-000000000000"])
def test_ref_or_none_empty(value):
    assert payload.ref_or_none(value) is None


def test_ref_or_none_normalises_and_rejects():
    assert payload.ref_or_none("A348AA8C-D629-11E5-0A9B-000C295E30EB") == "a348aa8c-d629-11e5-0a9b-000c295e30eb"
    with pytest.raises(ValueError):
        payload.ref_or_none("not-a-guid")


def test_parse_int64():
    assert payload.parse_int64("42") == 42
    assert payload.parse_int64(" -7 ") == -7
    assert payload.parse_int64(3) == 3
    assert payload.parse_int64("") is None and payload.parse_int64(None) is None
    with pytest.raises(ValueError):
        payload.parse_int64("1.5")
    with pytest.raises(ValueError):
        payload.parse_int64(True)


def test_parse_datetime():
    assert payload.parse_datetime("0001-01-01T00:00:00") is None
    assert payload.parse_datetime("2024-03-12T10:15:00") == datetime(2024, 3, 12, 10, 15)
    assert payload.parse_datetime("2024-03-12T10:15:00").tzinfo is None
    with pytest.raises(ValueError):
        payload.parse_datetime("2024-03-12T10:15:00+03:00")


def test_literals():
    assert payload.guid_literal("A348AA8C-D629-11E5-0A9B-000C295E30EB") == "guid'a348aa8c-d629-11e5-0a9b-000c295e30eb'"
    with pytest.raises(ValueError):
        payload.guid_literal("a348aa8c') or (1 eq 1")
    assert payload.string_literal("ООО «Д'Арт»") == "'ООО «Д''Арт»'"
    assert payload.datetime_literal(datetime(2024, 3, 12, 10, 15, 7, 999)) == "datetime'2024-03-12T10:15:07'"
    assert payload.datetime_literal(date(2024, 3, 1)) == "datetime'2024-03-01T00:00:00'"
    with pytest.raises(ValueError):
        payload.datetime_literal(datetime(2024, 3, 1, tzinfo=timezone(timedelta(hours=3))))


def test_url_building_keeps_plus_and_spaces_right():
    query = encode_query({"$filter": "Description eq 'A+B & C'", "$select": "Ref_Key,ИНН"})
    assert "%20eq%20" in query and "+" not in query
    assert "A%2BB%20%26%20C" in query
    assert "$select=Ref_Key,%D0%98%D0%9D%D0%9D" in query
    path = entity_path("Catalog_Контрагенты", "A348AA8C-D629-11E5-0A9B-000C295E30EB")
    assert path == "Catalog_%D0%9A%D0%BE%D0%BD%D1%82%D1%80%D0%B0%D0%B3%D0%B5%D0%BD%D1%82%D1%8B" \
                   "(guid'a348aa8c-d629-11e5-0a9b-000c295e30eb')"
    full = url("http://h/b/odata/standard.odata/", path)
    assert full.endswith("?$format=json")
    assert or_of_keys(["a348aa8c-d629-11e5-0a9b-000c295e30eb"] * 2).count(" or ") == 1


def test_dumps_keeps_exact_decimals():
    body = payload.dumps({"Сумма": Decimal("12345678901234567.89"), "Цена": Decimal("1E+3"), "Текст": "«ок»"})
    assert b'"\xd0\xa1\xd1\x83\xd0\xbc\xd0\xbc\xd0\xb0": 12345678901234567.89' in body
    decoded = json.loads(body, parse_float=Decimal)
    assert decoded["Сумма"] == Decimal("12345678901234567.89") and decoded["Цена"] == 1000
    assert decoded["Текст"] == "«ок»"


def test_error_bodies():
    internal = parse_odata_error((FIXTURES / "odata_error_internal_json.json").read_bytes())
    assert internal is not None and internal.code == "-1"
    tabular = parse_odata_error((FIXTURES / "odata_error_tabular_rows_json.json").read_bytes())
    assert tabular is not None and tabular.code == "13"
    xml = parse_odata_error((FIXTURES / "odata_error_not_found_docs.xml").read_bytes())
    assert xml is not None and xml.code == "9" and "не найден" in xml.message
    assert parse_odata_error(b"<html><body>oops</body></html>") is None
    assert parse_odata_error(b"not json") is None


def test_html_summary_is_short():
    page = (b"<html><head><title>1C:Enterprise 8 application error</title><style>p{}</style></head><body>"
            b"<h1>1C:Enterprise 8 application error</h1><p>" + b"x " * 2000 + b" by reason: \xd0\xa1\xd0\xb5\xd1\x80"
            b"\xd0\xb2\xd0\xb5\xd1\x80 \xd0\xbd\xd0\xb5 \xd0\xbe\xd0\xb1\xd0\xbd\xd0\xb0\xd1\x80\xd1\x83\xd0\xb6"
            b"\xd0\xb5\xd0\xbd</p></body></html>")
    summary = summarize_html(page)
    assert summary.startswith("1C:Enterprise 8 application error")
    assert "Сервер не обнаружен" in summary
    assert len(summary) <= 300 and "<" not in summary
