"""The sandbox serves each configuration's own names (picked by the base path) and can lose an attribute."""

from __future__ import annotations

import pytest

from core.errors import RemoteError
from core.onec.client import OneCClient
from core.sandbox.onec import OneCSandbox
from core.sandbox.onec.seed import TECHPROM_REF
from core.sandbox.onec.seed_configurations import NO_KIND, ORG_REF
from core.sandbox.onec.server import configuration_for_path

USER, PASSWORD = "Интеграция", "демо-пароль"


def test_configuration_from_base_path():
    assert configuration_for_path("/bp30") == "bp30"
    assert configuration_for_path("/demo/unf") == "unf"
    assert configuration_for_path("/ut11") == "ut11"
    assert configuration_for_path("/trade") == "ut11"
    with pytest.raises(ValueError):
        OneCSandbox(configuration="erp")


def test_bp30_names_and_shapes():
    with OneCSandbox(base_path="/bp30") as sandbox, OneCClient(sandbox.url, USER, PASSWORD) as client:
        sets = client.service_entity_sets()
        assert {"Catalog_БанковскиеСчета", "Catalog_Банки", "Catalog_КонтактныеЛица", "Catalog_Номенклатура",
                "Catalog_ТипыЦенНоменклатуры", "Catalog_Склады", "Document_РеализацияТоваровУслуг",
                "Document_СчетНаОплатуПокупателю"} <= sets
        assert "Catalog_Партнеры" not in sets and "Catalog_БанковскиеСчетаКонтрагентов" not in sets
        techprom = client.get("Catalog_Контрагенты", TECHPROM_REF)
        assert techprom["ЮридическоеФизическоеЛицо"] == "ЮридическоеЛицо" and "ЮрФизЛицо" not in techprom
        no_kind = client.get("Catalog_Контрагенты", NO_KIND.ref)
        assert no_kind["ЮридическоеФизическоеЛицо"] == ""
        owners = {(a["Owner_Type"]) for a in client.list("Catalog_БанковскиеСчета", select=["Owner_Type"])}
        assert owners == {"StandardODATA.Catalog_Контрагенты", "StandardODATA.Catalog_Организации"}
        persons = client.list("Catalog_КонтактныеЛица", select=["ОбъектВладелец", "ОбъектВладелец_Type"])
        assert {"ОбъектВладелец": ORG_REF, "ОбъектВладелец_Type": "StandardODATA.Catalog_Организации"} in persons
        sale = client.list("Document_РеализацияТоваровУслуг")[0]
        assert sale["Товары"][0]["LineNumber"] == "1" and sale["Posted"] is True


def test_unf_names_and_contact_links():
    with OneCSandbox(base_path="/unf") as sandbox, OneCClient(sandbox.url, USER, PASSWORD) as client:
        sets = client.service_entity_sets()
        assert {"Catalog_СтруктурныеЕдиницы", "Document_ЗаказПокупателя", "Document_ЗаказПокупателя_Запасы",
                "Document_РасходнаяНакладная", "Catalog_ВидыЦен", "Catalog_КонтактныеЛица_СвязиКонтрагентов"} <= sets
        assert client.get("Catalog_Контрагенты", TECHPROM_REF)["ЮрФизЛицо"] == "ЮрЛицо"
        links = client.list("Catalog_КонтактныеЛица_СвязиКонтрагентов")
        assert any(link["LineNumber"] == "2" for link in links)  # one person linked to two counterparties


def test_dropped_attribute_disappears_everywhere():
    with OneCSandbox(base_path="/bp30") as sandbox, OneCClient(sandbox.url, USER, PASSWORD) as client:
        sandbox.drop_attribute("Catalog_Контрагенты", "КПП")
        assert "КПП" not in client.metadata({"Catalog_Контрагенты"})["Catalog_Контрагенты"].properties
        assert "КПП" not in client.get("Catalog_Контрагенты", TECHPROM_REF)
        with pytest.raises(RemoteError) as err:
            client.list("Catalog_Контрагенты", select=["Ref_Key", "КПП"])
        assert err.value.status == 400
        sandbox.drop_attribute("Catalog_КонтактныеЛица", "КонтактнаяИнформация")
        assert "Catalog_КонтактныеЛица_КонтактнаяИнформация" not in client.service_entity_sets()
        with pytest.raises(ValueError):
            sandbox.drop_attribute("Catalog_Контрагенты", "НетТакого")
