"""Field lists of the CRM entities the sandbox serves, as a Russian portal describes them in ``*.fields``.

Only what a field *is* lives here (type, flags, title); how values are stored and answered is in
``entities.py``. The company list follows the reference ``crm.company.fields`` answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

MULTIFIELD_TYPES = ("PHONE", "EMAIL", "WEB", "IM", "LINK")
#: default VALUE_TYPE of a new multifield entry when none is sent
DEFAULT_VALUE_TYPE = {"PHONE": "WORK", "EMAIL": "WORK", "WEB": "WORK", "IM": "OTHER", "LINK": "USER"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    required: bool = False
    read_only: bool = False
    multiple: bool = False
    status_type: str | None = None
    #: varchar length of the column; a longer value is refused (a strict-mode MySQL behaves so; where unsure be
    #: stricter: a portal that cuts silently is worse for the client than one that refuses)
    max_length: int | None = None

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "type": self.type,
            "isRequired": self.required,
            "isReadOnly": self.read_only,
            "isImmutable": False,
            "isMultiple": self.multiple,
            "isDynamic": False,
        }
        if self.status_type:
            meta["statusType"] = self.status_type
        meta["title"] = self.title
        return meta


def _ro(name: str, type_: str, title: str) -> Field:
    return Field(name, type_, title, read_only=True)


def _status(name: str, status_type: str, title: str) -> Field:
    return Field(name, "crm_status", title, status_type=status_type)


def _multi(name: str, title: str) -> Field:
    return Field(name, "crm_multifield", title, multiple=True)


_ADDRESS = tuple(
    Field(name, "integer" if name.endswith("LOC_ADDR_ID") else "string", title)
    for name, title in (
        ("ADDRESS", "Фактический адрес"), ("ADDRESS_2", "Адрес (стр. 2)"), ("ADDRESS_CITY", "Город"),
        ("ADDRESS_POSTAL_CODE", "Почтовый индекс"), ("ADDRESS_REGION", "Район"),
        ("ADDRESS_PROVINCE", "Область"), ("ADDRESS_COUNTRY", "Страна"),
        ("ADDRESS_COUNTRY_CODE", "Код страны"), ("ADDRESS_LOC_ADDR_ID", "Идентификатор адреса"),
    )
)
_UTM = tuple(
    Field(name, "string", title)
    for name, title in (
        ("UTM_SOURCE", "Рекламная система"), ("UTM_MEDIUM", "Тип трафика"),
        ("UTM_CAMPAIGN", "Обозначение рекламной кампании"), ("UTM_CONTENT", "Содержание кампании"),
        ("UTM_TERM", "Условие поиска кампании"),
    )
)
_MULTIFIELDS = (
    _multi("PHONE", "Телефон"), _multi("EMAIL", "E-mail"), _multi("WEB", "Сайт"),
    _multi("IM", "Мессенджер"), _multi("LINK", "LINK"),
)

COMPANY_FIELDS: tuple[Field, ...] = (
    _ro("ID", "integer", "ID"),
    Field("TITLE", "string", "Название компании", required=True),
    _status("COMPANY_TYPE", "COMPANY_TYPE", "Тип компании"),
    Field("LOGO", "file", "Логотип"),
    *_ADDRESS,
    Field("ADDRESS_LEGAL", "string", "Юридический адрес"),
    *(
        Field(f.name.replace("ADDRESS", "REG_ADDRESS", 1), f.type, "Юр. адрес: " + f.title)
        for f in _ADDRESS
    ),
    Field("BANKING_DETAILS", "string", "Реквизиты банка"),
    _status("INDUSTRY", "INDUSTRY", "Сфера деятельности"),
    _status("EMPLOYEES", "EMPLOYEES", "Кол-во сотрудников"),
    Field("CURRENCY_ID", "crm_currency", "Валюта"),
    Field("REVENUE", "double", "Годовой оборот"),
    Field("OPENED", "char", "Доступна для всех"),
    Field("COMMENTS", "string", "Комментарий"),
    _ro("HAS_PHONE", "char", "Задан телефон"),
    _ro("HAS_EMAIL", "char", "Задан e-mail"),
    _ro("HAS_IMOL", "char", "Задана открытая линия"),
    Field("IS_MY_COMPANY", "char", "Моя компания"),
    Field("ASSIGNED_BY_ID", "user", "Ответственный"),
    _ro("CREATED_BY_ID", "user", "Кем создана"),
    _ro("MODIFY_BY_ID", "user", "Кем изменена"),
    _ro("DATE_CREATE", "datetime", "Дата создания"),
    _ro("DATE_MODIFY", "datetime", "Дата изменения"),
    Field("CONTACT_ID", "crm_contact", "Контакт", multiple=True),
    _ro("LEAD_ID", "crm_lead", "Лид"),
    Field("ORIGINATOR_ID", "string", "Внешний источник"),
    Field("ORIGIN_ID", "string", "Идентификатор элемента во внешнем источнике"),
    Field("ORIGIN_VERSION", "string", "Оригинальная версия"),
    *_UTM,
    Field("LAST_ACTIVITY_TIME", "datetime", "Последняя активность"),
    Field("LAST_ACTIVITY_BY", "user", "Автор последней активности"),
    _ro("LAST_COMMUNICATION_TIME", "string", "Дата последней коммуникации"),
    *_MULTIFIELDS,
)

CONTACT_FIELDS: tuple[Field, ...] = (
    _ro("ID", "integer", "ID"),
    _status("HONORIFIC", "HONORIFIC", "Обращение"),
    Field("NAME", "string", "Имя"),
    Field("SECOND_NAME", "string", "Отчество"),
    Field("LAST_NAME", "string", "Фамилия"),
    Field("PHOTO", "file", "Фотография"),
    Field("BIRTHDATE", "date", "Дата рождения"),
    _status("TYPE_ID", "CONTACT_TYPE", "Тип контакта"),
    _status("SOURCE_ID", "SOURCE", "Источник"),
    Field("SOURCE_DESCRIPTION", "string", "Дополнительно об источнике"),
    Field("POST", "string", "Должность"),
    *_ADDRESS,
    Field("COMMENTS", "string", "Комментарий"),
    Field("OPENED", "char", "Доступен для всех"),
    Field("EXPORT", "char", "Участвует в экспорте контактов"),
    _ro("HAS_PHONE", "char", "Задан телефон"),
    _ro("HAS_EMAIL", "char", "Задан e-mail"),
    _ro("HAS_IMOL", "char", "Задана открытая линия"),
    Field("ASSIGNED_BY_ID", "user", "Ответственный"),
    _ro("CREATED_BY_ID", "user", "Кем создан"),
    _ro("MODIFY_BY_ID", "user", "Кем изменен"),
    _ro("DATE_CREATE", "datetime", "Дата создания"),
    _ro("DATE_MODIFY", "datetime", "Дата изменения"),
    Field("COMPANY_ID", "crm_company", "Компания"),
    Field("COMPANY_IDS", "crm_company", "Компании", multiple=True),
    _ro("LEAD_ID", "crm_lead", "Лид"),
    Field("ORIGINATOR_ID", "string", "Внешний источник"),
    Field("ORIGIN_ID", "string", "Идентификатор элемента во внешнем источнике"),
    Field("ORIGIN_VERSION", "string", "Оригинальная версия"),
    _ro("FACE_ID", "integer", "Привязка к лицам из модуля faceid"),
    *_UTM,
    Field("LAST_ACTIVITY_TIME", "datetime", "Последняя активность"),
    Field("LAST_ACTIVITY_BY", "user", "Автор последней активности"),
    *_MULTIFIELDS,
)

_RQ_STRING_FIELDS = (
    ("RQ_NAME", "Ф.И.О."), ("RQ_FIRST_NAME", "Имя"), ("RQ_LAST_NAME", "Фамилия"),
    ("RQ_SECOND_NAME", "Отчество"), ("RQ_COMPANY_ID", "ID компании"),
    ("RQ_COMPANY_NAME", "Сокращённое наименование организации"),
    ("RQ_COMPANY_FULL_NAME", "Полное наименование организации"),
    ("RQ_COMPANY_REG_DATE", "Дата государственной регистрации"), ("RQ_DIRECTOR", "Генеральный директор"),
    ("RQ_ACCOUNTANT", "Главный бухгалтер"), ("RQ_CONTACT", "Контактное лицо"), ("RQ_EMAIL", "E-mail"),
    ("RQ_PHONE", "Телефон"), ("RQ_FAX", "Факс"), ("RQ_IDENT_DOC", "Вид документа"),
    ("RQ_IDENT_DOC_SER", "Серия"), ("RQ_IDENT_DOC_NUM", "Номер"), ("RQ_IDENT_DOC_DATE", "Дата выдачи"),
    ("RQ_IDENT_DOC_ISSUED_BY", "Кем выдан"), ("RQ_IDENT_DOC_DEP_CODE", "Код подразделения"),
    ("RQ_INN", "ИНН"), ("RQ_KPP", "КПП"), ("RQ_OGRN", "ОГРН"), ("RQ_OGRNIP", "ОГРНИП"),
    ("RQ_OKPO", "ОКПО"), ("RQ_OKTMO", "ОКТМО"), ("RQ_OKVED", "ОКВЭД"),
)

REQUISITE_FIELDS: tuple[Field, ...] = (
    _ro("ID", "integer", "ID"),
    Field("ENTITY_TYPE_ID", "integer", "Идентификатор типа родительской сущности", required=True),
    Field("ENTITY_ID", "integer", "Идентификатор родительской сущности", required=True),
    Field("PRESET_ID", "integer", "Идентификатор шаблона", required=True),
    _ro("DATE_CREATE", "datetime", "Дата создания"),
    _ro("DATE_MODIFY", "datetime", "Дата изменения"),
    _ro("CREATED_BY_ID", "user", "Кем создан"),
    _ro("MODIFY_BY_ID", "user", "Кем изменен"),
    Field("NAME", "string", "Название", required=True),
    Field("CODE", "string", "Символьный код"),
    Field("XML_ID", "string", "Внешний ключ"),
    Field("ORIGINATOR_ID", "string", "Идентификатор внешней системы"),
    Field("ACTIVE", "char", "Активность"),
    Field("ADDRESS_ONLY", "char", "Только адрес"),
    Field("SORT", "integer", "Сортировка"),
    *(Field(name, "string", title) for name, title in _RQ_STRING_FIELDS),
    Field("RQ_VAT_PAYER", "char", "Плательщик НДС"),
)

BANKDETAIL_FIELDS: tuple[Field, ...] = (
    _ro("ID", "integer", "ID"),
    Field("ENTITY_ID", "integer", "Идентификатор реквизита", required=True),
    Field("COUNTRY_ID", "integer", "Идентификатор страны"),
    _ro("DATE_CREATE", "datetime", "Дата создания"),
    _ro("DATE_MODIFY", "datetime", "Дата изменения"),
    _ro("CREATED_BY_ID", "user", "Кем создан"),
    _ro("MODIFY_BY_ID", "user", "Кем изменен"),
    Field("NAME", "string", "Название", required=True),
    Field("CODE", "string", "Символьный код"),
    Field("XML_ID", "string", "Внешний ключ"),
    Field("ACTIVE", "char", "Активность"),
    Field("SORT", "integer", "Сортировка"),
    *(
        Field(name, "string", title)
        for name, title in (
            ("RQ_BANK_NAME", "Наименование банка"), ("RQ_BANK_ADDR", "Адрес банка"), ("RQ_BIK", "БИК"),
            ("RQ_ACC_NAME", "Наименование счёта"), ("RQ_ACC_NUM", "Расчётный счёт"),
            ("RQ_ACC_CURRENCY", "Валюта счёта"), ("RQ_COR_ACC_NUM", "Корр. счёт"), ("RQ_IBAN", "IBAN"),
            ("RQ_SWIFT", "SWIFT"), ("RQ_BIC", "BIC"), ("COMMENTS", "Комментарий"),
            ("ORIGINATOR_ID", "Идентификатор внешней системы"),
        )
    ),
)

TIMELINE_COMMENT_FIELDS: tuple[Field, ...] = (
    _ro("ID", "integer", "ID"),
    _ro("CREATED", "datetime", "Дата создания"),
    Field("ENTITY_ID", "integer", "ID сущности", required=True),
    Field("ENTITY_TYPE", "string", "Тип сущности", required=True),
    _ro("AUTHOR_ID", "user", "Автор"),
    Field("COMMENT", "string", "Текст комментария", required=True),
)

#: crm.item (entityTypeId=4) camelCase name -> legacy company field
COMPANY_ITEM_NAMES: dict[str, str] = {
    "id": "ID", "title": "TITLE", "typeId": "COMPANY_TYPE", "logo": "LOGO", "industry": "INDUSTRY",
    "employees": "EMPLOYEES", "currencyId": "CURRENCY_ID", "revenue": "REVENUE", "opened": "OPENED",
    "comments": "COMMENTS", "hasPhone": "HAS_PHONE", "hasEmail": "HAS_EMAIL", "hasImol": "HAS_IMOL",
    "isMyCompany": "IS_MY_COMPANY", "assignedById": "ASSIGNED_BY_ID", "createdBy": "CREATED_BY_ID",
    "updatedBy": "MODIFY_BY_ID", "createdTime": "DATE_CREATE", "updatedTime": "DATE_MODIFY",
    "leadId": "LEAD_ID", "bankingDetails": "BANKING_DETAILS", "originatorId": "ORIGINATOR_ID",
    "originId": "ORIGIN_ID", "originVersion": "ORIGIN_VERSION", "utmSource": "UTM_SOURCE",
    "utmMedium": "UTM_MEDIUM", "utmCampaign": "UTM_CAMPAIGN", "utmContent": "UTM_CONTENT",
    "utmTerm": "UTM_TERM", "lastActivityTime": "LAST_ACTIVITY_TIME", "lastActivityBy": "LAST_ACTIVITY_BY",
    "lastCommunicationTime": "LAST_COMMUNICATION_TIME",
}

#: presets of a Russian portal (ids are portal-specific on a real one: clients must look them up)
RUSSIAN_PRESETS: tuple[dict[str, str], ...] = (
    {"ID": "1", "ENTITY_TYPE_ID": "8", "COUNTRY_ID": "1", "NAME": "Организация", "ACTIVE": "Y", "SORT": "500",
     "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_COMPANY#"},
    {"ID": "2", "ENTITY_TYPE_ID": "8", "COUNTRY_ID": "1", "NAME": "ИП", "ACTIVE": "Y", "SORT": "500",
     "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_INDIVIDUAL#"},
    {"ID": "3", "ENTITY_TYPE_ID": "8", "COUNTRY_ID": "1", "NAME": "Физ. лицо", "ACTIVE": "Y", "SORT": "500",
     "XML_ID": "#CRM_REQUISITE_PRESET_DEF_RU_PERSON#"},
)


def _with_lengths(fields: tuple[Field, ...], lengths: dict[str, int]) -> tuple[Field, ...]:
    return tuple(replace(f, max_length=lengths[f.name]) if f.name in lengths else f for f in fields)


# column lengths of b_crm_company / b_crm_requisite / b_crm_bank_detail (crm module install SQL)
COMPANY_FIELDS = _with_lengths(COMPANY_FIELDS, {
    "TITLE": 255, "ORIGINATOR_ID": 255, "ORIGIN_ID": 255, "ORIGIN_VERSION": 255, "ADDRESS_LEGAL": 1024,
})
CONTACT_FIELDS = _with_lengths(CONTACT_FIELDS, {
    "NAME": 50, "SECOND_NAME": 50, "LAST_NAME": 50, "POST": 255, "ORIGINATOR_ID": 255, "ORIGIN_ID": 255,
})
REQUISITE_FIELDS = _with_lengths(REQUISITE_FIELDS, {
    "NAME": 255, "CODE": 45, "XML_ID": 255, "ORIGINATOR_ID": 255, "RQ_NAME": 150, "RQ_FIRST_NAME": 50,
    "RQ_LAST_NAME": 50, "RQ_SECOND_NAME": 50, "RQ_COMPANY_NAME": 255, "RQ_COMPANY_FULL_NAME": 300, "RQ_INN": 15,
    "RQ_KPP": 9, "RQ_OGRN": 15, "RQ_OGRNIP": 15, "RQ_OKPO": 12, "RQ_OKTMO": 11, "RQ_OKVED": 255,
})
BANKDETAIL_FIELDS = _with_lengths(BANKDETAIL_FIELDS, {
    "NAME": 255, "CODE": 45, "XML_ID": 255, "RQ_BANK_NAME": 255, "RQ_BIK": 11, "RQ_ACC_NUM": 34,
    "RQ_COR_ACC_NUM": 34, "RQ_IBAN": 34, "RQ_SWIFT": 11, "RQ_BIC": 11, "ORIGINATOR_ID": 255,
})

#: b_crm_field_multi.VALUE
MULTIFIELD_VALUE_MAX = 250
