"""Texts the core hands to people, as Russian templates (the source of truth) with parameters.

- ``REASONS``: journal reasons. The journal stores the code, the parameters and the rendered Russian text, so it
  stays readable without the program (sqlite3, support).
- ``CHECKS``: lines of «Проверить подключение».
- ``STAGES``: progress stages of a sync run.

The core never imports Qt; the GUI translates a template with Qt (contexts "journal", "checks", "progress") and
then formats it with the parameters. ``gui/i18n_update.py`` lists every template here for the translation file.
"""

from __future__ import annotations

from typing import Any

REASONS: dict[str, str] = {
    "created": "Создана в Битрикс24: в 1С есть, в портале не было ни связи, ни компании с ИНН {inn}",
    "created_no_inn": "Создана в Битрикс24: в 1С есть, в портале не найдена (ИНН в 1С не указан)",
    "updated": "Обновлена: в 1С изменились поля: {fields}",
    "linked_by_origin": "Связана с существующей записью портала по идентификатору 1С (ORIGIN_ID {origin_id})",
    "linked_by_inn": "Связана с компанией «{b24_title}» портала по ИНН {inn}{kpp_part}: дубль не создан, "
                     "название и реквизиты обновлены из 1С",
    "skip_unchanged": "Пропущена: в 1С нет изменений с прошлой синхронизации",
    "skip_same_payload": "Пропущена: версия в 1С изменилась, но переносимые данные те же",
    "skip_folder": "Пропущена: это группа справочника, а не контрагент",
    "skip_deleted_unlinked": "Пропущена: помечена на удаление в 1С и в портал не переносилась",
    "marked_deleted": "В 1С помечена на удаление: в Битрикс24 не удаляется, комментарий добавлен",
    "probable_duplicate": "Возможный дубль: в портале есть «{b24_title}» без ИНН, похожая на «{onec_title}». "
                          "Не объединено — проверьте в списке дублей",
    "ambiguous_inn": "Не связана: в портале несколько компаний с ИНН {inn} ({candidates}). Выберите вручную",
    "onec_duplicate_inn": "Не перенесена: в 1С уже есть контрагент «{other}» с тем же ИНН {inn}{kpp_part}, он "
                          "связан с компанией портала. Похоже на дубль в 1С — объедините карточки в 1С",
    "answer_lost_recovered": "Ответ портала на запись потерялся; запись найдена по идентификатору 1С, повтор не нужен",
    "answer_lost_pending": "Ответ портала на запись потерялся; запись будет проверена при следующей синхронизации",
    "failed_remote": "Ошибка портала: {error}",
    "failed_invalid": "Не перенесена: {problem}",
    "failed_record": "Запись {key} не перенесена: {problem}. Остальные записи переносятся",
    "mapping_note": "Перенесена не полностью: {note}",
    "entity_failed": "{entity}: синхронизация не выполнена — {error}",
    "entity_blocked": "{entity}: пропущены, потому что не синхронизированы {dependency}",
    "dry_run_create": "Будет создана в Битрикс24 (пробный запуск, ничего не записано)",
    "dry_run_update": "Будет обновлена в Битрикс24: {fields} (пробный запуск, ничего не записано)",
    "publication_object_missing": "Объект {entity_set} не опубликован в OData 1С, а он нужен для раздела "
                                  "«{entity_title}»: раздел пропущен, остальные синхронизируются. {hint}",
    "publication_optional_object_missing": "Объект {entity_set} не опубликован в OData 1С: раздел "
                                           "«{entity_title}» переносится без него — данные этого объекта не "
                                           "используются. {hint}",
    "publication_required_missing": "У объекта {entity_set} в публикации 1С нет обязательного реквизита "
                                    "{attribute} (его нет в этой версии конфигурации или он не опубликован): "
                                    "раздел «{entity_title}» остановлен. {hint}",
    "publication_optional_missing": "У объекта {entity_set} в публикации 1С нет реквизита {attribute}: "
                                    "раздел «{entity_title}» переносится без него",
    "publication_access_denied": "У пользователя интеграции нет права читать {entity_set}: раздел "
                                 "«{entity_title}» пропущен, остальные синхронизируются. {hint}",
    "dry_run_link": "Будет связана с «{b24_title}» по ИНН {inn} (пробный запуск, ничего не записано)",
    "contact_created": "Контакт создан в Битрикс24 и привязан к компании: в 1С есть, в портале не найден по "
                       "идентификатору 1С",
    "contact_probable_duplicate": "Возможный дубль: в портале есть контакт «{b24_title}» с тем же телефоном или "
                                  "e-mail и без идентификатора 1С, похожий на «{onec_title}». Не объединено — "
                                  "проверьте в списке дублей",
    "contact_dry_run_link": "Будет связан с контактом «{b24_title}» портала по идентификатору 1С (пробный запуск, "
                            "ничего не записано)",
    "contact_skip_deleted": "Пропущено: контактное лицо или его контрагент помечены на удаление в 1С, в портал "
                            "не переносились",
    "contact_marked_deleted": "В 1С помечено на удаление: контакт в Битрикс24 не удаляется, комментарий добавлен",
    # the sales loop: deals -> customer orders
    "sales_order_created": "Создан заказ клиента {number} в 1С по сделке",
    "sales_order_updated": "Заказ клиента в 1С обновлён по сделке: {fields}",
    "sales_linked_by_identity": "Заказ по этой сделке уже есть в 1С (номер по данным клиента {identity}): связан, "
                                "второй не создан",
    "sales_deal_invalid": "Сделка не перенесена в 1С: {problem}",
    "sales_conflict": "Заказ {number} в 1С не изменён: {why}. Изменения сделки — в списке конфликтов",
    "sales_order_deleted": "Заказ {number}, созданный по сделке, удалён в 1С; новый заказ не создаётся — "
                           "решите, нужен ли он",
    "sales_counterparty_created": "Создан контрагент «{company}» (ИНН {inn}) в 1С для сделки",
    "sales_failed_onec": "1С не приняла заказ: {error}",
    "sales_answer_lost_recovered": "Ответ 1С на запись заказа потерялся; заказ найден по номеру сделки, второй не "
                                   "создан",
    "sales_answer_lost_pending": "Ответ 1С на запись заказа потерялся; заказ будет найден по номеру сделки при "
                                 "следующей синхронизации",
    "sales_order_note": "Заказ перенесён с замечанием: {note}",
    "sales_skip_same": "Пропущена: сделка изменилась, но товары, количества и суммы те же",
    "sales_dry_run_create": "Будет создан заказ клиента в 1С (пробный запуск, ничего не записано)",
    "sales_dry_run_update": "Будет обновлён заказ клиента в 1С: {fields} (пробный запуск, ничего не записано)",
    "sales_dry_run_link": "Будет связана с заказом 1С по номеру сделки (пробный запуск, ничего не записано)",
    # the sales loop: 1C -> the deal (customer's path)
    "path_created": "Записано в сделку Битрикс24: {text}",
    "path_updated": "Сделка обновлена по данным 1С: {fields}",
    "path_skip_same": "Пропущено: в 1С изменилась версия, но для сделки ничего не поменялось",
    "path_dry_run": "Будет записано в сделку (пробный запуск, ничего не записано)",
    "path_answer_lost_recovered": "Ответ портала потерялся; запись найдена в сделке, повтор не нужен",
    "path_comment_found": "Комментарий об этом документе уже есть в ленте сделки: второй не добавлен",
    "path_comment_exists": "Документ 1С изменён после записи в сделку; комментарий в ленте не повторяется",
    "path_stage_kept": "Стадия сделки не меняется: для этого события нет стадии в карте стадий или сделка уже дальше",
    "path_deal_gone": "Сделка удалена в Битрикс24: данные 1С по ней не переносятся",
    "path_invoice_found": "Счёт уже есть в сделке (по идентификатору 1С): связан, второй не создан",
    "review": "Решение пользователя: {text}",
    # catalogue (groups, products, price types, warehouses: neutral wording fits every one of them)
    "catalog_created": "Создано в каталоге Битрикс24: в 1С есть, в портале записи с этим кодом 1С не было",
    "catalog_updated": "Обновлено в каталоге Битрикс24: в 1С изменилось: {fields}",
    "catalog_deactivated": "В 1С помечено на удаление: в Битрикс24 деактивировано, не удалено",
    "linked_by_xml_id": "Связано с «{b24_title}» портала по внешнему коду (xmlId = код 1С): дубль не создан",
    "linked_base_price_type": "Базовый вид цен 1С связан с базовым типом цен портала «{b24_title}»",
    "catalog_probable_duplicate": "Возможный дубль: в портале есть товар «{b24_title}» с тем же артикулом, что у "
                                  "«{onec_title}», но без связи с 1С. Не объединено — проверьте в списке дублей",
    "catalog_dry_run_create": "Будет создано в каталоге Битрикс24 (пробный запуск, ничего не записано)",
    "catalog_dry_run_update": "Будет обновлено в каталоге Битрикс24: {fields} (пробный запуск, ничего не записано)",
    "catalog_dry_run_link": "Будет связано с «{b24_title}» по внешнему коду (пробный запуск, ничего не записано)",
    "catalog_mapping_note": "Перенесено не полностью: {note}",
    "prices_written": "Цены записаны в Битрикс24: {prices}",
    "prices_updated": "Цены обновлены в Битрикс24: {fields}",
    "prices_dry_run": "Цены будут записаны в Битрикс24: {prices} (пробный запуск, ничего не записано)",
    "stock_written": "Остатки записаны в Битрикс24: {stock}",
    "stock_updated": "Остатки обновлены в Битрикс24: {fields}",
    "stock_dry_run": "Остатки будут записаны в Битрикс24: {stock} (пробный запуск, ничего не записано)",
}


CHECKS: dict[str, str] = {
    "onec_url_scheme": "Адрес публикации 1С должен начинаться с http:// или https://, например "
                       "http://server/ut11/odata/standard.odata/",
    "onec_no_user": "Не указан пользователь 1С",
    "onec_reachable": "Сервер 1С отвечает: {url}",
    "onec_auth_ok": "Логин и пароль приняты (пользователь «{user}»)",
    "onec_not_odata": "Сервер ответил, но это не стандартный интерфейс OData 1С: {error}",
    "onec_composition_failed": "Не удалось получить состав OData: {error}",
    "onec_published": "Объект {name} опубликован в OData",
    "onec_not_published": "Объект {name} не опубликован в OData: добавьте его в состав стандартного интерфейса "
                          "OData (обработка «Настройка стандартного интерфейса OData» в 1С)",
    "onec_profile_used": "Конфигурация 1С: {title} (профиль {profile})",
    "onec_profile_detected": "По $metadata база похожа на: {title} (профиль {profile})",
    "onec_profile_mismatch": "По $metadata база похожа на {detected_title} (профиль {detected}), а в настройках "
                             "выбран профиль {profile}: проверьте выбор конфигурации",
    "onec_profile_unknown": "По $metadata не удалось однозначно определить конфигурацию 1С: выберите её вручную",
    "onec_metadata_read": "Описание публикации ($metadata) прочитано: {size} КБ, опубликованных объектов: {sets}",
    "onec_metadata_failed": "Не удалось прочитать $metadata: {error}",
    "onec_entity_ok": "Раздел «{entity_title}»: все нужные объекты и реквизиты опубликованы",
    "onec_entity_unavailable": "Раздел «{entity_title}» не синхронизируется: {reason}",
    "b24_webhook_parsed": "Адрес вебхука распознан: {url}",
    "b24_https_ok": "Портал отвечает по HTTPS, сертификат проверен",
    "b24_webhook_rejected": "Портал не принял вебхук: он удалён, просрочен или его код изменили. Создайте новый "
                            "входящий вебхук (Битрикс24 → Разработчикам → Другое → Входящий вебхук, право crm) "
                            "и вставьте его адрес",
    "b24_webhook_accepted": "Вебхук принят",
    "b24_scope_ok": "Есть право {scope}",
    "b24_scope_missing": "Нет права {scope} у вебхука: откройте вебхук в портале и отметьте «CRM ({scope})»",
    "b24_scope_later": "Нет права {scope} у вебхука: понадобится для товаров, остатков и печатных форм",
    "error": "{error}",
}

for _code in ("publication_object_missing", "publication_required_missing", "publication_optional_missing",
              "publication_access_denied", "publication_optional_object_missing"):
    CHECKS[_code] = REASONS[_code]

#: how the texts name an entity (a section of the profile's table)
ENTITY_TITLES: dict[str, str] = {
    "counterparty": "Контрагенты",
    "contact": "Контактные лица",
    "address": "Адреса контрагентов",
    "product": "Номенклатура",
    "price": "Цены",
    "stock": "Остатки",
    "order": "Заказы",
    "sales_order": "Заказы клиентов",
    "customer_path": "Путь клиента (оплаты, отгрузки, счета)",
}

STAGES: dict[str, str] = {
    "poll": "Опрос изменений",
    "no_changes": "Изменений нет",
    "read_changed": "Чтение изменённых записей",
    "lookup_portal": "Поиск записей в Битрикс24",
    "write_portal": "Запись в Битрикс24",
    "write_onec": "Запись в 1С",
    "budget_wait": "Ожидание: у Битрикс24 исчерпан лимит времени методов (сбрасывается каждые 10 минут)",
    "done": "Готово",
}

# what each entity is called in progress lines and per-entity reports (context "progress" in the GUI)
ENTITY_LABELS: dict[str, str] = {
    "counterparty": "Контрагенты",
    "contact": "Контактные лица",
    "sales_order": "Заказы клиентов",
    "customer_path": "Путь клиента",
    "product_group": "Группы номенклатуры",
    "product": "Товары и услуги",
    "price_type": "Виды цен",
    "price": "Цены",
    "warehouse": "Склады",
    "stock": "Остатки",
}


# connector errors people meet at setup and during a sync: (message, hint) templates; the exception carries the
# rendered Russian text and, for the GUI, the code and parameters (context "errors"; see ``error``)
ERRORS: dict[str, tuple[str, str]] = {
    "onec_auth": ("1С отклонила логин или пароль пользователя «{user}» ({host}).",
                  "Проверьте имя пользователя и пароль 1С в настройках подключения. Пользователю 1С должна быть "
                  "разрешена аутентификация 1С:Предприятия (логин и пароль), а не только вход через Windows/ОС."),
    "onec_connection": ("Не удалось связаться с 1С по адресу {host}: {reason}.",
                        "Проверьте, что веб-сервер с публикацией базы 1С запущен, адрес и порт указаны верно, "
                        "а сеть и брандмауэр пропускают подключение."),
    "onec_tls": ("Не удалось установить защищённое соединение с {host}: сертификат сервера не прошёл проверку.",
                 "Укажите в настройках файл корневого сертификата вашей организации (CA)."),
    "b24_tls": ("Сертификат сервера Битрикс24 {host} не прошёл проверку: {reason}.",
                "Если это коробочный Битрикс24 с сертификатом внутреннего центра сертификации организации, укажите "
                "файл сертификата этого центра (PEM) в поле «Сертификат ЦС портала» — его выдаёт администратор "
                "сети."),
    "b24_connection": ("Не удалось подключиться к Битрикс24 {host}: {reason}.",
                       "Проверьте адрес портала, доступность сервера из этой сети и настройки прокси."),
    "b24_webhook_rejected": ("Битрикс24 не принял вебхук {webhook} ({detail}).",
                             "Вебхук удалён, просрочен или его код изменился (например, его отредактировал "
                             "администратор). Создайте новый входящий вебхук в Битрикс24 и укажите его адрес в "
                             "профиле."),
}

#: words the connectors put into ``{reason}``: translated by the GUI like the templates around them
ERROR_FRAGMENTS: dict[str, str] = {
    "connect_timeout": "сервер не ответил на подключение",
    "read_timeout": "сервер не ответил за отведённое время",
    "dns": "имя сервера не найдено (DNS)",
    "refused": "соединение отклонено (на этом порту никто не принимает подключения)",
    "reset": "соединение разорвано сервером без ответа",
    "connection": "ошибка соединения",
    "refused_b24": "соединение отклонено (порт закрыт или сервер не запущен)",
    "connect_timeout_b24": "истекло время ожидания подключения",
    "tls_hostname": "сертификат выдан на другое имя сервера — проверьте адрес портала",
    "tls_expired": "срок действия сертификата истёк или ещё не начался",
    "tls_unknown_ca": "сертификат выдан неизвестным центром сертификации (внутренним центром организации или сам "
                      "собой)",
    "tls_revoked": "сертификат отозван",
    "tls_other": "подлинность сервера не подтверждена",
}


def error(cls: type, code: str, params: dict[str, Any] | None = None, **exc_kwargs: Any) -> Any:
    """An exception of ``cls`` with the Russian text of ``ERRORS[code]``; ``template``/``params`` let the GUI
    show it in the interface language."""
    params = params or {}
    message, hint = ERRORS[code]
    try:
        exc = cls(message.format(**params), hint.format(**params), **exc_kwargs)
    except (KeyError, IndexError):
        exc = cls(message, hint, **exc_kwargs)
    exc.template = code
    exc.params = params
    return exc


def render(code: str, params: dict[str, Any] | None = None, table: dict[str, str] = REASONS) -> str:
    template = table[code]
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError):
        # a missing parameter must not lose the journal line
        return template
