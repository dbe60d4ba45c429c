"""What the base really publishes, read from its own `$metadata`, and what that means for each entity.

A real base differs from the profile the product expects: another release adds or drops attributes, the
administrator publishes only some objects in the standard OData interface, extensions add attributes of their
own. The profile says what an entity *wants*; the publication says what the base *has*:

- an object the entity needs is not published → the entity stops, with the exact instruction to publish it;
- a required attribute (key, name, ИНН…) is not published → the entity stops, naming the set and the attribute;
- an optional attribute is not published → a warning naming both; `$select` simply leaves it out;
- attributes the profile does not ask for (extensions, newer releases) are never selected, so they are ignored.

`$metadata` is 15–17 MB on a real base and takes ~23 s: it is streamed into a file in the data folder, parsed
from there with the streaming reader (only the sets the profiles name are kept in memory) and re-read only when
the composition changes (the cheap service document differs), when asked (setup, check) or when 1C rejects a
`$select` (a release dropped an attribute).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from core import messages
from core.atomic_file import write_atomic
from core.errors import ConfigError, NotPublished
from core.mapping.schema import select_of
from core.onec.metadata import EntitySetInfo, scan_metadata

#: where an administrator adds objects to the OData composition (БСП-based configurations: УТ 11, БП 3.0, УНФ)
PUBLISH_PATH = ("«Администрирование → Общие настройки → Интеграция с другими программами → "
                "Настройка стандартного интерфейса OData»")
PUBLISH_HINT = (f"Добавьте объект в состав стандартного интерфейса OData: в 1С откройте {PUBLISH_PATH}, отметьте "
                "объект и нажмите «Сохранить и закрыть». "
                "Если такого пункта нет — обработка «Настройка стандартного интерфейса OData» с диска ИТС "
                "или в конфигураторе метод УстановитьСоставСтандартногоИнтерфейсаOData().")
RIGHTS_HINT = ("Дайте пользователю интеграции право на чтение этого объекта в 1С: «Администрирование → "
               "Настройки пользователей и прав → Профили групп доступа» (и проверьте ограничения на уровне "
               "записей).")

STANDARD_ATTRIBUTES = {"Ref_Key", "DataVersion", "DeletionMark"}


@dataclass(frozen=True)
class PublicationIssue:
    """One finding about the publication: a message code (messages.REASONS) with its parameters."""

    code: str
    entity: str
    entity_set: str
    attribute: str = ""
    blocking: bool = True

    @property
    def params(self) -> dict[str, str]:
        return {"entity_set": self.entity_set, "attribute": self.attribute,
                "entity_title": messages.ENTITY_TITLES.get(self.entity, self.entity),
                "hint": PUBLISH_HINT if self.code != "publication_access_denied" else RIGHTS_HINT}

    def text(self) -> str:
        return messages.render(self.code, self.params)


@dataclass(frozen=True)
class ObjectNeed:
    """One 1C object an entity reads, as the profile's table says (a section with an ``entity_set``)."""

    entity: str  # "counterparty"
    section: str  # "onec", "bank_accounts"…
    entity_set: str
    select: tuple[str, ...]
    poll_select: tuple[str, ...]
    required: tuple[str, ...]
    optional: bool = False  # the entity goes on without this object (a warning instead of a stop)


@dataclass
class EntityPlan:
    """What one entity may read from this publication."""

    entity: str
    issues: list[PublicationIssue] = field(default_factory=list)
    #: entity_set -> ($select list, poll $select list) with only published attributes
    selects: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return any(issue.blocking for issue in self.issues)

    @property
    def warnings(self) -> list[PublicationIssue]:
        return [issue for issue in self.issues if not issue.blocking]

    def select(self, entity_set: str, default: list[str]) -> list[str]:
        return self.selects.get(entity_set, (default, default))[0]

    def poll_select(self, entity_set: str, default: list[str]) -> list[str]:
        return self.selects.get(entity_set, (default, default))[1]


def object_needs(table: dict[str, Any], entity: str) -> list[ObjectNeed]:
    """Every section of the entity's table that names an ``entity_set`` (the main object and its helpers); the
    ``$select`` lists are the ones the pipelines derive (schema.select_of)."""
    spec = table.get(entity)
    if not isinstance(spec, dict):
        return []
    needs = []
    for section, body in spec.items():
        if isinstance(body, dict) and isinstance(body.get("entity_set"), str):
            needs.append(ObjectNeed(entity, section, body["entity_set"], tuple(select_of(body)),
                                    tuple(select_of(body, poll=True)), tuple(body.get("required") or ("Ref_Key",)),
                                    bool(body.get("optional"))))
    return needs


def profile_entities(table: dict[str, Any]) -> list[str]:
    """Entities a profile's table maps (top-level sections that read a 1C object)."""
    return [name for name, body in table.items() if isinstance(body, dict) and object_needs(table, name)]


def not_available(table: dict[str, Any]) -> dict[str, str]:
    """Entities the configuration does not have, with the reason (the table's ``not_available`` section)."""
    return dict(table.get("not_available") or {})


class Publication:
    """Published set names of the base and the details (attributes, tabular parts) of the sets we read."""

    def __init__(self, set_names: Iterable[str], sets: dict[str, EntitySetInfo], read_at: str = "") -> None:
        self.set_names = set(set_names)
        self.sets = sets
        self.read_at = read_at

    @classmethod
    def from_metadata(cls, stream: IO[bytes], names: Iterable[str] | None = None, *,
                      read_at: str = "") -> Publication:
        scan = scan_metadata(stream, None if names is None else set(names))
        return cls(scan.set_names, scan.sets, read_at)

    @classmethod
    def from_file(cls, path: Path, names: Iterable[str] | None = None, *, read_at: str = "") -> Publication:
        with path.open("rb") as stream:
            return cls.from_metadata(stream, names, read_at=read_at)

    def has(self, entity_set: str) -> bool:
        return entity_set in self.set_names

    def has_attribute(self, entity_set: str, attribute: str) -> bool:
        info = self.sets.get(entity_set)
        if info is None:
            return False
        if "/" in attribute:  # "ТабличнаяЧасть/Поле"
            part, column = attribute.split("/", 1)
            return column in info.tabular.get(part, {})
        return info.has(attribute)

    def select_for(self, entity_set: str, wanted: Iterable[str], required: Iterable[str] = (), *,
                   entity: str = "") -> tuple[list[str], list[PublicationIssue]]:
        """The published part of ``wanted`` and a warning per missing optional attribute.

        Raises :class:`NotPublished` when the set is not published and :class:`ConfigError` when a required
        attribute is missing — both name the set (and the attribute) and say how to fix it.
        """
        if not self.has(entity_set):
            issue = PublicationIssue("publication_object_missing", entity, entity_set)
            raise NotPublished(issue.text(), PUBLISH_HINT)
        required_set = set(required) | (STANDARD_ATTRIBUTES & set(wanted))
        select, warnings, missing_required = [], [], []
        for name in dict.fromkeys(wanted):
            if self.has_attribute(entity_set, name):
                select.append(name)
            elif name in required_set:
                missing_required.append(name)
            else:
                warnings.append(PublicationIssue("publication_optional_missing", entity, entity_set, name, False))
        if missing_required:
            issue = PublicationIssue("publication_required_missing", entity, entity_set, ", ".join(missing_required))
            raise ConfigError(issue.text(), PUBLISH_HINT)
        return select, warnings

    def plan(self, table: dict[str, Any], entity: str) -> EntityPlan:
        """Check every object of one entity; never raises — blocking findings are issues with ``blocking``."""
        plan = EntityPlan(entity)
        for need in object_needs(table, entity):
            if not self.has(need.entity_set):
                code = "publication_optional_object_missing" if need.optional else "publication_object_missing"
                plan.issues.append(PublicationIssue(code, entity, need.entity_set, blocking=not need.optional))
                continue
            required = set(need.required) | (STANDARD_ATTRIBUTES & set(need.select))
            missing = [a for a in dict.fromkeys(need.select + need.poll_select) if a in required
                       and not self.has_attribute(need.entity_set, a)]
            if missing:
                plan.issues.append(PublicationIssue("publication_required_missing", entity, need.entity_set,
                                                    ", ".join(missing)))
                continue
            select = [a for a in need.select if self.has_attribute(need.entity_set, a)]
            poll = [a for a in need.poll_select if self.has_attribute(need.entity_set, a)]
            plan.issues += [PublicationIssue("publication_optional_missing", entity, need.entity_set, a, False)
                            for a in need.select if a not in select]
            plan.selects[need.entity_set] = (select, poll)
        return plan


# --- which configuration is this? ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    profile: str | None  # None: could not tell, the admin chooses
    scores: dict[str, int]

    @property
    def certain(self) -> bool:
        return self.profile is not None


def detect_configuration(publication: Publication, tables: dict[str, dict[str, Any]]) -> Detection:
    """Score each profile by its ``detect`` markers (published sets, attributes present/absent); best wins.

    A tie or no marker at all is not a guess: the admin picks the configuration (the wizard says so).
    """
    scores: dict[str, int] = {}
    for name, table in tables.items():
        detect = table.get("detect") or {}
        score = sum(2 for s in detect.get("sets", ()) if publication.has(s))
        for entity_set, attributes in (detect.get("attributes") or {}).items():
            score += sum(1 for a in attributes if publication.has_attribute(entity_set, a))
        for entity_set, attributes in (detect.get("absent_attributes") or {}).items():
            if entity_set in publication.sets:
                score += sum(1 for a in attributes if not publication.has_attribute(entity_set, a))
        scores[name] = score
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return Detection(None, scores)
    return Detection(ranked[0][0], scores)


def detection_names(tables: dict[str, dict[str, Any]]) -> set[str]:
    """Sets whose attributes detection and the profiles need (keeps the parse of a 17 MB file small)."""
    names: set[str] = set()
    for table in tables.values():
        detect = table.get("detect") or {}
        names |= set(detect.get("attributes") or {}) | set(detect.get("absent_attributes") or {})
        for entity in profile_entities(table):
            names |= {need.entity_set for need in object_needs(table, entity)}
    return names


# --- cache in the data folder --------------------------------------------------------------------------------


class MetadataSource(Protocol):
    def service_entity_sets(self) -> set[str]: ...

    def download_metadata(self, dest: IO[bytes], chunk_size: int = ...) -> int: ...


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


MAX_AGE_HOURS = 24.0


def _age_hours(read_at: str) -> float:
    try:
        then = datetime.fromisoformat(read_at)
    except ValueError:
        return float("inf")
    return (datetime.now().astimezone() - then).total_seconds() / 3600


def _digest(names: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


class PublicationCache:
    """`$metadata` of one publication kept as a file with its date and the composition it was read with."""

    def __init__(self, folder: Path, url: str) -> None:
        key = hashlib.sha256(url.encode()).hexdigest()[:16]
        self.folder = folder
        self.xml_path = folder / f"metadata-{key}.xml"
        self.info_path = folder / f"metadata-{key}.json"

    def info(self) -> dict[str, Any] | None:
        try:
            info = json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return info if self.xml_path.is_file() else None

    def invalidate(self) -> None:
        for path in (self.info_path, self.xml_path):
            path.unlink(missing_ok=True)

    def refresh(self, source: MetadataSource, composition: set[str] | None = None) -> dict[str, Any]:
        """Download `$metadata` into the cache (a temporary file first: a broken download never replaces a
        good copy)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        composition = source.service_entity_sets() if composition is None else composition
        tmp = self.xml_path.with_suffix(".part")
        try:
            with tmp.open("wb") as out:
                size = source.download_metadata(out)
            os.replace(tmp, self.xml_path)
        finally:
            tmp.unlink(missing_ok=True)
        info = {"read_at": _now(), "size": size, "composition": _digest(composition)}
        write_atomic(self.info_path, json.dumps(info, ensure_ascii=False).encode())
        return info

    def load(self, source: MetadataSource, names: Iterable[str] | None, *, refresh: bool = False) -> Publication:
        """The publication as the cache has it, re-read first when asked or when the composition changed."""
        info = None if refresh else self.info()
        if info is not None:
            composition = source.service_entity_sets()
            if info.get("composition") != _digest(composition):
                info = self.refresh(source, composition)
        else:
            info = self.refresh(source)
        return Publication.from_file(self.xml_path, names, read_at=str(info.get("read_at", "")))


# --- what the pipelines read through -------------------------------------------------------------------------


class PublishedClient:
    """A 1C client whose ``$select`` lists keep only what the publication has: pipelines ask for what their mapping
    derives, the base answers what it publishes, and a missing optional attribute never turns into a 400.

    Everything else is the wrapped client's (reads, writes, errors); a set the publication does not describe
    (an object read outside the profile's table) passes through unchanged.
    """

    def __init__(self, client: Any, publication: Publication) -> None:
        self._client = client
        self.publication = publication

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def _select(self, entity_set: str, select: list[str] | None) -> list[str] | None:
        if select is None or entity_set not in self.publication.sets:
            return select
        return [a for a in select if self.publication.has_attribute(entity_set, a)]

    def list(self, entity_set: str, *, select: list[str] | None = None, **kw: Any) -> Any:
        return self._client.list(entity_set, select=self._select(entity_set, select), **kw)

    def iter_all(self, entity_set: str, *, select: list[str] | None = None, **kw: Any) -> Any:
        return self._client.iter_all(entity_set, select=self._select(entity_set, select), **kw)

    def get(self, entity_set: str, ref: str, *, select: list[str] | None = None) -> Any:
        return self._client.get(entity_set, ref, select=self._select(entity_set, select))

    def get_many(self, entity_set: str, refs: list[str], *, select: list[str] | None = None, **kw: Any) -> Any:
        return self._client.get_many(entity_set, refs, select=self._select(entity_set, select), **kw)


def needed_sets(table: dict[str, Any]) -> set[str]:
    return {need.entity_set for entity in profile_entities(table) for need in object_needs(table, entity)}


class PublicationSource:
    """The publication of one run. Steady state costs no request: the cached `$metadata` is trusted until it
    disagrees with what the entities need (an object or attribute missing) or 1C rejects a `$select`; only then
    is it re-read (once per run), so an administrator's fix is seen on the next run without any action."""

    def __init__(self, cache: PublicationCache, client: Any, names: set[str]) -> None:
        self.cache = cache
        self.client = client
        self.names = names
        self.publication: Publication | None = None
        self.refreshed = False

    def load(self, *, refresh: bool = False) -> Publication:
        info = None if refresh else self.cache.info()
        if info is not None and _age_hours(str(info.get("read_at", ""))) > MAX_AGE_HOURS:
            info = None  # a release may have brought back an attribute we warned about: re-read daily
        if info is None:
            info = self.cache.refresh(self.client)
            self.refreshed = True
        self.publication = Publication.from_file(self.cache.xml_path, self.names, read_at=str(info.get("read_at", "")))
        return self.publication

    def refresh_once(self) -> bool:
        """Re-read `$metadata` unless this run already did; True when it was re-read."""
        if self.refreshed:
            return False
        self.load(refresh=True)
        return True

    def _news(self, warnings: list[PublicationIssue]) -> list[PublicationIssue]:
        """Warnings worth a journal line: all of them right after `$metadata` was (re)read — at least daily —
        otherwise only those not journaled since, so a scheduled run every 15 minutes does not repeat them."""
        info = self.cache.info() or {}
        seen = set() if self.refreshed else {tuple(w) for w in info.get("warned", [])}
        keys = {(w.code, w.entity_set, w.attribute) for w in warnings}
        news = [w for w in warnings if (w.code, w.entity_set, w.attribute) not in seen]
        if info and news:
            info["warned"] = sorted(seen | keys)
            write_atomic(self.cache.info_path, json.dumps(info, ensure_ascii=False).encode())
        return news

    @staticmethod
    def rejected_select(exc: Exception) -> bool:
        """1C's answer to an attribute it does not know in `$select`/`$filter`: 400, code 6 (notes §1.5)."""
        return getattr(exc, "status", None) == 400 and str(getattr(exc, "code", "")) == "6"

    def reader_for(self, ctx: Any, table: dict[str, Any], entity: str, direction: str, *,
                   journal: bool = True) -> PublishedClient:
        """Judge the entity against the publication: warnings go to the journal (the sync goes on without those
        attributes); a missing object or required attribute raises the ConfigError/NotPublished that stops this
        entity alone, naming the set, the attribute and the fix."""
        publication = self.publication or self.load()
        plan = publication.plan(table, entity)
        if plan.blocked and self.refresh_once():  # the cached copy may be older than the administrator's fix
            publication = self.publication or publication
            plan = publication.plan(table, entity)
        if journal:
            for issue in self._news(plan.warnings):
                ctx.journal(entity=entity, action="skip", reason_code=issue.code, params=issue.params,
                            direction=direction)
        blocking = [issue for issue in plan.issues if issue.blocking]
        if blocking:
            first = blocking[0]
            text = "; ".join(issue.text().split(". ", 1)[0] for issue in blocking)
            error_type = NotPublished if first.code == "publication_object_missing" else ConfigError
            raise error_type(text + ".", PUBLISH_HINT)
        return PublishedClient(self.client, publication)
