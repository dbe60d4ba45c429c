"""Streaming `$metadata` reader against the excerpt of a real УТ 11 EDMX."""

from __future__ import annotations

import io
from pathlib import Path

from core.onec.metadata import parse_metadata
from core.sandbox.onec.entity_model import Model, metadata_xml

FRAGMENT = Path(__file__).parent / "fixtures" / "onec" / "metadata_fragment_ut11.xml"


def test_real_fragment():
    with FRAGMENT.open("rb") as stream:
        sets = parse_metadata(stream)
    # sets whose EntityType is not in the excerpt are skipped instead of invented
    assert "Catalog_Валюты" not in sets and "Document_РеализацияТоваровУслуг" not in sets
    cp = sets["Catalog_Контрагенты"]
    assert cp.keys == ["Ref_Key"]
    assert cp.properties["Ref_Key"].type == "Edm.Guid" and not cp.properties["Ref_Key"].nullable
    assert {"ИНН", "КПП", "ЮрФизЛицо", "Партнер_Key", "пр_НаименованиеДляПечати"} <= set(cp.properties)
    assert cp.navigation == ["ГоловнойКонтрагент"]
    assert set(cp.tabular) == {"КонтактнаяИнформация", "ДополнительныеРеквизиты", "ИсторияКПП", "ИсторияНаименований"}
    assert cp.tabular["КонтактнаяИнформация"]["LineNumber"].type == "Edm.Int64"
    assert cp.tabular["ИсторияКПП"] == {}  # its RowType is not in the excerpt
    assert cp.has("КонтактнаяИнформация") and cp.has("ИНН") and not cp.has("Code")
    rates = sets["InformationRegister_КурсыВалют"]
    assert rates.keys == ["Period", "Валюта_Key"] and rates.properties["Кратность"].type == "Edm.Int64"
    assert sets["Constant_Xx_АвтоматическиСоздаватьАктыРасхождений"].keys == ["SurrogateKey"]
    assert sets["Catalog_Контрагенты_КонтактнаяИнформация"].keys == ["Ref_Key", "LineNumber"]


def test_name_filter_keeps_row_types():
    with FRAGMENT.open("rb") as stream:
        sets = parse_metadata(stream, {"Catalog_Контрагенты"})
    assert set(sets) == {"Catalog_Контрагенты"}
    assert "АдресЭП" in sets["Catalog_Контрагенты"].tabular["КонтактнаяИнформация"]


def test_sandbox_metadata_round_trip():
    model = Model.ut11()
    sets = parse_metadata(io.BytesIO(metadata_xml(model).encode("utf-8")))
    assert set(sets) == set(model.published_names())
    for name, defn in model.objects.items():
        assert list(sets[name].properties) == [p.name for p in defn.props]
        assert set(sets[name].tabular) == {t.name for t in defn.tabular}
    accounts = sets["Catalog_БанковскиеСчетаКонтрагентов"]
    assert {"Owner", "Owner_Type", "Банк_Key"} <= set(accounts.properties)
    assert {"Банк", "ВалютаДенежныхСредств"} <= set(accounts.navigation)
