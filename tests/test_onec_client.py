"""OneCClient against the sandbox 1C OData server over real sockets."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import unquote

import pytest

from core.errors import (
    AccessDenied,
    AnswerLost,
    AuthFailed,
    ConnectionFailed,
    NotPublished,
    RemoteError,
    TLSFailed,
)
from core.onec.client import OneCClient
from core.onec.payload import composite, guid_literal, parse_int64, string_literal
from core.sandbox.onec import OneCSandbox
from core.sandbox.onec.seed import TECHPROM_REF, UZMK_REF, make_bulk_counterparties

pytestmark = pytest.mark.integration

CP = "Catalog_Контрагенты"
ACC = "Catalog_БанковскиеСчетаКонтрагентов"
FAST = (0.01, 0.01)


@pytest.fixture
def sandbox() -> Iterator[OneCSandbox]:
    with OneCSandbox() as sb:
        yield sb


@pytest.fixture
def client(sandbox: OneCSandbox) -> Iterator[OneCClient]:
    with OneCClient(sandbox.url, "Интеграция", "демо-пароль", retry_delays=FAST) as c:
        yield c


def queries(sandbox: OneCSandbox) -> list[str]:
    return [unquote(target) for _, target in sandbox.request_log()]


# --- connection, auth, composition --------------------------------------------------------------


def test_cyrillic_login_and_service_document(client, sandbox):
    names = client.service_entity_sets()
    assert CP in names and f"{CP}_КонтактнаяИнформация" in names
    assert client.published([CP, "Document_Несуществующий"]) == {CP: True, "Document_Несуществующий": False}
    assert all("$format=json" in target for target in queries(sandbox))


def test_other_cyrillic_credentials():
    with OneCSandbox(users={"Пётр Иванов": "пароль:с:двоеточием «ё»"}) as sb:
        with OneCClient(sb.url, "Пётр Иванов", "пароль:с:двоеточием «ё»", retry_delays=()) as c:
            assert CP in c.service_entity_sets()


def test_wrong_password_is_auth_failed(sandbox):
    with OneCClient(sandbox.url, "Интеграция", "неверный", retry_delays=FAST) as c:
        with pytest.raises(AuthFailed) as info:
            c.service_entity_sets()
    assert "1С отклонила логин или пароль" in info.value.message
    assert "неверный" not in info.value.user_text()
    assert len(sandbox.request_log()) == 1  # 401 is never retried


def test_unpublished_object_is_not_published():
    with OneCSandbox(published={CP}) as sb, OneCClient(sb.url, "Интеграция", "демо-пароль") as c:
        with pytest.raises(NotPublished) as info:
            c.list("Catalog_Партнеры")
        assert "Catalog_Партнеры" in info.value.message
        assert "состав" in info.value.hint
        with pytest.raises(NotPublished):
            c.get("Catalog_Партнеры", TECHPROM_REF)
        assert c.published(["Catalog_Партнеры"]) == {"Catalog_Партнеры": False}


def test_no_rights_is_access_denied():
    with OneCSandbox(forbidden={CP}) as sb, OneCClient(sb.url, "Интеграция", "демо-пароль") as c:
        with pytest.raises(AccessDenied) as info:
            c.list(CP)
        assert "Интеграция" in info.value.message and CP in info.value.message


def test_unreachable_port_is_connection_failed():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with OneCClient(f"http://127.0.0.1:{port}/ut11/odata/standard.odata/", "Интеграция", "демо-пароль",
                    timeout=(2, 5), retry_delays=FAST) as c:
        with pytest.raises(ConnectionFailed) as info:
            c.service_entity_sets()
    assert f"127.0.0.1:{port}" in info.value.message
    assert "демо-пароль" not in info.value.user_text()


def test_wrong_publication_path(sandbox):
    wrong = sandbox.url.replace("/ut11/", "/ut12/")
    with OneCClient(wrong, "Интеграция", "демо-пароль", retry_delays=()) as c:
        with pytest.raises(RemoteError) as info:
            c.service_entity_sets()
    assert info.value.status == 404 and "/odata/standard.odata/" in info.value.hint


# --- error pages and retries ---------------------------------------------------------------------


def test_html_error_page_is_remote_error(client, sandbox):
    sandbox.inject_fault("html_500_once")
    with pytest.raises(RemoteError) as info:
        client.list("Catalog_Валюты")
    assert info.value.status == 500
    assert "500 - Internal server error." in info.value.message
    assert "<" not in info.value.message and len(info.value.message) < 500
    assert len(sandbox.request_log()) == 1  # a plain 500 is not retried


def test_1c_application_error_page_is_summarised(client, sandbox):
    sandbox.inject_fault("app_error_500_once")
    with pytest.raises(RemoteError) as info:
        client.get(CP, TECHPROM_REF)
    assert "1C:Enterprise 8 application error" in info.value.message
    assert "Сервер 1С:Предприятия не обнаружен" in info.value.message


def test_html_with_status_200_is_an_error(client, sandbox):
    sandbox.inject_fault("html_200_once")
    with pytest.raises(RemoteError) as info:
        client.list("Catalog_Валюты")
    assert info.value.status == 200 and "прокси" in info.value.hint


def test_get_is_retried_on_503_and_dropped_connection(client, sandbox):
    sandbox.inject_fault("http_503_once")
    sandbox.inject_fault("drop_connection_once")
    rows = client.list("Catalog_Валюты", select=["Code"])
    assert sorted(r["Code"] for r in rows) == ["156", "643", "840", "978"]
    assert len(sandbox.request_log()) == 3


def test_retries_are_bounded(client, sandbox):
    for _ in range(5):
        sandbox.inject_fault("http_503_once")
    with pytest.raises(RemoteError) as info:
        client.list("Catalog_Валюты")
    assert info.value.status == 503
    assert len(sandbox.request_log()) == len(FAST) + 1


def test_filter_errors_carry_the_1c_code(client):
    with pytest.raises(RemoteError) as info:
        client.list(CP, filter="Нет eq 'x'")
    assert (info.value.code, info.value.status) == ("14", 400)
    with pytest.raises(RemoteError) as info:
        client.list(CP, filter=f"Ref_Key gt {guid_literal(TECHPROM_REF)}")
    assert (info.value.code, info.value.status) == ("-1", 500)
    with pytest.raises(RemoteError) as info:
        client.list(CP, select=["Нет"])
    assert info.value.code == "6"


# --- reads ---------------------------------------------------------------------------------------


def test_list_filter_and_values(client):
    rows = client.list(CP, select=["Ref_Key", "Description", "КонтактнаяИнформация"],
                       filter=f"ИНН eq {string_literal('7728145639')}")
    assert [r["Ref_Key"] for r in rows] == [TECHPROM_REF]
    assert parse_int64(rows[0]["КонтактнаяИнформация"][0]["LineNumber"]) == 1
    accounts = client.list(ACC, select=["Ref_Key", "Owner", "Owner_Type"],
                           filter=f"Owner eq cast({guid_literal(TECHPROM_REF)},'Catalog_Контрагенты')")
    assert len(accounts) == 2 and {composite(a, "Owner") for a in accounts} == {("Catalog_Контрагенты", TECHPROM_REF)}
    by_text = client.list(CP, select=["Description"], filter="substringof('завод металлоконструкций', Description)")
    assert by_text == [{"Description": "Уральский завод металлоконструкций"}]
    currencies = client.list("Catalog_Валюты", select=["Code", "Наценка"])
    assert all(isinstance(c["Наценка"], int | Decimal) for c in currencies)


def test_get_and_missing(client):
    entity = client.get(CP, TECHPROM_REF)
    assert entity is not None and entity["ИНН"] == "7728145639"
    assert "odata.metadata" not in entity and not any("@" in k for k in entity)
    assert client.get(CP, "00000000-0000-0000-0000-00000000abcd") is None
    assert client.get(CP, UZMK_REF, select=["Description"]) == {"Description": "Уральский завод металлоконструкций"}


def test_get_many_chunks_and_stays_under_the_url_limit(client, sandbox):
    refs = [r["Ref_Key"] for r in client.list(CP, select=["Ref_Key"])]
    sandbox.clear_request_log()
    found = client.get_many(CP, [*refs, refs[0].upper(), "00000000-0000-0000-0000-00000000abcd"],
                            select=["Description", "ИНН", "КПП", "НаименованиеПолное", "ЮрФизЛицо",
                                    "РегистрационныйНомер", "ЮридическоеФизическоеЛицо"])
    assert set(found) == set(refs)
    assert found[TECHPROM_REF]["Description"] == "ООО «ТехПром»"
    log = sandbox.request_log()
    assert len(log) >= 2  # 26 keys never fit one request
    for _, target in log:
        query = target.split("?", 1)[1]
        assert len(query) <= 2048
        assert unquote(query).count("guid'") <= 20
    with pytest.raises(ValueError):
        client.get_many(CP, ["not-a-guid"])


def test_count(client):
    assert client.count(CP) == 25
    assert client.count(CP, filter="DeletionMark eq true") == 1


def test_skip_paging_with_unique_order(client):
    full = client.list(CP, select=["Ref_Key", "Description"], orderby="Description")
    pages = [row for skip in range(0, 30, 6)
             for row in client.list(CP, select=["Ref_Key", "Description"], orderby="Description", top=6, skip=skip)]
    assert pages == full
    names = [r["Description"] for r in full]
    assert names == sorted(names, key=str.casefold)


def test_iter_all_light_select_is_one_request(client, sandbox):
    rows = list(client.iter_all(CP, select=["Ref_Key", "DataVersion", "DeletionMark"]))
    assert len(rows) == 25
    assert len(sandbox.request_log()) == 1


def test_iter_all_full_rows_without_skip():
    with OneCSandbox() as sb:
        for row in make_bulk_counterparties(1200):
            sb.put(CP, row)
        with OneCClient(sb.url, "Интеграция", "демо-пароль") as c:
            rows = list(c.iter_all(CP, page_size=500))
        refs = [r["Ref_Key"] for r in rows]
        assert len(refs) == len(set(refs)) == 1225
        assert all("КонтактнаяИнформация" in r for r in rows)
        assert not any("$skip" in target for _, target in sb.request_log())
        small = list(OneCClient(sb.url, "Интеграция", "демо-пароль").iter_all("Catalog_Валюты"))
        assert len(small) == 4


def test_iter_all_on_a_tabular_part_set(client):
    rows = list(client.iter_all(f"{CP}_КонтактнаяИнформация", page_size=10))
    # 25 counterparties × phone, e-mail, legal address + 3 actual addresses (seed.ACTUAL_ADDRESSES)
    assert len(rows) == 78 and len({(r["Ref_Key"], r["LineNumber"]) for r in rows}) == 78


def test_metadata_stream(client):
    sets = client.metadata({CP, "Catalog_Валюты"})
    assert set(sets) == {CP, "Catalog_Валюты"}
    info = sets[CP]
    assert info.keys == ["Ref_Key"] and info.properties["ИНН"].type == "Edm.String"
    assert set(info.tabular["КонтактнаяИнформация"]) >= {"LineNumber", "Тип", "АдресЭП", "НомерТелефона"}
    assert "ГоловнойКонтрагент" in info.navigation
    assert len(client.metadata()) > 10


# --- writes --------------------------------------------------------------------------------------


def test_create_update_round_trip(client, sandbox):
    created = client.create(CP, {
        "Description": "ООО «Новый клиент»", "ИНН": "7701234567", "ЮрФизЛицо": "ЮрЛицо",
        "КонтактнаяИнформация": [{"LineNumber": "1", "Тип": "Телефон", "Представление": "+7 (495) 111-22-33"}],
    })
    ref = created["Ref_Key"]
    assert created["DataVersion"] == "AAAAAAAAAAA=" and "odata.metadata" not in created
    updated = client.update(CP, ref, {"КПП": "770101001"})
    assert updated["КПП"] == "770101001" and updated["ИНН"] == "7701234567"
    assert updated["DataVersion"] != created["DataVersion"]
    again = client.update(CP, ref, {})
    assert again["DataVersion"] not in (created["DataVersion"], updated["DataVersion"])
    assert client.get(CP, ref) == again
    assert [m for m, _ in sandbox.request_log()].count("POST") == 1


def test_update_replaces_tabular_part(client):
    rows = [{"LineNumber": "1", "Тип": "АдресЭлектроннойПочты", "АдресЭП": "new@techprom.ru",
             "Представление": "new@techprom.ru"},
            {"LineNumber": "2", "Тип": "Телефон", "Представление": "+7 (495) 748-12-39"}]
    updated = client.update(CP, TECHPROM_REF, {"КонтактнаяИнформация": rows})
    assert [r["Представление"] for r in updated["КонтактнаяИнформация"]] == ["new@techprom.ru", "+7 (495) 748-12-39"]
    with pytest.raises(RemoteError) as info:
        client.update(CP, TECHPROM_REF, {"КонтактнаяИнформация": [{"Тип": "Телефон"}]})
    assert (info.value.status, info.value.code) == (500, "-1")
    assert len(client.get(CP, TECHPROM_REF)["КонтактнаяИнформация"]) == 2


def test_lenient_writes_must_be_verified(client):
    created = client.create("Catalog_ВидыКонтактнойИнформации",
                            {"Description": "Д" * 130, "НесуществующееПоле": "x", "РеквизитДопУпорядочивания": "abc"})
    assert len(created["Description"]) == 100
    assert "НесуществующееПоле" not in created
    assert created["РеквизитДопУпорядочивания"] == "0"


def test_update_of_deleted_object(client, sandbox):
    sandbox.delete("Catalog_Валюты", next(r["Ref_Key"] for r in sandbox.rows("Catalog_Валюты") if r["Code"] == "156"))
    ref = next(r["Ref_Key"] for r in sandbox.rows("Catalog_Валюты") if r["Code"] == "840")
    sandbox.delete("Catalog_Валюты", ref)
    with pytest.raises(RemoteError) as info:
        client.update("Catalog_Валюты", ref, {"Description": "x"})
    assert (info.value.status, info.value.code) == (404, "9")


def test_lost_answer_of_a_write_is_answer_lost_and_not_retried(client, sandbox):
    sandbox.inject_fault("drop_connection_once")
    with pytest.raises(AnswerLost) as info:
        client.create("Catalog_Валюты", {"Code": "392", "Description": "JPY"})
    assert "найдите объект" in info.value.hint
    assert [m for m, _ in sandbox.request_log()] == ["POST"]
    assert "392" in {r["Code"] for r in sandbox.rows("Catalog_Валюты")}  # it was stored after all
    sandbox.inject_fault("html_500_once")
    with pytest.raises(AnswerLost):
        client.update(CP, UZMK_REF, {"КПП": "667101001"})
    sandbox.inject_fault("http_503_once")
    with pytest.raises(AnswerLost):
        client.update(CP, UZMK_REF, {"КПП": "667101001"})
    assert [m for m, _ in sandbox.request_log()].count("PATCH") == 2


def test_write_errors_before_processing_are_not_answer_lost(client):
    with pytest.raises(RemoteError) as info:
        client.create(CP, {"Партнер_Key": "не-гуид"})
    assert not isinstance(info.value, AnswerLost) and info.value.code == "1"
    with pytest.raises(NotPublished):
        client.create("Catalog_НетТакого", {"Description": "x"})


def test_write_to_unreachable_server_is_connection_failed(sandbox):
    url = sandbox.url
    sandbox.stop()
    with OneCClient(url, "Интеграция", "демо-пароль", timeout=(2, 5)) as c:
        with pytest.raises(ConnectionFailed):
            c.create(CP, {"Description": "x"})


def test_read_timeout_get_vs_write():
    with OneCSandbox(latency=0.6) as sb, OneCClient(sb.url, "Интеграция", "демо-пароль", timeout=(2, 0.2),
                                                     retry_delays=FAST) as c:
        with pytest.raises(ConnectionFailed) as info:
            c.list("Catalog_Валюты")
        assert "не ответил" in info.value.message
        assert len(sb.request_log()) == 1  # a read timeout is not retried: the request did reach the server
        with pytest.raises(AnswerLost):
            c.create("Catalog_Валюты", {"Code": "036", "Description": "AUD"})


def test_tls_failure_is_tls_failed(sandbox):
    https_url = sandbox.url.replace("http://", "https://")
    with OneCClient(https_url, "Интеграция", "демо-пароль", timeout=(2, 5), retry_delays=()) as c:
        with pytest.raises(TLSFailed):
            c.service_entity_sets()


def test_get_many_reads_chunks_in_parallel_with_the_same_answer():
    """Changed records are read 20 keys a request; several such requests run at once (each on its own session),
    and the answer is exactly what one-after-another reading gives."""
    import threading
    import time

    from core.sandbox.clock import ONEC_ODATA_READS, WorkClock

    state = {"now": 0, "peak": 0}
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1

    clock = WorkClock(ONEC_ODATA_READS, 1.0, sleep=sleep)
    with OneCSandbox(work_clock=clock) as sb:
        for row in make_bulk_counterparties(200):
            sb.put(CP, row)
        refs = [row["Ref_Key"] for row in sb.rows(CP)]
        with OneCClient(sb.url, "Интеграция", "демо-пароль", parallel_reads=1) as one:
            sequential = one.get_many(CP, refs, select=["Ref_Key", "Description", "ИНН"])
        assert state["peak"] == 1
        requests_one = len(sb.request_log())
        with OneCClient(sb.url, "Интеграция", "демо-пароль", parallel_reads=4) as many:
            parallel = many.get_many(CP, refs, select=["Ref_Key", "Description", "ИНН"])
        assert parallel == sequential and len(parallel) == len(refs)
        assert len(sb.request_log()) - requests_one == requests_one  # the same requests, only not in a queue
        assert 1 < state["peak"] <= 4
