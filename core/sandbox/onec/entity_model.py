"""Schema of the objects the sandbox publishes, as a "Управление торговлей 11" base exposes them over OData.

Property names and order of ``Catalog_Контрагенты`` and its ``КонтактнаяИнформация`` row follow the real УТ 11
``$metadata`` excerpt (tests/fixtures/onec/metadata_fragment_ut11.xml); the other catalogs follow the names in
docs/notes (onec-odata.md §4). ``max_length`` is the 1C string length: the sandbox truncates to it silently like
1C does, and 0 means an unlimited string, which 1C refuses to compare in queries. MaxLength is not written to
``$metadata`` because the real document carries none.

The same model produces the ``$metadata`` EDMX (:func:`metadata_xml`), so the sandbox can never serve a
document that disagrees with what it actually returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from xml.sax.saxutils import quoteattr

NAMESPACE = "StandardODATA"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"

# property kinds
PLAIN = "plain"  # Edm.String / Boolean / DateTime / numbers
REF = "ref"  # `<Имя>_Key` Edm.Guid pointing to one entity set
ENUM = "enum"  # Edm.String holding an enumeration member name
COMPOSITE = "composite"  # `<Имя>` Edm.String value of a composite-type attribute
COMPOSITE_TYPE = "composite_type"  # its `<Имя>_Type` companion

ENUMS: dict[str, tuple[str, ...]] = {
    "ЮрФизЛицо": ("ЮрЛицо", "ИндивидуальныйПредприниматель", "ФизЛицо", "ЮрЛицоНеРезидент"),
    "ЮридическоеФизическоеЛицо": ("ЮридическоеЛицо", "ФизическоеЛицо"),
    "ТипыКонтактнойИнформации": (
        "Адрес", "АдресЭлектроннойПочты", "ВебСтраница", "Телефон", "Факс", "Skype", "Другое",
    ),
    "КомпанияЧастноеЛицо": ("Компания", "ЧастноеЛицо"),
    "ПолФизическогоЛица": ("Мужской", "Женский"),
    "ВидыСчетов": ("Расчетный", "Депозитный", "Ссудный", "Иной"),
    "СтавкиНДС": ("БезНДС", "НДС0", "НДС10", "НДС20", "НДС10_110", "НДС20_120"),
    "СпособыУстановкиКурсаВалюты": (
        "РучнойВвод", "ЗагрузкаИзИнтернета", "НаценкаНаКурсДругойВалюты", "РасчетПоФормуле",
    ),
}


@dataclass(frozen=True)
class Prop:
    name: str
    edm: str = "Edm.String"
    kind: str = PLAIN
    max_length: int = 0
    ref_to: str | None = None  # REF: target entity set
    enum: str | None = None  # ENUM: key of ENUMS
    types: tuple[str, ...] = ()  # COMPOSITE: allowed entity sets (without the StandardODATA. prefix)
    nullable: bool = True
    read_only: bool = False  # standard attributes the client cannot write (Ref_Key, DataVersion, Predefined…)

    @property
    def nav_name(self) -> str | None:
        """Navigation property name of a reference (`Партнер_Key` -> `Партнер`)."""
        return self.name[: -len("_Key")] if self.kind == REF else None

    @property
    def comparable(self) -> bool:
        # 1C query language refuses =, <, > on unlimited strings ("поля неограниченной длины")
        return not (self.edm == "Edm.String" and self.kind == PLAIN and self.max_length == 0)


@dataclass(frozen=True)
class TabularPart:
    name: str
    props: tuple[Prop, ...]

    @cached_property
    def by_name(self) -> dict[str, Prop]:
        return {p.name: p for p in self.props}


@dataclass(frozen=True)
class EntitySetDef:
    name: str
    props: tuple[Prop, ...]
    tabular: tuple[TabularPart, ...] = ()
    #: auto-numbering of new items: (prefix, total length) or None when Code is entered by hand / absent
    code_format: tuple[str, int] | None = None
    #: what `$orderby=Ref_Key` sorts by (1C auto-order = the object's presentation)
    presentation: tuple[str, ...] = ("Description",)
    #: auto-numbering of new documents (`Number`): (prefix, total length) or None
    number_format: tuple[str, int] | None = None

    @cached_property
    def by_name(self) -> dict[str, Prop]:
        return {p.name: p for p in self.props}

    @cached_property
    def tabular_by_name(self) -> dict[str, TabularPart]:
        return {t.name: t for t in self.tabular}

    @property
    def object_name(self) -> str:
        """Metadata object name without the prefix: `Catalog_Контрагенты` -> `Контрагенты`."""
        return self.name.split("_", 1)[1]


@dataclass(frozen=True)
class TabularSetDef:
    """A tabular part published as its own read-only set (`Catalog_Контрагенты_КонтактнаяИнформация`)."""

    owner: EntitySetDef
    part: TabularPart

    @property
    def name(self) -> str:
        return f"{self.owner.name}_{self.part.name}"

    @property
    def props(self) -> tuple[Prop, ...]:
        return self.part.props

    @property
    def by_name(self) -> dict[str, Prop]:
        return self.part.by_name

    @property
    def tabular(self) -> tuple[TabularPart, ...]:
        return ()

    @property
    def tabular_by_name(self) -> dict[str, TabularPart]:
        return {}

    @property
    def presentation(self) -> tuple[str, ...]:
        return ()

    @property
    def object_name(self) -> str:
        return self.name.split("_", 1)[1]


# --- helpers to declare properties -----------------------------------------------------------------


def s(name: str, length: int) -> Prop:
    return Prop(name, "Edm.String", max_length=length)


def b(name: str) -> Prop:
    return Prop(name, "Edm.Boolean")


def dt(name: str) -> Prop:
    return Prop(name, "Edm.DateTime")


def num(name: str, edm: str = "Edm.Double") -> Prop:
    return Prop(name, edm)


def ref(name: str, target: str) -> Prop:
    return Prop(name, "Edm.Guid", REF, ref_to=target)


def enum(name: str, enum_name: str) -> Prop:
    return Prop(name, "Edm.String", ENUM, enum=enum_name)


def composite(name: str, *types: str) -> tuple[Prop, Prop]:
    return (
        Prop(name, "Edm.String", COMPOSITE, types=types),
        Prop(f"{name}_Type", "Edm.String", COMPOSITE_TYPE),
    )


def _row_head() -> tuple[Prop, ...]:
    return (
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("LineNumber", "Edm.Int64", nullable=False),
    )


def _catalog_head(*, code: int | None = None, description: int = 100) -> tuple[Prop, ...]:
    head = [
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        Prop("DataVersion", read_only=True),
        b("DeletionMark"),
    ]
    if code is not None:
        head.append(s("Code", code))
    head.append(s("Description", description))
    return tuple(head)


def _predefined() -> tuple[Prop, ...]:
    return (
        Prop("Predefined", "Edm.Boolean", read_only=True),
        Prop("PredefinedDataName", read_only=True),
    )


KI = "Catalog_ВидыКонтактнойИнформации"

CONTACT_INFO_PART = TabularPart("КонтактнаяИнформация", (
    *_row_head(),
    enum("Тип", "ТипыКонтактнойИнформации"),
    ref("Вид_Key", KI),
    s("Представление", 500),
    s("ЗначенияПолей", 0),
    s("Страна", 100),
    s("Регион", 50),
    s("Город", 50),
    s("АдресЭП", 100),
    s("ДоменноеИмяСервера", 100),
    s("НомерТелефона", 20),
    s("НомерТелефонаБезКодов", 20),
    ref("ВидДляСписка_Key", KI),
    dt("ДействуетС"),
    s("Значение", 0),
))

COUNTERPARTIES = EntitySetDef(
    "Catalog_Контрагенты",
    (
        # order as in the real УТ 11 $metadata
        Prop("Ref_Key", "Edm.Guid", nullable=False, read_only=True),
        *_predefined(),
        Prop("DataVersion", read_only=True),
        s("Description", 100),
        b("DeletionMark"),
        s("НаименованиеПолное", 1000),
        b("ОбособленноеПодразделение"),
        enum("ЮридическоеФизическоеЛицо", "ЮридическоеФизическоеЛицо"),
        ref("СтранаРегистрации_Key", "Catalog_СтраныМира"),
        ref("ГоловнойКонтрагент_Key", "Catalog_Контрагенты"),
        s("ИНН", 12),
        s("КПП", 9),
        s("ДополнительнаяИнформация", 0),
        ref("Партнер_Key", "Catalog_Партнеры"),
        enum("ЮрФизЛицо", "ЮрФизЛицо"),
        b("НДСПоСтавкам4и2"),
        s("КодПоОКПО", 10),
        s("РегистрационныйНомер", 50),
        s("НалоговыйНомер", 50),
        s("НаименованиеМеждународное", 100),
        s("НаименованиеВТранскрипции", 100),
        s("пр_НаименованиеДляПечати", 150),
        s("Б_Идентификатор", 36),
        s("Б_НомерВерсии", 20),
    ),
    (
        CONTACT_INFO_PART,
        TabularPart("ДополнительныеРеквизиты", (
            *_row_head(),
            ref("Свойство_Key", "ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения"),
            *composite("Значение", "Catalog_ЗначенияСвойствОбъектов", "Catalog_Контрагенты", "Catalog_Партнеры"),
            s("ТекстоваяСтрока", 0),
        )),
        TabularPart("ИсторияКПП", (*_row_head(), dt("Период"), s("КПП", 9))),
        TabularPart("ИсторияНаименований", (*_row_head(), dt("Период"), s("НаименованиеПолное", 1000))),
    ),
)

PARTNERS = EntitySetDef(
    "Catalog_Партнеры",
    (
        *_catalog_head(code=11, description=100),
        ref("Parent_Key", "Catalog_Партнеры"),
        b("IsFolder"),
        s("НаименованиеПолное", 1000),
        enum("ЮрФизЛицо", "КомпанияЧастноеЛицо"),
        b("Клиент"),
        b("Поставщик"),
        b("Конкурент"),
        b("ПрочиеОтношения"),
        ref("ОсновнойМенеджер_Key", "Catalog_Пользователи"),
        dt("ДатаРегистрации"),
        s("Комментарий", 0),
        *_predefined(),
    ),
    (CONTACT_INFO_PART,),
    code_format=("00-", 11),
)

BANK_ACCOUNTS = EntitySetDef(
    "Catalog_БанковскиеСчетаКонтрагентов",
    (
        *_catalog_head(description=150),
        *composite("Owner", "Catalog_Контрагенты", "Catalog_ФизическиеЛица"),
        s("НомерСчета", 34),
        ref("Банк_Key", "Catalog_КлассификаторБанков"),
        ref("БанкДляРасчетов_Key", "Catalog_КлассификаторБанков"),
        ref("ВалютаДенежныхСредств_Key", "Catalog_Валюты"),
        s("БИКБанка", 9),
        s("КоррСчетБанка", 20),
        s("НаименованиеБанка", 100),
        s("ГородБанка", 30),
        b("РучноеИзменениеРеквизитовБанка"),
        s("ТекстКорреспондента", 0),
        s("ТекстНазначения", 0),
        b("Закрыт"),
        s("Комментарий", 0),
        *_predefined(),
    ),
)

BANKS = EntitySetDef(
    "Catalog_КлассификаторБанков",
    (
        *_catalog_head(code=9, description=100),
        ref("Parent_Key", "Catalog_КлассификаторБанков"),
        b("IsFolder"),
        s("КоррСчет", 20),
        s("Город", 30),
        s("Адрес", 500),
        s("Телефоны", 100),
        s("СВИФТБИК", 11),
        ref("Страна_Key", "Catalog_СтраныМира"),
        b("ДеятельностьПрекращена"),
        num("РучноеИзменение", "Edm.Int16"),
        *_predefined(),
    ),
)

CONTACT_PERSONS = EntitySetDef(
    "Catalog_КонтактныеЛицаПартнеров",
    (
        *_catalog_head(description=100),
        ref("Owner_Key", "Catalog_Партнеры"),
        s("Фамилия", 50),
        s("Имя", 50),
        s("Отчество", 50),
        s("ДолжностьПоВизитке", 100),
        enum("Пол", "ПолФизическогоЛица"),
        dt("ДатаРождения"),
        s("Комментарий", 0),
        *_predefined(),
    ),
    (CONTACT_INFO_PART,),
)

CURRENCIES = EntitySetDef(
    "Catalog_Валюты",
    (
        *_catalog_head(code=3, description=10),
        s("НаименованиеПолное", 50),
        s("СимвольноеПредставление", 10),
        num("Наценка"),
        ref("ОсновнаяВалюта_Key", "Catalog_Валюты"),
        enum("СпособУстановкиКурса", "СпособыУстановкиКурсаВалюты"),
        s("ПараметрыПрописи", 200),
        *_predefined(),
    ),
)

CONTACT_INFO_KINDS = EntitySetDef(
    KI,
    (
        *_catalog_head(description=100),
        ref("Parent_Key", KI),
        b("IsFolder"),
        enum("Тип", "ТипыКонтактнойИнформации"),
        b("ВидРедактирования"),
        b("Используется"),
        num("РеквизитДопУпорядочивания", "Edm.Int64"),
        *_predefined(),
    ),
)

UT11_SETS: tuple[EntitySetDef, ...] = (
    COUNTERPARTIES, PARTNERS, BANK_ACCOUNTS, BANKS, CONTACT_PERSONS, CURRENCIES, CONTACT_INFO_KINDS,
)

# the catalogue part lives in its own module; it needs the helpers above, hence the late import
from core.sandbox.onec.catalog_model import CATALOG_ENUMS, CATALOG_SETS  # noqa: E402

for _name, _members in CATALOG_ENUMS.items():  # members are merged: БП and УНФ share «СтавкиНДС»
    ENUMS[_name] = tuple(dict.fromkeys((*ENUMS.get(_name, ()), *_members)))
UT11_SETS = (*UT11_SETS, *CATALOG_SETS)

CONFIGURATIONS = ("ut11", "bp30", "unf")


def configuration_sets(configuration: str) -> tuple[EntitySetDef, ...]:
    """Object definitions of a configuration; bp30/unf live in their own modules (they import the helpers here)."""
    if configuration == "ut11":
        from core.sandbox.onec.sales_model import SALES_SETS  # the sales objects import this module's helpers

        # an object another part of the model already defines (the catalogue's warehouses, VAT rates) is theirs
        defined = {d.name for d in UT11_SETS}
        return (*UT11_SETS, *(d for d in SALES_SETS if d.name not in defined))
    if configuration == "bp30":
        from core.sandbox.onec.model_bp30 import BP30_SETS

        return BP30_SETS
    if configuration == "unf":
        from core.sandbox.onec.model_unf import UNF_SETS

        return UNF_SETS
    raise ValueError(f"unknown sandbox configuration {configuration!r}; known: {', '.join(CONFIGURATIONS)}")


@dataclass
class Model:
    """The published part of the model: what `$metadata`, the service document and routing see."""

    objects: dict[str, EntitySetDef]
    published: set[str] = field(default_factory=set)

    @classmethod
    def ut11(cls, published: set[str] | None = None) -> Model:
        return cls.for_configuration("ut11", published)

    @classmethod
    def for_configuration(cls, configuration: str, published: set[str] | None = None) -> Model:
        """The objects of one configuration (``ut11``, ``bp30``, ``unf``), each with its own names."""
        objects = {d.name: d for d in configuration_sets(configuration)}
        if published is None:
            names = set(objects)
        else:
            unknown = published - set(objects)
            if unknown:
                raise ValueError(f"not in the sandbox model: {sorted(unknown)}")
            names = set(published)
        return cls(objects, names)

    def drop_attribute(self, entity_set: str, attribute: str) -> None:
        """Make the base look like a release without this attribute (or tabular part): it vanishes from
        `$metadata`, from answers and from `$select`/`$filter` (400 «Сегмент пути … не найден!»), and writes
        ignore it, as 1C ignores unknown names. Stored values stay, as they would in the database."""
        defn = self.objects[entity_set]
        props = tuple(p for p in defn.props if p.name != attribute and p.name != f"{attribute}_Type")
        tabular = tuple(t for t in defn.tabular if t.name != attribute)
        if len(props) == len(defn.props) and len(tabular) == len(defn.tabular):
            raise ValueError(f"{entity_set} has no attribute {attribute}")
        self.objects[entity_set] = replace(defn, props=props, tabular=tabular)

    def is_published(self, name: str) -> bool:
        return name in self.published

    def entity_set(self, name: str) -> EntitySetDef | TabularSetDef | None:
        """A published object or a tabular part of a published object; None for anything else.

        An unpublished object answers exactly like a name that does not exist (notes §3.1).
        """
        if name in self.published:
            return self.objects[name]
        for owner_name in self.published:
            owner = self.objects[owner_name]
            if name.startswith(owner_name + "_"):
                part = owner.tabular_by_name.get(name[len(owner_name) + 1:])
                if part is not None:
                    return TabularSetDef(owner, part)
        return None

    def published_names(self) -> list[str]:
        """Every published set, tabular parts included, in a stable order."""
        names: list[str] = []
        for name in sorted(self.published):
            names.append(name)
            names.extend(f"{name}_{t.name}" for t in self.objects[name].tabular)
        return names


# --- $metadata --------------------------------------------------------------------------------------


def _nav_props(props: tuple[Prop, ...], model: Model) -> list[Prop]:
    # 1C only links references whose target is in the composition; the rest stay bare `_Key` GUIDs
    return [p for p in props if p.kind == REF and p.ref_to and model.is_published(p.ref_to)]


def _property_xml(p: Prop, indent: str) -> str:
    nullable = "true" if p.nullable else "false"
    return f'{indent}<Property Name={quoteattr(p.name)} Type="{p.edm}" Nullable="{nullable}"/>'


def metadata_xml(model: Model) -> str:
    """EDMX (CSDL v3) of the published sets, shaped like the 1C platform's `$metadata`."""
    i2, i3, i4 = " " * 6, " " * 8, " " * 10
    types: list[str] = []
    complex_types: list[str] = []
    associations: list[str] = []
    sets: list[str] = []
    enums_used: set[str] = set()

    def entity_type(name: str, keys: tuple[str, ...], props: tuple[Prop, ...],
                    tabular: tuple[TabularPart, ...]) -> None:
        lines = [f"{i2}<EntityType Name={quoteattr(name)}>", f"{i3}<Key>"]
        lines += [f"{i4}<PropertyRef Name={quoteattr(k)}/>" for k in keys]
        lines.append(f"{i3}</Key>")
        for p in props:
            lines.append(_property_xml(p, i3))
            if p.enum:
                enums_used.add(p.enum)
        for t in tabular:
            row_type = f"{NAMESPACE}.{name}_{t.name}_RowType"
            lines.append(f'{i3}<Property Name={quoteattr(t.name)} Type="Collection({row_type})" Nullable="true"/>')
        for p in _nav_props(props, model):
            relationship = f"{NAMESPACE}.{name}_{p.nav_name}"
            lines.append(f"{i3}<NavigationProperty Name={quoteattr(p.nav_name or '')} "
                         f'Relationship={quoteattr(relationship)} FromRole="Begin" ToRole="End"/>')
            associations.append("\n".join((
                f"{i2}<Association Name={quoteattr(f'{name}_{p.nav_name}')}>",
                f'{i3}<End Role="Begin" Type={quoteattr(f"{NAMESPACE}.{name}")} Multiplicity="*"/>',
                f'{i3}<End Role="End" Type={quoteattr(f"{NAMESPACE}.{p.ref_to}")} Multiplicity="0..1"/>',
                f"{i2}</Association>",
            )))
        lines.append(f"{i2}</EntityType>")
        types.append("\n".join(lines))
        sets.append(f'{i3}<EntitySet Name={quoteattr(name)} EntityType={quoteattr(f"{NAMESPACE}.{name}")}/>')

    for name in sorted(model.published):
        obj = model.objects[name]
        # register record sets have no Ref_Key: a record is identified by its recorder and line
        keys = ("Ref_Key",) if "Ref_Key" in obj.by_name else tuple(
            k for k in ("Recorder_Key", "Recorder", "LineNumber") if k in obj.by_name)
        entity_type(name, keys, obj.props, obj.tabular)
        for t in obj.tabular:
            entity_type(f"{name}_{t.name}", ("Ref_Key", "LineNumber"), t.props, ())
            rows = [f"{i2}<ComplexType Name={quoteattr(f'{name}_{t.name}_RowType')}>"]
            rows += [_property_xml(p, i3) for p in t.props]
            rows.append(f"{i2}</ComplexType>")
            complex_types.append("\n".join(rows))

    enum_xml = []
    for enum_name in sorted(enums_used):
        members = "\n".join(f"{i3}<Member Name={quoteattr(m)}/>" for m in ENUMS[enum_name])
        enum_xml.append(f'{i2}<EnumType Name={quoteattr(enum_name)} UnderlyingType="Edm.Int32">\n'
                        f"{members}\n{i2}</EnumType>")

    body = "\n".join([*types, *complex_types, *enum_xml, *associations])
    for name in sorted(n for n in model.published if n.startswith("Document_")):
        for action in ("Post", "Unpost"):  # bound actions of every document, as in the real EDMX
            sets.append("\n".join((
                f'{i3}<FunctionImport Name="{action}" IsBindable="true" IsSideEffecting="true">',
                f'{i4}<Parameter Name="bindingParameter" Type={quoteattr(f"{NAMESPACE}.{name}")}/>',
                f'{i4}<Parameter Name="PostingModeOperational" Type="Edm.Boolean"/>',
                f"{i3}</FunctionImport>",
            )))
    container = "\n".join(sets)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">\n'
        '  <edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" '
        'm:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0">\n'
        f'    <Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" Namespace="{NAMESPACE}">\n'
        f"{body}\n"
        '      <EntityContainer Name="EnterpriseV8" m:IsDefaultEntityContainer="true">\n'
        f"{container}\n"
        "      </EntityContainer>\n"
        "    </Schema>\n"
        "  </edmx:DataServices>\n"
        "</edmx:Edmx>\n"
    )
