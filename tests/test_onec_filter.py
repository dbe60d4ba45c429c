"""Units of the sandbox `$filter` / `$orderby` parser and evaluator (1C semantics)."""

from __future__ import annotations

from typing import Any

import pytest

from core.sandbox.onec.codec import ODataFault, apply_body, empty_row
from core.sandbox.onec.entity_model import Model
from core.sandbox.onec.odata_filter import (
    Binary,
    Call,
    Lambda,
    Literal,
    Member,
    compile_filter,
    compile_sort_key,
    key_lookup,
    parse,
)

MODEL = Model.ut11()
CP = MODEL.objects["Catalog_Контрагенты"]
ACC = MODEL.objects["Catalog_БанковскиеСчетаКонтрагентов"]
PARTNERS = MODEL.objects["Catalog_Партнеры"]

G1 = "11111111-1111-1111-1111-111111111111"
G2 = "22222222-2222-2222-2222-222222222222"
P1 = "33333333-3333-3333-3333-333333333333"


def make(defn, **values: Any) -> dict[str, Any]:
    row = empty_row(defn)
    row["Ref_Key"] = values.pop("Ref_Key")
    apply_body(defn, row, values, trusted=True)
    return row


STORE = {
    "Catalog_Партнеры": {P1: make(PARTNERS, Ref_Key=P1, Description="ТехПром")},
    "Catalog_Контрагенты": {
        G1: make(CP, Ref_Key=G1, Description="ООО «ТехПром»", ИНН="7728145639", ЮрФизЛицо="ЮрЛицо", Партнер_Key=P1,
                 КонтактнаяИнформация=[
                     {"LineNumber": "1", "Тип": "Телефон", "Представление": "+7 (495) 748-12-30"},
                     {"LineNumber": "2", "Тип": "АдресЭлектроннойПочты", "АдресЭП": "info@techprom.ru"},
                 ]),
        G2: make(CP, Ref_Key=G2, Description="ИП О'Брайен", ИНН="772014893577",
                 ЮрФизЛицо="ИндивидуальныйПредприниматель"),
    },
}


def resolve(name: str, ref: str) -> dict[str, Any] | None:
    return STORE.get(name, {}).get(ref)


def matches(text: str, defn=CP, rows=None) -> list[str]:
    predicate = compile_filter(text, MODEL, defn, resolve)
    rows = rows if rows is not None else list(STORE[defn.name].values())
    return [r["Ref_Key"] for r in rows if predicate(r)]


def fault(text: str, defn=CP) -> ODataFault:
    with pytest.raises(ODataFault) as info:
        matches(text, defn, rows=[])
    return info.value


def test_parse_tree_precedence():
    tree = parse("A eq 1 or B eq 2 and not C")
    assert isinstance(tree, Binary) and tree.op == "or"
    assert isinstance(tree.right, Binary) and tree.right.op == "and"
    expected = Call("substringof", [Literal("string", "x"), Member(["Description"])])
    assert parse("substringof('x', Description)") == expected
    lam = parse("КонтактнаяИнформация/any(d: d/АдресЭП eq 'a')")
    assert isinstance(lam, Lambda) and lam.kind == "any" and lam.var == "d"


def test_string_literal_quote_doubling_and_case_insensitive_compare():
    assert matches("Description eq 'ИП О''Брайен'") == [G2]
    assert matches("Description eq 'ооо «техпром»'") == [G1]  # 1C compares strings case-insensitively
    assert matches("Description eq 'ООО «ТехПром»   '") == [G1]  # …and ignores trailing spaces


def test_logic_and_parentheses():
    assert matches("(ИНН eq '7728145639' or ИНН eq '772014893577') and not (ЮрФизЛицо eq 'ЮрЛицо')") == [G2]
    assert matches("ИНН ne '7728145639'") == [G2]
    assert matches("ИНН lt '7728145639'") == [G2]  # string order: '7720…' < '7728…'


def test_functions():
    assert matches("substringof('техпром', Description)") == [G1]
    assert matches("startswith(ИНН, '7728')") == [G1]
    assert matches("endswith(Description, 'Брайен')") == [G2]
    assert matches("like(Description, 'ООО%')") == [G1]


def test_guid_keys_and_navigation():
    assert matches(f"Ref_Key eq guid'{G1.upper()}'") == [G1]
    assert matches(f"Партнер_Key eq guid'{P1}'") == [G1]
    assert matches("Партнер/Description eq 'ТехПром'") == [G1]


def test_keyset_on_reference_is_a_500():
    err = fault(f"Ref_Key gt guid'{G1}'")
    assert err.status == 500 and "Неверные параметры в операции сравнения" in err.message


def test_reference_against_string_compares_presentation():
    # "works", but compares the wrong thing: the presentation, not the GUID
    assert matches("Ref_Key ge 'ООО'") == [G1]


def test_tabular_lambda():
    assert matches("КонтактнаяИнформация/any(d: d/АдресЭП eq 'INFO@techprom.ru')") == [G1]
    assert matches("КонтактнаяИнформация/any()") == [G1]
    assert matches("КонтактнаяИнформация/all(d: d/Тип eq 'Телефон')") == [G2]  # vacuous truth for no rows


def test_composite_field_needs_cast():
    account = make(ACC, Ref_Key=G2, Owner=G1, Owner_Type="StandardODATA.Catalog_Контрагенты")
    rows = [account]
    assert matches(f"Owner eq guid'{G1}'", ACC, rows) == []  # documented: always empty
    assert matches(f"Owner eq cast(guid'{G1}','Catalog_Контрагенты')", ACC, rows) == [G2]
    assert matches(f"Owner eq cast(guid'{G1}','StandardODATA.Catalog_Партнеры')", ACC, rows) == []
    assert matches("isof(Owner,'Catalog_Контрагенты')", ACC, rows) == [G2]
    assert matches("cast(Owner,'Catalog_Контрагенты')/ИНН eq '7728145639'", ACC, rows) == [G2]


def test_unknown_field_and_syntax_errors_are_400_14():
    for text in ("Foo eq 1", "Description eq", "Description eq 'x' and", "ИНН eq '1' +", "tolower(Description) eq 'x'"):
        err = fault(text)
        assert (err.status, err.code) == (400, "14"), text


def test_plus_is_not_a_space():
    err = fault("Description+eq+'x'")
    assert (err.status, err.code) == (400, "14")


def test_exponent_literal_is_refused():
    assert fault("ИНН eq 1E+20").code == "14"


def test_incompatible_types_and_unlimited_strings_are_500():
    assert fault("ИНН eq 7728145639").status == 500
    assert fault("ДополнительнаяИнформация eq 'x'").status == 500  # unlimited string: not comparable in 1C
    assert matches("substringof('x', ДополнительнаяИнформация)") == []  # but LIKE-style search works


def test_datetime_literal():
    rows = [make(CP, Ref_Key=G1, ИсторияКПП=[{"LineNumber": 1, "Период": "2020-01-01T00:00:00", "КПП": "1"}])]
    assert matches("ИсторияКПП/any(h: h/Период ge datetime'2019-12-31T00:00:00')", CP, rows) == [G1]
    assert matches("ИсторияКПП/any(h: year(h/Период) eq 2021)", CP, rows) == []


def test_bad_guid_literal_is_400_1():
    assert fault("Ref_Key eq guid'nope'").code == "1"


def test_key_lookup_detects_index_seeks():
    assert key_lookup(f"Ref_Key eq guid'{G1}' or Ref_Key eq guid'{G2}'") == {G1, G2}
    assert key_lookup(f"(Ref_Key eq guid'{G1}' or Ref_Key eq guid'{G2}') and DeletionMark eq false") == {G1, G2}
    assert key_lookup(f"Ref_Key eq guid'{G1}' or DeletionMark eq false") is None
    assert key_lookup("Description eq 'x'") is None


def test_sort_key_by_reference_uses_presentation():
    key = compile_sort_key("Ref_Key", MODEL, CP, resolve)
    ordered = sorted(STORE["Catalog_Контрагенты"].values(), key=key)
    assert [r["Ref_Key"] for r in ordered] == [G2, G1]  # "ИП …" < "ООО …", not GUID order
    with pytest.raises(ODataFault) as info:
        compile_sort_key("Нет", MODEL, CP, resolve)
    assert info.value.code == "6"
