"""The base's own $metadata decides: objects, attributes, the configuration, and the cache in the data folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from core.errors import ConfigError, NotPublished
from core.mapping.schema import select_of
from core.mapping.table import load_all, load_mapping
from core.onec.client import OneCClient
from core.onec.publication import (
    PUBLISH_PATH,
    Publication,
    PublicationCache,
    detect_configuration,
    detection_names,
    not_available,
    object_needs,
    profile_entities,
)
from core.profile import KNOWN_ONEC_PROFILES
from core.sandbox.onec import OneCSandbox
from core.sandbox.onec.entity_model import Model, metadata_xml

FRAGMENT = Path(__file__).parent / "fixtures" / "onec" / "metadata_fragment_ut11.xml"
TABLES = load_all(KNOWN_ONEC_PROFILES)


def publication_of(model: Model) -> Publication:
    return Publication.from_metadata(io.BytesIO(metadata_xml(model).encode("utf-8")), detection_names(TABLES))


@pytest.mark.parametrize("configuration", ["ut11", "bp30", "unf"])
def test_each_sandbox_configuration_is_detected_and_fully_published(configuration):
    publication = publication_of(Model.for_configuration(configuration))
    detection = detect_configuration(publication, TABLES)
    assert detection.profile == configuration, detection.scores
    table = TABLES[configuration]
    for entity in profile_entities(table):
        plan = publication.plan(table, entity)
        assert plan.issues == [], [i.text() for i in plan.issues]


def test_real_ut11_fragment_is_detected_as_ut11():
    with FRAGMENT.open("rb") as stream:
        publication = Publication.from_metadata(stream, detection_names(TABLES))
    assert detect_configuration(publication, TABLES).profile == "ut11"
    # the real base publishes an extension attribute; the profile never asks for it, so it is never selected
    assert publication.has_attribute("Catalog_Контрагенты", "пр_НаименованиеДляПечати")
    select, warnings = publication.select_for("Catalog_Контрагенты", select_of(TABLES["ut11"]["counterparty"]["onec"]),
                                              entity="counterparty")
    assert "пр_НаименованиеДляПечати" not in select and warnings == []


def test_half_published_base_is_not_guessed():
    model = Model.for_configuration("bp30", {"Catalog_Контрагенты"})
    detection = detect_configuration(publication_of(model), TABLES)
    # only the counterparty attributes speak: БП 3.0 still wins on them, never a tie broken at random
    assert detection.profile == "bp30"
    empty = Publication({"Catalog_Валюты"}, {})
    assert detect_configuration(empty, TABLES).profile is None


def test_missing_optional_attribute_is_a_named_warning():
    model = Model.for_configuration("bp30")
    model.drop_attribute("Catalog_Контрагенты", "КПП")
    publication = publication_of(model)
    table = TABLES["bp30"]
    plan = publication.plan(table, "counterparty")
    assert not plan.blocked
    [warning] = plan.warnings
    assert (warning.entity_set, warning.attribute) == ("Catalog_Контрагенты", "КПП")
    assert "Catalog_Контрагенты" in warning.text() and "КПП" in warning.text()
    assert "КПП" not in plan.select("Catalog_Контрагенты", [])
    assert "ИНН" in plan.select("Catalog_Контрагенты", [])


def test_missing_required_attribute_stops_the_entity_naming_both():
    model = Model.for_configuration("ut11")
    model.drop_attribute("Catalog_Контрагенты", "ИНН")
    publication = publication_of(model)
    plan = publication.plan(TABLES["ut11"], "counterparty")
    assert plan.blocked
    text = plan.issues[0].text()
    assert "Catalog_Контрагенты" in text and "ИНН" in text
    with pytest.raises(ConfigError) as err:
        publication.select_for("Catalog_Контрагенты", ["Ref_Key", "ИНН", "КПП"], ["ИНН"], entity="counterparty")
    assert "ИНН" in err.value.message and "Catalog_Контрагенты" in err.value.message
    assert PUBLISH_PATH in err.value.hint


def test_unpublished_object_names_it_and_the_menu_path():
    model = Model.for_configuration("ut11", {"Catalog_Контрагенты", "Catalog_Партнеры"})
    publication = publication_of(model)
    plan = publication.plan(TABLES["ut11"], "counterparty")
    missing = {i.entity_set for i in plan.issues if i.code == "publication_object_missing"}
    assert missing == {"Catalog_БанковскиеСчетаКонтрагентов", "Catalog_КлассификаторБанков"}
    assert "Настройка стандартного интерфейса OData" in plan.issues[0].text()
    with pytest.raises(NotPublished):
        publication.select_for("Catalog_КлассификаторБанков", ["Ref_Key"])
    # the contact persons of УТ 11 need their own catalog: the other entity is judged on its own
    assert publication.plan(TABLES["ut11"], "contact").blocked


def test_tabular_column_paths():
    publication = publication_of(Model.for_configuration("unf"))
    assert publication.has_attribute("Catalog_КонтактныеЛица", "СвязиКонтрагентов/Контрагент_Key")
    assert not publication.has_attribute("Catalog_КонтактныеЛица", "СвязиКонтрагентов/Нет")


def test_every_profile_maps_or_states_each_entity():
    product_entities = {"counterparty", "contact", "product", "price", "stock", "order"}
    for name, table in TABLES.items():
        mapped = set(profile_entities(table))
        assert {"counterparty", "contact"} <= mapped, name
        stated = set(not_available(table))
        if name != "ut11":  # УТ 11's catalog and orders are mapped by their own sections as they land
            assert product_entities <= mapped | stated, (name, product_entities - mapped - stated)
        for need in object_needs(table, "counterparty"):
            assert set(need.required) <= set(need.select), (name, need.section)


def test_cache_reads_once_and_again_when_the_composition_changes(tmp_path):
    with OneCSandbox(base_path="/bp30") as sandbox, OneCClient(sandbox.url, "Интеграция", "демо-пароль") as client:
        cache = PublicationCache(tmp_path, sandbox.url)
        first = cache.load(client, detection_names(TABLES))
        assert first.read_at and cache.xml_path.stat().st_size > 10_000
        assert cache.info()["size"] == cache.xml_path.stat().st_size
        sandbox.clear_request_log()
        again = cache.load(client, detection_names(TABLES))
        paths = [target for _, target in sandbox.request_log()]
        assert not any("%24metadata" in p or "$metadata" in p for p in paths)  # served from the cache
        assert again.set_names == first.set_names
        sandbox.set_published(set(sandbox.model.published) - {"Catalog_Банки"})
        changed = cache.load(client, detection_names(TABLES))
        assert not changed.has("Catalog_Банки")
        assert any("metadata" in target for _, target in sandbox.request_log())
        # a release that lost an attribute is only seen on a fresh read (setup, check, a rejected $select)
        sandbox.drop_attribute("Catalog_Контрагенты", "КПП")
        assert cache.load(client, None).has_attribute("Catalog_Контрагенты", "КПП")
        assert not cache.load(client, None, refresh=True).has_attribute("Catalog_Контрагенты", "КПП")


def test_profiles_load():
    for name in KNOWN_ONEC_PROFILES:
        assert load_mapping(name)["profile"] == name
