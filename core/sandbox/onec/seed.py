"""Deterministic seed of the sandbox УТ 11 base: the customer base of a machine-building factory.

~25 counterparties (ООО/АО with valid ИНН/КПП/ОГРН, three ИП, one private person, one non-resident, one
marked for deletion, one branch with the head office's ИНН and its own КПП), their partners, contact persons,
bank accounts (valid against the БИК by the Bank of Russia key) at banks of the classifier, currencies and
contact-information kinds. Every value is fixed: other teams' seeds and tests rely on the two required
counterparties below (ООО «ТехПром», АО «Уральский завод металлоконструкций») by name, ИНН and Ref_Key.

Rows are in the JSON form a 1C client would send/receive (Ref_Key given, no DataVersion): the sandbox loads
them with :meth:`OneCSandbox.put`-like trusted writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from core.ru_requisites import (
    bank_account_is_valid,
    complete_account,
    complete_inn,
    complete_ogrn,
    corr_account,
    inn_is_valid,
    kpp_is_valid,
    ogrn_is_valid,
)

__all__ = [
    "RUB_REF", "TECHPROM_REF", "UZMK_REF", "bank_account_is_valid", "inn_is_valid", "kpp_is_valid",
    "make_bulk_counterparties", "ogrn_is_valid", "onec_guid", "seed_rows", "seed_version",
]

ZERO = "00000000-0000-0000-0000-000000000000"
COUNTERPARTY_TYPE = "StandardODATA.Catalog_Контрагенты"


def onec_guid(kind: str, n: int | str) -> str:
    """A stable GUID shaped like the ones a 1C server generates (version-1 layout, server MAC at the end)."""
    h = hashlib.sha1(f"{kind}:{n}".encode()).hexdigest()
    return f"{h[0:8]}-{h[8:12]}-11ee-{h[12:16]}-00155d0a1c2b"


def seed_version(ref: str) -> int:
    """DataVersion counter of a seeded object: objects that were edited a few times before we came."""
    return int(ref[:2], 16) % 7


# --- reference data ---------------------------------------------------------------------------------

RUB_REF = onec_guid("currency", "643")
CURRENCIES = [
    ("643", "руб.", "Российский рубль", "₽", "РучнойВвод", "рубль, рубля, рублей, м, копейка, копейки, копеек, ж, 2"),
    ("840", "USD", "Доллар США", "$", "ЗагрузкаИзИнтернета", "доллар, доллара, долларов, м, цент, цента, центов, м, 2"),
    ("978", "EUR", "Евро", "€", "ЗагрузкаИзИнтернета", "евро, евро, евро, м, цент, цента, центов, м, 2"),
    ("156", "CNY", "Китайский юань", "¥", "ЗагрузкаИзИнтернета", "юань, юаня, юаней, м, фэнь, фэня, фэней, м, 2"),
]

# (predefined name, description, type)
CONTACT_KINDS = [
    ("ТелефонКонтрагента", "Телефон", "Телефон"),
    ("EmailКонтрагента", "Email", "АдресЭлектроннойПочты"),
    ("ЮрАдресКонтрагента", "Юридический адрес", "Адрес"),
    ("ФактАдресКонтрагента", "Фактический адрес", "Адрес"),
    ("ТелефонПартнера", "Телефон", "Телефон"),
    ("EmailПартнера", "Email", "АдресЭлектроннойПочты"),
    ("ТелефонКонтактногоЛицаПартнера", "Телефон", "Телефон"),
    ("EmailКонтактногоЛицаПартнера", "Email", "АдресЭлектроннойПочты"),
]


def kind_ref(predefined: str) -> str:
    return onec_guid("contact-kind", predefined)


@dataclass(frozen=True)
class Bank:
    bik: str
    name: str
    city: str
    address: str
    phones: str
    swift: str
    branch: str  # 4-digit branch part used in account numbers

    @property
    def ref(self) -> str:
        return onec_guid("bank", self.bik)

    @property
    def corr(self) -> str:
        return corr_account(self.bik)


BANKS = [
    Bank("044525225", "ПАО Сбербанк", "г. Москва", "117312, г. Москва, ул. Вавилова, д. 19", "+7 (495) 500-55-50",
         "SABRRUMM", "3800"),
    Bank("044525187", "Банк ВТБ (ПАО)", "г. Москва", "109147, г. Москва, ул. Воронцовская, д. 43, стр. 1",
         "+7 (495) 739-77-99", "VTBRRUMM", "1810"),
    Bank("044525593", "АО «Альфа-Банк»", "г. Москва", "107078, г. Москва, ул. Каланчевская, д. 27",
         "+7 (495) 620-91-91", "ALFARUMM", "0130"),
    Bank("044525555", "ПАО «Промсвязьбанк»", "г. Москва", "109052, г. Москва, ул. Смирновская, д. 10, стр. 22",
         "+7 (495) 787-33-33", "PRMSRUMM", "2000"),
    Bank("046577674", "Уральский банк ПАО Сбербанк", "г. Екатеринбург",
         "620014, г. Екатеринбург, ул. Куйбышева, д. 67", "+7 (343) 269-99-99", "SABRRUMM", "1654"),
    Bank("044030653", "Северо-Западный банк ПАО Сбербанк", "г. Санкт-Петербург",
         "191124, г. Санкт-Петербург, ул. Красного Текстильщика, д. 2", "+7 (812) 329-29-29", "SABRRU2P", "5500"),
    Bank("044030790", "ПАО «Банк «Санкт-Петербург»", "г. Санкт-Петербург",
         "195112, г. Санкт-Петербург, Малоохтинский пр-кт, д. 64, лит. А", "+7 (812) 329-50-50", "JSBSRU2P", "0900"),
    Bank("044525700", "АО «Райффайзенбанк»", "г. Москва", "129090, г. Москва, ул. Троицкая, д. 17, стр. 1",
         "+7 (495) 777-17-17", "RZBMRUMM", "0000"),
]
_BANK_BY_BIK = {b.bik: b for b in BANKS}

# a bank that is not in the classifier: the account stores its details by hand (РучноеИзменениеРеквизитовБанка)
MANUAL_BANK = Bank("049205805", "ПАО «АК БАРС» БАНК", "г. Казань", "420066, г. Казань, ул. Декабристов, д. 1",
                   "+7 (843) 519-39-99", "AKBBRU3K", "0200")


# --- counterparties ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    zip: str
    region: str  # "Москва", "Свердловская обл"
    city: str  # "" for cities of federal significance
    street: str  # "ул. Профсоюзная"
    house: str  # "д. 65, корп. 1"

    @property
    def text(self) -> str:
        place = f"{self.region}, {self.city}" if self.city else f"г. {self.region}"
        return ", ".join((self.zip, place, self.street, self.house))


@dataclass(frozen=True)
class Party:
    key: str  # stable name for the GUID
    description: str
    full_name: str
    kind: str  # ЮрФизЛицо member
    inn: str  # full ИНН or "" (non-resident)
    kpp: str
    ogrn: str
    phone: str
    email: str
    address: Address
    banks: tuple[str, ...] = ()  # БИК per account
    partner: str = ""  # partner description; "" = none
    deleted: bool = False
    head: str | None = None  # key of the head office (branch)
    tax_number: str = ""  # НалоговыйНомер of a non-resident
    okpo: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return onec_guid("counterparty", self.key)


def _org(key: str, description: str, full_name: str, inn: str, *, kpp_reason: str = "01", office: str = "001",
         ogrn_head: str, phone: str, email: str, address: Address, banks: tuple[str, ...], partner: str,
         **kw: Any) -> Party:
    inn = inn if len(inn) == 10 else complete_inn(inn)
    kpp = inn[:4] + kpp_reason + office
    return Party(key, description, full_name, "ЮрЛицо", inn, kpp, complete_ogrn(ogrn_head), phone, email,
                 address, banks, partner, **kw)


def _ip(key: str, fio: str, inn_head: str, *, ogrnip_head: str, phone: str, email: str, address: Address,
        banks: tuple[str, ...]) -> Party:
    return Party(key, f"ИП {fio}", f"Индивидуальный предприниматель {fio}", "ИндивидуальныйПредприниматель",
                 complete_inn(inn_head), "", complete_ogrn(ogrnip_head), phone, email, address, banks,
                 partner=f"ИП {fio}")


TECHPROM = _org(
    "techprom", "ООО «ТехПром»", "Общество с ограниченной ответственностью «ТехПром»", "7728145639",
    ogrn_head="117774630951", phone="+7 (495) 748-12-30", email="info@techprom.ru",
    address=Address("117342", "Москва", "", "ул. Профсоюзная", "д. 65, корп. 1"),
    banks=("044525225", "044525593"), partner="ТехПром", okpo="12457803",
)
UZMK = _org(
    "uzmk", "Уральский завод металлоконструкций", "Акционерное общество «Уральский завод металлоконструкций»",
    "6671039180", ogrn_head="116665801482", phone="+7 (343) 310-45-80", email="office@uzmk.ru",
    address=Address("620102", "Свердловская обл", "г. Екатеринбург", "ул. Шаумяна", "д. 83"),
    banks=("046577674",), partner="УЗМК", okpo="03958124",
)
TECHPROM_REF = TECHPROM.ref
UZMK_REF = UZMK.ref

VOLGA = _org(
    "volga-energomash", "Волжская энергомашина", "Акционерное общество «Волжская энергомашина»", "631604587",
    ogrn_head="102630156218", phone="+7 (846) 279-40-10", email="sales@volgaenergomash.ru",
    address=Address("443011", "Самарская обл", "г. Самара", "ул. Ново-Садовая", "д. 305"),
    banks=("044525187", "044525225"), partner="Волжская энергомашина",
)

PARTIES: list[Party] = [
    TECHPROM,
    UZMK,
    _org("severstal-k", "ООО «СеверСтальКонструкция»", "Общество с ограниченной ответственностью "
         "«СеверСтальКонструкция»", "352804512", ogrn_head="113352800731", phone="+7 (8202) 55-41-17",
         email="zakaz@ssk-cher.ru", address=Address("162600", "Вологодская обл", "г. Череповец",
                                                    "ул. Металлургов", "д. 14"),
         banks=("044030653",), partner="СеверСтальКонструкция"),
    _org("promsnab-ural", "ООО «ПромСнаб-Урал»", "Общество с ограниченной ответственностью «ПромСнаб-Урал»",
         "744709213", ogrn_head="115744700962", phone="+7 (351) 247-18-90", email="info@promsnab-ural.ru",
         address=Address("454080", "Челябинская обл", "г. Челябинск", "пр-кт Ленина", "д. 83, оф. 412"),
         banks=("046577674", "044525593"), partner="ПромСнаб-Урал"),
    VOLGA,
    Party("volga-tlt", "Волжская энергомашина, филиал в Тольятти",
          "Акционерное общество «Волжская энергомашина» (филиал в г. Тольятти)", "ЮрЛицо", VOLGA.inn,
          "632443001", VOLGA.ogrn, "+7 (8482) 63-21-70", "tlt@volgaenergomash.ru",
          Address("445037", "Самарская обл", "г. Тольятти", "ул. Вокзальная", "д. 28"), ("044525187",),
          partner="Волжская энергомашина", head="volga-energomash"),
    _org("teploset", "ООО «Теплосеть-Сервис»", "Общество с ограниченной ответственностью «Теплосеть-Сервис»",
         "526003781", ogrn_head="112526001438", phone="+7 (831) 433-20-15", email="mail@teploset-nn.ru",
         address=Address("603005", "Нижегородская обл", "г. Нижний Новгород", "ул. Минина", "д. 16А"),
         banks=("044525555",), partner="Теплосеть-Сервис"),
    _org("kazanneftemash", "ООО «КазаньНефтеМаш»", "Общество с ограниченной ответственностью «КазаньНефтеМаш»",
         "165511934", ogrn_head="117169008127", phone="+7 (843) 292-64-70", email="office@kazanneftemash.ru",
         address=Address("420061", "Респ Татарстан", "г. Казань", "ул. Николая Ершова", "д. 29"),
         banks=("044525225", "044525187"), partner="КазаньНефтеМаш"),
    _org("sibmontazh", "ООО «СибМонтажПроект»", "Общество с ограниченной ответственностью «СибМонтажПроект»",
         "540640127", ogrn_head="114547602219", phone="+7 (383) 209-51-33", email="info@sibmp.ru",
         address=Address("630099", "Новосибирская обл", "г. Новосибирск", "ул. Каменская", "д. 7"),
         banks=("044525593",), partner="СибМонтажПроект"),
    _org("kama-kran", "АО «Камский завод подъёмного оборудования»",
         "Акционерное общество «Камский завод подъёмного оборудования»", "590204736",
         ogrn_head="102590086453", phone="+7 (342) 212-07-44", email="kzpo@kzpo-perm.ru",
         address=Address("614000", "Пермский край", "г. Пермь", "ул. Сибирская", "д. 35"),
         banks=("044525225",), partner="Камский завод ПО", okpo="00213457"),
    _org("stroyinvest-m", "ООО «СтройИнвест-М»", "Общество с ограниченной ответственностью «СтройИнвест-М»",
         "500117462", ogrn_head="118503100567", phone="+7 (495) 521-77-04", email="stroyinvest-m@mail.ru",
         address=Address("143900", "Московская обл", "г. Балашиха", "ш. Энтузиастов", "д. 1Б"),
         banks=("044525700", "044525555"), partner="СтройИнвест-М"),
    _org("baltsudoremont", "ООО «Балтийская судоремонтная компания»",
         "Общество с ограниченной ответственностью «Балтийская судоремонтная компания»", "780561284",
         ogrn_head="115784702390", phone="+7 (812) 325-60-48", email="info@bsrk.spb.ru",
         address=Address("198184", "Санкт-Петербург", "", "ул. Гладкова", "д. 4, лит. Б"),
         banks=("044030790", "044030653"), partner="Балтийская СРК",
         extra={"ИсторияКПП": [{"LineNumber": "1", "Период": "2015-02-10T00:00:00", "КПП": "781001001"}]}),
    _org("tula-armatura", "ООО «Тульский арматурный завод»",
         "Общество с ограниченной ответственностью «Тульский арматурный завод»", "710508642",
         ogrn_head="112715400318", phone="+7 (4872) 36-15-90", email="sbyt@tulaarm.ru",
         address=Address("300012", "Тульская обл", "г. Тула", "ул. Тимирязева", "д. 99"),
         banks=("044525187",), partner="Тульский арматурный завод"),
    _org("agrotech", "ООО «АгроТехСервис»", "Общество с ограниченной ответственностью «АгроТехСервис»",
         "366207394", ogrn_head="116366805524", phone="+7 (473) 239-02-61", email="ats@agrotech-vrn.ru",
         address=Address("394036", "Воронежская обл", "г. Воронеж", "ул. Студенческая", "д. 12"),
         banks=("044525225",), partner="АгроТехСервис"),
    _org("donmetall", "ООО «ДонМеталлТрейд»", "Общество с ограниченной ответственностью «ДонМеталлТрейд»",
         "616408815", ogrn_head="119619604413", phone="+7 (863) 268-44-12", email="trade@donmetall.ru",
         address=Address("344002", "Ростовская обл", "г. Ростов-на-Дону", "ул. Большая Садовая", "д. 47"),
         banks=("044525593", "044525700"), partner="ДонМеталлТрейд"),
    _org("nii-promavtomatika", "АО «НИИ Промавтоматика»",
         "Акционерное общество «Научно-исследовательский институт промышленной автоматики»", "772503368",
         ogrn_head="102773909846", phone="+7 (495) 675-30-08", email="nii@promavtomatika.ru",
         address=Address("115280", "Москва", "", "ул. Автозаводская", "д. 23, стр. 5"),
         banks=("044525187",), partner="НИИ Промавтоматика", okpo="07512349"),
    _org("logistikpro", "ООО «ЛогистикПро»", "Общество с ограниченной ответственностью «ЛогистикПро»",
         "774321905", ogrn_head="118774619220", phone="+7 (499) 390-14-72", email="info@logistikpro.ru",
         address=Address("125445", "Москва", "", "Ленинградское ш.", "д. 69, корп. 1"),
         banks=("044525593",), partner="ЛогистикПро"),
    _org("stroyresurs", "ООО «СтройРесурс» (не использовать)",
         "Общество с ограниченной ответственностью «СтройРесурс»", "771902277", ogrn_head="113774658110",
         phone="+7 (495) 963-12-55", email="stroyresurs@yandex.ru",
         address=Address("105077", "Москва", "", "ул. Первомайская", "д. 42"), banks=("044525225",),
         partner="СтройРесурс", deleted=True),
    _org("enisey-sm", "ООО «ЕнисейСтройМеханизация»",
         "Общество с ограниченной ответственностью «ЕнисейСтройМеханизация»", "246513870",
         ogrn_head="114246800359", phone="+7 (391) 256-83-10", email="esm@esm24.ru",
         address=Address("660077", "Красноярский край", "г. Красноярск", "ул. Весны", "д. 3А"),
         banks=("044525225",), partner="ЕнисейСтройМеханизация"),
    _org("gazmontazh-tmn", "ООО «Газ-Монтаж Тюмень»", "Общество с ограниченной ответственностью «Газ-Монтаж Тюмень»",
         "720309451", ogrn_head="117723201884", phone="+7 (3452) 68-90-21", email="gm@gazmontazh72.ru",
         address=Address("625003", "Тюменская обл", "г. Тюмень", "ул. Республики", "д. 61"),
         banks=("044525187", "044525225"), partner="Газ-Монтаж Тюмень"),
    _ip("ip-sokolov", "Соколов Андрей Викторович", "7720148935", ogrnip_head="31677460012345",
        phone="+7 (916) 735-22-10", email="sokolov.av@yandex.ru",
        address=Address("111399", "Москва", "", "ул. Мартеновская", "д. 3, кв. 118"), banks=("044525225",)),
    _ip("ip-garipova", "Гарипова Лилия Рашидовна", "1660093421", ogrnip_head="31816900004567",
        phone="+7 (917) 281-44-03", email="garipova.lr@mail.ru",
        address=Address("420140", "Респ Татарстан", "г. Казань", "ул. Юлиуса Фучика", "д. 90, кв. 45"),
        banks=(MANUAL_BANK.bik,)),
    _ip("ip-kuznetsov", "Кузнецов Павел Игоревич", "6658201744", ogrnip_head="31966580009876",
        phone="+7 (912) 604-17-39", email="kuznetsov.pi@gmail.com",
        address=Address("620141", "Свердловская обл", "г. Екатеринбург", "ул. Бебеля", "д. 150, кв. 7"),
        banks=("046577674",)),
    Party("fl-morozov", "Морозов Дмитрий Алексеевич", "Морозов Дмитрий Алексеевич", "ФизЛицо",
          complete_inn("7715390862"), "", "", "+7 (903) 118-64-25", "d.morozov@mail.ru",
          Address("127282", "Москва", "", "ул. Полярная", "д. 31, кв. 204"), partner="Морозов Д. А."),
    Party("kz-kazmetallsnab", "ТОО «КазМеталлСнаб»", "Товарищество с ограниченной ответственностью «КазМеталлСнаб»",
          "ЮрЛицоНеРезидент", "", "", "", "+7 (727) 258-31-40", "info@kazmetallsnab.kz",
          Address("050000", "Алматы", "", "пр-кт Абая", "д. 52"), partner="КазМеталлСнаб",
          tax_number="180740012345"),
]

# contact persons of partners: (partner description, surname, name, patronymic, position, sex, phone, email)
CONTACT_PERSONS = [
    ("ТехПром", "Смирнова", "Ольга", "Павловна", "Главный инженер", "Женский", "+7 (495) 748-12-31",
     "o.smirnova@techprom.ru"),
    ("ТехПром", "Лебедев", "Игорь", "Николаевич", "Начальник отдела снабжения", "Мужской", "+7 (916) 204-55-18",
     "snab@techprom.ru"),
    ("УЗМК", "Ковалёв", "Сергей", "Михайлович", "Коммерческий директор", "Мужской", "+7 (343) 310-45-82",
     "kovalev@uzmk.ru"),
    ("ПромСнаб-Урал", "Ахметова", "Гульнара", "Ильдаровна", "Менеджер по закупкам", "Женский",
     "+7 (351) 247-18-93", "ahmetova@promsnab-ural.ru"),
    ("Волжская энергомашина", "Тарасов", "Виктор", "Евгеньевич", "Главный механик", "Мужской",
     "+7 (846) 279-40-15", "tarasov@volgaenergomash.ru"),
    ("КазаньНефтеМаш", "Хабибуллин", "Ринат", "Фаридович", "Директор по снабжению", "Мужской",
     "+7 (843) 292-64-71", "habibullin@kazanneftemash.ru"),
    ("Балтийская СРК", "Павлова", "Екатерина", "Андреевна", "Инженер ПТО", "Женский", "+7 (921) 944-03-12",
     "pavlova@bsrk.spb.ru"),
    ("НИИ Промавтоматика", "Зайцев", "Михаил", "Олегович", "Заведующий лабораторией", "Мужской",
     "+7 (495) 675-30-11", "zaitsev@promavtomatika.ru"),
]


# --- rows -------------------------------------------------------------------------------------------


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _phone_row(line: int, kind: str, phone: str) -> dict[str, Any]:
    digits = _digits(phone)
    area = phone.split("(")[1].split(")")[0]
    local = digits[1 + len(area):]
    value = {"value": phone, "type": "Телефон", "countryCode": "7", "areaCode": area, "number": local,
             "extNumber": "", "comment": ""}
    return {
        "LineNumber": str(line), "Тип": "Телефон", "Вид_Key": kind_ref(kind), "Представление": phone,
        "НомерТелефона": "+" + digits, "НомерТелефонаБезКодов": local, "Страна": "РОССИЯ",
        "Значение": json.dumps(value, ensure_ascii=False),
    }


def _email_row(line: int, kind: str, email: str) -> dict[str, Any]:
    value = {"value": email, "type": "АдресЭлектроннойПочты", "comment": ""}
    return {
        "LineNumber": str(line), "Тип": "АдресЭлектроннойПочты", "Вид_Key": kind_ref(kind),
        "Представление": email, "АдресЭП": email, "ДоменноеИмяСервера": email.split("@", 1)[1],
        "Значение": json.dumps(value, ensure_ascii=False),
    }


_STREET_KINDS = ("ул.", "пр-кт", "ш.", "пер.", "б-р", "наб.")


def _address_row(line: int, kind: str, address: Address, country: str = "РОССИЯ") -> dict[str, Any]:
    words = address.street.split()
    if words[-1] in _STREET_KINDS:  # "Ленинградское ш."
        street_type, street = words[-1], " ".join(words[:-1])
    elif words[0] in _STREET_KINDS:
        street_type, street = words[0], " ".join(words[1:])
    else:
        street_type, street = "", address.street
    city = address.city.removeprefix("г. ")
    value = {
        "value": address.text, "type": "Адрес", "country": country, "addressType": "Административно-территориальный",
        "ZIPcode": address.zip, "area": address.region, "city": city, "street": street,
        "streetType": street_type.rstrip("."), "houseType": "Дом",
        "houseNumber": address.house.split(",")[0].removeprefix("д. "),
    }
    return {
        "LineNumber": str(line), "Тип": "Адрес", "Вид_Key": kind_ref(kind), "Представление": address.text,
        "Страна": country, "Регион": address.region, "Город": city or address.region,
        "Значение": json.dumps(value, ensure_ascii=False),
    }


def _account_number(bik: str, branch: str, owner_index: int, account_index: int, *, ip: bool) -> str:
    serial = (owner_index * 7919 + account_index * 104729 + 1234) % 10**7
    return complete_account(("40802" if ip else "40702") + "810" + "0" + branch + f"{serial:07d}", bik)


def partner_ref(description: str) -> str:
    return onec_guid("partner", description)


def seed_rows() -> dict[str, list[dict[str, Any]]]:
    """Every seeded row per entity set, in load order (referenced objects first)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "Catalog_Валюты": [], "Catalog_ВидыКонтактнойИнформации": [], "Catalog_КлассификаторБанков": [],
        "Catalog_Партнеры": [], "Catalog_Контрагенты": [], "Catalog_БанковскиеСчетаКонтрагентов": [],
        "Catalog_КонтактныеЛицаПартнеров": [],
    }
    for code, name, full, symbol, method, words in CURRENCIES:
        rows["Catalog_Валюты"].append({
            "Ref_Key": onec_guid("currency", code), "Code": code, "Description": name, "НаименованиеПолное": full,
            "СимвольноеПредставление": symbol, "СпособУстановкиКурса": method, "ПараметрыПрописи": words,
        })
    for order, (predefined, description, kind) in enumerate(CONTACT_KINDS, start=1):
        rows["Catalog_ВидыКонтактнойИнформации"].append({
            "Ref_Key": kind_ref(predefined), "Description": description, "Тип": kind, "Predefined": True,
            "PredefinedDataName": predefined, "Используется": True, "РеквизитДопУпорядочивания": str(order),
        })
    for bank in BANKS:
        rows["Catalog_КлассификаторБанков"].append({
            "Ref_Key": bank.ref, "Code": bank.bik, "Description": bank.name, "КоррСчет": bank.corr,
            "Город": bank.city, "Адрес": bank.address, "Телефоны": bank.phones, "СВИФТБИК": bank.swift,
            "Страна_Key": onec_guid("country", "643"),
        })

    partners_done: set[str] = set()
    for index, party in enumerate(PARTIES, start=1):
        if party.partner and party.partner not in partners_done:
            partners_done.add(party.partner)
            rows["Catalog_Партнеры"].append({
                "Ref_Key": partner_ref(party.partner), "Code": f"00-{index:08d}", "Description": party.partner,
                "НаименованиеПолное": party.full_name if not party.head else party.description,
                "ЮрФизЛицо": "ЧастноеЛицо" if party.kind == "ФизЛицо" else "Компания",
                "Клиент": True, "ДатаРегистрации": f"20{15 + index % 9:02d}-0{1 + index % 9}-1{index % 10}T00:00:00",
                "DeletionMark": party.deleted,
            })
        rows["Catalog_Контрагенты"].append(_counterparty_row(party))
        rows["Catalog_БанковскиеСчетаКонтрагентов"].extend(_bank_account_rows(party, index))
    for n, (partner, surname, name, patronymic, position, sex, phone, email) in enumerate(CONTACT_PERSONS, 1):
        rows["Catalog_КонтактныеЛицаПартнеров"].append({
            "Ref_Key": onec_guid("contact-person", n), "Owner_Key": partner_ref(partner),
            "Description": f"{surname} {name} {patronymic}", "Фамилия": surname, "Имя": name,
            "Отчество": patronymic, "ДолжностьПоВизитке": position, "Пол": sex,
            "КонтактнаяИнформация": [
                _phone_row(1, "ТелефонКонтактногоЛицаПартнера", phone),
                _email_row(2, "EmailКонтактногоЛицаПартнера", email),
            ],
        })
    return rows


# where the goods actually go: an actual address that differs from the legal one (crm.address TYPE_ID 1 vs 6)
ACTUAL_ADDRESSES = {
    "sibmontazh": Address("630108", "Новосибирская обл", "г. Новосибирск", "ул. Станционная", "д. 38"),
    "volga-energomash": Address("443022", "Самарская обл", "г. Самара", "Заводское ш.", "д. 18"),
    "kazanneftemash": Address("420054", "Респ Татарстан", "г. Казань", "ул. Техническая", "д. 11"),
}


def counterparty_contact_rows(party: Party) -> list[dict[str, Any]]:
    """КонтактнаяИнформация of a counterparty: phone, e-mail, legal address and, for some, an actual one."""
    country = "КАЗАХСТАН" if party.kind == "ЮрЛицоНеРезидент" else "РОССИЯ"
    rows = [
        _phone_row(1, "ТелефонКонтрагента", party.phone),
        _email_row(2, "EmailКонтрагента", party.email),
        _address_row(3, "ЮрАдресКонтрагента", party.address, country),
    ]
    if party.key in ACTUAL_ADDRESSES:
        rows.append(_address_row(4, "ФактАдресКонтрагента", ACTUAL_ADDRESSES[party.key], country))
    return rows


def _counterparty_row(party: Party) -> dict[str, Any]:
    legal = party.kind in ("ЮрЛицо", "ЮрЛицоНеРезидент")
    contact = counterparty_contact_rows(party)
    row: dict[str, Any] = {
        "Ref_Key": party.ref, "Description": party.description, "DeletionMark": party.deleted,
        "НаименованиеПолное": party.full_name, "ОбособленноеПодразделение": party.head is not None,
        "ЮридическоеФизическоеЛицо": "ЮридическоеЛицо" if legal else "ФизическоеЛицо",
        "СтранаРегистрации_Key": onec_guid("country", "398" if party.kind == "ЮрЛицоНеРезидент" else "643"),
        "ГоловнойКонтрагент_Key": onec_guid("counterparty", party.head) if party.head else party.ref,
        "ИНН": party.inn, "КПП": party.kpp, "Партнер_Key": partner_ref(party.partner) if party.partner else ZERO,
        "ЮрФизЛицо": party.kind, "КодПоОКПО": party.okpo, "РегистрационныйНомер": party.ogrn,
        "НалоговыйНомер": party.tax_number, "КонтактнаяИнформация": contact,
    }
    if party.kind == "ЮрЛицо" and not party.head:
        row["пр_НаименованиеДляПечати"] = party.full_name
    row.update(party.extra)
    return row


def _bank_account_rows(party: Party, index: int) -> list[dict[str, Any]]:
    result = []
    for n, bik in enumerate(party.banks, start=1):
        bank = _BANK_BY_BIK.get(bik, MANUAL_BANK)
        number = _account_number(bik, bank.branch, index, n, ip=party.kind == "ИндивидуальныйПредприниматель")
        row: dict[str, Any] = {
            "Ref_Key": onec_guid("bank-account", f"{party.key}:{n}"),
            "Description": f"{number}, {bank.name}", "Owner": party.ref, "Owner_Type": COUNTERPARTY_TYPE,
            "НомерСчета": number, "ВалютаДенежныхСредств_Key": RUB_REF,
            # one closed account: a second account the customer no longer uses
            "Закрыт": party.key == "baltsudoremont" and n == 2,
        }
        if bik in _BANK_BY_BIK:
            row["Банк_Key"] = bank.ref
        else:
            row.update({
                "РучноеИзменениеРеквизитовБанка": True, "БИКБанка": bank.bik, "КоррСчетБанка": bank.corr,
                "НаименованиеБанка": bank.name, "ГородБанка": bank.city,
            })
        result.append(row)
    return result


def bank_of(row: dict[str, Any]) -> tuple[str, str]:
    """(БИК, corr. account) of a seeded bank-account row, from the classifier or the manual fields."""
    if row.get("БИКБанка"):
        return row["БИКБанка"], row["КоррСчетБанка"]
    bank = next(b for b in BANKS if b.ref == row["Банк_Key"])
    return bank.bik, bank.corr


# --- bulk -------------------------------------------------------------------------------------------

_BULK_PREFIXES = [
    ("Сталь", "stal"), ("Техно", "tekhno"), ("Пром", "prom"), ("Урал", "ural"), ("Волга", "volga"),
    ("Сибирь", "sibir"), ("Север", "sever"), ("Энерго", "energo"), ("Металл", "metall"), ("Строй", "stroy"),
    ("Агро", "agro"), ("Нефте", "nefte"), ("Газ", "gaz"), ("Транс", "trans"), ("Инжиниринг", "inzhiniring"),
    ("Лес", "les"), ("Кама", "kama"), ("Дон", "don"), ("Балт", "balt"), ("Ока", "oka"), ("Альфа", "alfa"),
    ("Вектор", "vektor"), ("Гранит", "granit"), ("Кварц", "kvarts"),
]
_BULK_SUFFIXES = [
    ("Монтаж", "montazh"), ("Снаб", "snab"), ("Ресурс", "resurs"), ("Комплект", "komplekt"), ("Маш", "mash"),
    ("Сервис", "servis"), ("Трейд", "treyd"), ("Проект", "proekt"), ("Инвест", "invest"), ("Холдинг", "holding"),
    ("Автоматика", "avtomatika"), ("Техника", "tekhnika"), ("Системы", "sistemy"), ("Логистик", "logistik"),
    ("Сбыт", "sbyt"), ("Групп", "grupp"), ("Деталь", "detal"), ("Пласт", "plast"), ("Кабель", "kabel"),
    ("Арматура", "armatura"),
]
# (tax office code, region, city, phone area code, postcode prefix)
_BULK_REGIONS = [
    ("7701", "Москва", "", "495", "101"), ("7714", "Москва", "", "499", "125"),
    ("5029", "Московская обл", "г. Мытищи", "495", "141"), ("7802", "Санкт-Петербург", "", "812", "194"),
    ("6658", "Свердловская обл", "г. Екатеринбург", "343", "620"),
    ("7451", "Челябинская обл", "г. Челябинск", "351", "454"), ("1657", "Респ Татарстан", "г. Казань", "843", "420"),
    ("5262", "Нижегородская обл", "г. Нижний Новгород", "831", "603"),
    ("5407", "Новосибирская обл", "г. Новосибирск", "383", "630"), ("5904", "Пермский край", "г. Пермь", "342", "614"),
    ("6311", "Самарская обл", "г. Самара", "846", "443"), ("7107", "Тульская обл", "г. Тула", "4872", "300"),
    ("3664", "Воронежская обл", "г. Воронеж", "473", "394"),
    ("6165", "Ростовская обл", "г. Ростов-на-Дону", "863", "344"),
    ("2466", "Красноярский край", "г. Красноярск", "391", "660"), ("7204", "Тюменская обл", "г. Тюмень", "3452", "625"),
]
_STREETS = ["ул. Ленина", "ул. Мира", "ул. Заводская", "ул. Промышленная", "пр-кт Победы", "ул. Садовая",
            "ул. Строителей", "ул. Советская"]
_SURNAMES = [("Иванов", "Иван", "Петрович"), ("Васильева", "Анна", "Сергеевна"), ("Орлов", "Максим", "Юрьевич"),
             ("Фёдорова", "Мария", "Олеговна"), ("Никитин", "Алексей", "Дмитриевич")]


def make_bulk_counterparties(n: int, start: int = 0) -> list[dict[str, Any]]:
    """`n` more valid counterparties (numbers `start`…`start+n-1`), deterministic, for load tests.

    Every 10th is an ИП (12-digit ИНН, no КПП); the rest ООО/АО with 10-digit ИНН and КПП of the same tax
    office. ИНН serials start at 50000 so they never collide with the hand-made seed above.
    """
    rows = []
    for k in range(start, start + n):
        office, region, city, area, zip_prefix = _BULK_REGIONS[k % len(_BULK_REGIONS)]
        serial = k // len(_BULK_REGIONS)
        (pre, pre_lat), (suf, suf_lat) = _BULK_PREFIXES[k % 24], _BULK_SUFFIXES[(k // 24) % 20]
        number = k // 480
        brand = f"{pre}{suf}" + (f"-{number + 1}" if number else "")
        domain = f"{pre_lat}{suf_lat}{number + 1 if number else ''}.ru"
        phone = f"+7 ({area}) {200 + k % 700:03d}-{(k // 7) % 100:02d}-{(k * 13) % 100:02d}"
        if len(area) == 4:
            phone = f"+7 ({area}) {20 + k % 70:02d}-{(k // 7) % 100:02d}-{(k * 13) % 100:02d}"
        address = Address(f"{zip_prefix}{(k * 37) % 1000:03d}", region, city, _STREETS[k % len(_STREETS)],
                          f"д. {1 + k % 120}")
        if k % 10 == 9:
            surname, name, patronymic = _SURNAMES[k % len(_SURNAMES)]
            fio = f"{surname} {name} {patronymic}"
            inn = complete_inn(f"{office}{500000 + serial:06d}")
            row = {
                "Description": f"ИП {fio} ({brand})", "НаименованиеПолное": f"Индивидуальный предприниматель {fio}",
                "ЮрФизЛицо": "ИндивидуальныйПредприниматель", "ЮридическоеФизическоеЛицо": "ФизическоеЛицо",
                "ИНН": inn, "КПП": "", "РегистрационныйНомер": complete_ogrn(f"3{17 + k % 6}{office[:2]}{k:09d}"[:14]),
            }
        else:
            form, form_full = ("АО", "Акционерное общество") if k % 7 == 3 else (
                "ООО", "Общество с ограниченной ответственностью")
            inn = complete_inn(f"{office}{50000 + serial:05d}")
            row = {
                "Description": f"{form} «{brand}»", "НаименованиеПолное": f"{form_full} «{brand}»",
                "ЮрФизЛицо": "ЮрЛицо", "ЮридическоеФизическоеЛицо": "ЮридическоеЛицо", "ИНН": inn,
                "КПП": f"{office}01001",
                "РегистрационныйНомер": complete_ogrn(f"1{15 + k % 9}{office}{serial % 100000:05d}"[:12]),
            }
        row["Ref_Key"] = onec_guid("bulk-counterparty", k)
        row["ГоловнойКонтрагент_Key"] = row["Ref_Key"]
        row["СтранаРегистрации_Key"] = onec_guid("country", "643")
        row["КонтактнаяИнформация"] = [
            _phone_row(1, "ТелефонКонтрагента", phone),
            _email_row(2, "EmailКонтрагента", f"info@{domain}"),
            _address_row(3, "ЮрАдресКонтрагента", address),
        ]
        rows.append(row)
    return rows


def make_bulk_bank_accounts(counterparties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One open rouble account per bulk counterparty, at a bank of the classifier, for load tests: a first load
    then writes a company, a requisite and a bank detail per record, as in a real office."""
    rows = []
    for index, owner in enumerate(counterparties):
        bank = BANKS[index % len(BANKS)]
        ip = owner.get("ЮрФизЛицо") == "ИндивидуальныйПредприниматель"
        number = _account_number(bank.bik, bank.branch, 100000 + index, 1, ip=ip)
        rows.append({
            "Ref_Key": onec_guid("bulk-bank-account", owner["Ref_Key"]), "Description": f"{number}, {bank.name}",
            "Owner": owner["Ref_Key"], "Owner_Type": COUNTERPARTY_TYPE, "НомерСчета": number,
            "ВалютаДенежныхСредств_Key": RUB_REF, "Банк_Key": bank.ref, "Закрыт": False,
        })
    return rows
