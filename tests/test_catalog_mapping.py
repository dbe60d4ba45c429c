"""Catalogue mapping and portal query helpers without servers."""

from __future__ import annotations

from decimal import Decimal

from core.bitrix24.catalog import CatalogInfo, is_onec_identity, okei_key, unwrap
from core.mapping.catalog import FieldsPayload, changed_fields, payload_from_json, payload_to_json, product_from_onec
from core.mapping.schema import select_of
from core.mapping.table import load_mapping

ZERO = "00000000-0000-0000-0000-000000000000"
UNIT, VAT, NOVAT = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", \
    "33333333-3333-3333-3333-333333333333"


def row(**changes):
    base = {"Ref_Key": "44444444-4444-4444-4444-444444444444", "Description": " Болт ", "Артикул": "Б-1",
            "Parent_Key": ZERO, "IsFolder": False, "ТипНоменклатуры": "Товар", "ЕдиницаИзмерения_Key": UNIT,
            "СтавкаНДС_Key": VAT, "DeletionMark": False, "НаименованиеПолное": "Болт"}
    return {**base, **changes}


UNITS = {UNIT: {"Ref_Key": UNIT, "Code": "006", "Description": "м"}}
VATS = {VAT: {"Ref_Key": VAT, "Ставка": 22, "НеОблагается": False, "Description": "22%"},
        NOVAT: {"Ref_Key": NOVAT, "Ставка": 0, "НеОблагается": True, "Description": "Без НДС"}}


def test_product_from_onec_reads_unit_vat_kind_and_group():
    spec = load_mapping("ut11")["product"]
    product = product_from_onec(row(), UNITS, VATS, spec)
    assert (product.name, product.article, product.unit, product.vat_rate, product.service) == \
        ("Болт", "Б-1", "006", Decimal(22), False)
    assert product.group is None
    service = product_from_onec(row(ТипНоменклатуры="Работа", ЕдиницаИзмерения_Key=ZERO, СтавкаНДС_Key=NOVAT),
                                UNITS, VATS, spec)
    assert service.service and service.unit is None and service.vat_rate is None and service.vat_name == "Без НДС"
    no_vat = product_from_onec(row(СтавкаНДС_Key=ZERO), UNITS, VATS, spec)
    assert no_vat.vat_name == ""  # no rate in 1C at all: nothing to map, no note


def test_select_lists_are_derived_from_the_mapping():
    table = load_mapping("ut11")
    select = select_of(table["product"]["onec"])
    assert {"Артикул", "ЕдиницаИзмерения_Key", "СтавкаНДС_Key", "ТипНоменклатуры"} <= set(select)
    assert select_of(table["product"]["onec"], poll=True) == ["Ref_Key", "DataVersion", "DeletionMark"]


def test_payload_digest_ignores_order_and_round_trips():
    a, b = FieldsPayload({"name": "x", "measure": 5}), FieldsPayload({"measure": 5, "name": "x"})
    assert a.digest() == b.digest()
    assert payload_from_json(payload_to_json(a)).digest() == a.digest()  # type: ignore[union-attr]
    assert changed_fields(a, FieldsPayload({"name": "y", "measure": 5}), {"name": "наименование"}) == ["наименование"]


def test_portal_helpers():
    assert is_onec_identity("62661491-199f-11ee-49f5-00155d0a1c2b") and not is_onec_identity("1243")
    assert okei_key("006") == okei_key(6) == "6"
    assert unwrap({"products": [1]}, "products") == [1] and unwrap([], "products") == []
    info = CatalogInfo(iblock_id=14, article_property=None, measures={"6": 1}, vats={None: 1, Decimal(22): 5},
                       price_types=[], stores=[], currencies={"RUB"}, inventory_management=False)
    assert info.vat_id(Decimal("22.00")) == 5 and info.vat_id(None) == 1 and info.measure_id("006") == 1
