"""What the sandbox writes on the wire: JSON light entities, `$select`/`$expand`, Atom XML, error bodies, HTML pages.

JSON follows onec-odata.md §2: Int64 as strings, `<Имя>@navigationLinkUrl` only for non-empty references
whose target is published, tabular parts as arrays of rows without links. Without `$format=json` the
1C service answers Atom/XML, so a client that forgets the parameter gets XML here too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from core.sandbox.onec.codec import ODataFault, json_value
from core.sandbox.onec.entity_model import (
    COMPOSITE,
    ENUM,
    NAMESPACE,
    REF,
    ZERO_GUID,
    EntitySetDef,
    Model,
    Prop,
    TabularSetDef,
)
from core.sandbox.onec.odata_filter import strip_namespace

AnySet = EntitySetDef | TabularSetDef
Resolver = Callable[[str, str], "dict[str, Any] | None"]
PRESENTATION_SUFFIX = "____Presentation"


@dataclass
class Selection:
    """Parsed `$select`. No `$select` = everything, `*` = everything, `**` = everything except tabular parts."""

    props: set[str] | None = None  # None = all properties
    tabular: dict[str, set[str] | None] = field(default_factory=dict)  # part -> row fields (None = all)
    all_tabular: bool = True
    navs: set[str] = field(default_factory=set)  # navigation properties named in $select (for $expand)
    presentations: list[str] = field(default_factory=list)

    @property
    def everything(self) -> bool:
        return self.props is None


def parse_select(text: str | None, defn: AnySet, model: Model) -> Selection:
    if text is None or not text.strip():
        return Selection()
    sel = Selection(props=set(), all_tabular=False)
    for raw in text.split(","):
        item = raw.strip()
        if item == "*":
            sel.props = None
            sel.all_tabular = True
        elif item == "**":
            sel.props = None
        elif item == "Presentation" or item.endswith(PRESENTATION_SUFFIX):
            base = item[: -len(PRESENTATION_SUFFIX)] if item != "Presentation" else ""
            if base and base not in defn.by_name and f"{base}_Key" not in defn.by_name:
                raise ODataFault(400, "6", f"Сегмент пути '{item}' не найден!")
            sel.presentations.append(item)
        elif "/" in item:
            part_name, _, sub = item.partition("/")
            part = defn.tabular_by_name.get(part_name.strip())
            if part is None or sub.strip() not in part.by_name:
                raise ODataFault(400, "6", f"Сегмент пути '{item}' не найден!")
            current = sel.tabular.get(part.name, set())
            if current is not None:
                current.add(sub.strip())
                sel.tabular[part.name] = current
        elif item in defn.by_name:
            if sel.props is not None:
                sel.props.add(item)
                if defn.by_name[item].kind == COMPOSITE:
                    sel.props.add(f"{item}_Type")
        elif item in defn.tabular_by_name:
            sel.tabular[item] = None
        elif (ref := defn.by_name.get(f"{item}_Key")) is not None and ref.kind == REF \
                and model.is_published(ref.ref_to or ""):
            sel.navs.add(item)
        else:
            raise ODataFault(400, "6", f"Сегмент пути '{item}' не найден!")
    return sel


def parse_expand(text: str | None, defn: AnySet, model: Model) -> list[Prop]:
    if not text or not text.strip():
        return []
    navs = []
    for raw in text.split(","):
        name = raw.strip().split("/", 1)[0]
        ref = defn.by_name.get(f"{name}_Key")
        if ref is None or ref.kind != REF or not model.is_published(ref.ref_to or ""):
            raise ODataFault(400, "6", f"Сегмент пути '{raw.strip()}' не найден!")
        navs.append(ref)
    return navs


def key_predicate(defn: AnySet, row: dict[str, Any]) -> str:
    if isinstance(defn, TabularSetDef):
        return f"(Ref_Key=guid'{row['Ref_Key']}', LineNumber={row['LineNumber']})"
    return f"(guid'{row['Ref_Key']}')"


def row_json(props: tuple[Prop, ...], row: dict[str, Any], wanted: set[str] | None = None) -> dict[str, Any]:
    return {p.name: json_value(p, row.get(p.name)) for p in props if wanted is None or p.name in wanted}


class EntityWriter:
    """Serialises stored rows of one set for one request."""

    def __init__(self, model: Model, defn: AnySet, resolve: Resolver, *, selection: Selection | None = None,
                 expand: list[Prop] | None = None, links: bool = True) -> None:
        self.model = model
        self.defn = defn
        self.resolve = resolve
        self.sel = selection or Selection()
        self.expand = expand or []
        self.links = links

    def entity(self, row: dict[str, Any]) -> dict[str, Any]:
        defn, sel = self.defn, self.sel
        out = row_json(defn.props, row, sel.props)
        for part in defn.tabular:
            if sel.all_tabular or part.name in sel.tabular:
                wanted = None if sel.all_tabular else sel.tabular.get(part.name)
                out[part.name] = [row_json(part.props, r, wanted) for r in row.get(part.name, [])]
        for item in sel.presentations:
            out[item] = self._presentation(item, row)
        if self.links and "Ref_Key" in defn.by_name:  # register records and virtual-table rows carry no links
            for p in defn.props:
                if p.kind != REF or not self.model.is_published(p.ref_to or ""):
                    continue
                nav = p.nav_name or ""
                if not sel.everything and p.name not in (sel.props or ()) and nav not in sel.navs:
                    continue
                if row.get(p.name, ZERO_GUID) != ZERO_GUID:  # only non-empty references get a link
                    out[f"{nav}@navigationLinkUrl"] = f"{defn.name}{key_predicate(defn, row)}/{nav}"
        for p in self.expand:
            nav = p.nav_name or ""
            if not sel.everything and nav not in sel.navs:
                continue  # 1C expands a link only when the navigation property is selected too
            target = self.resolve(p.ref_to or "", row.get(p.name, ZERO_GUID))
            target_defn = self.model.objects[p.ref_to or ""]
            out[nav] = None if target is None else EntityWriter(self.model, target_defn, self.resolve,
                                                                links=self.links).entity(target)
        return out

    def _presentation(self, item: str, row: dict[str, Any]) -> str:
        if item == "Presentation":
            return self._present(self.defn.name if isinstance(self.defn, EntitySetDef) else "", row["Ref_Key"])
        base = item[: -len(PRESENTATION_SUFFIX)]
        p = self.defn.by_name.get(base) or self.defn.by_name[f"{base}_Key"]
        value = row.get(p.name)
        if p.kind == REF:
            return self._present(p.ref_to or "", value)
        if p.kind == COMPOSITE:
            return self._present(strip_namespace(row.get(f"{base}_Type", "")), value)
        if p.kind == ENUM or isinstance(value, str):
            return str(value)
        return str(json_value(p, value))

    def _present(self, target: str, ref: Any) -> str:
        defn = self.model.objects.get(target)
        if defn is None or not ref or ref == ZERO_GUID:
            return ""
        row = self.resolve(target, ref)
        return "" if row is None else " ".join(str(row.get(f, "")) for f in defn.presentation)


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_json(code: str, message: str) -> bytes:
    return dumps({"odata.error": {"code": code, "message": {"lang": "ru", "value": message}}})


def error_xml(code: str, message: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<m:error xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">\n'
        f" <m:code>{escape(code)}</m:code>\n <m:message>{escape(message)}</m:message>\n</m:error>"
    ).encode()


# --- Atom -------------------------------------------------------------------------------------------

_ATOM_NS = (
    'xmlns="http://www.w3.org/2005/Atom" '
    'xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" '
    'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"'
)


def _atom_value(name: str, value: Any, edm: str | None, owner: str = "") -> str:
    if isinstance(value, list):
        rows = "".join(
            "<d:element>" + "".join(_atom_value(k, v, None) for k, v in r.items()) + "</d:element>" for r in value
        )
        return f'<d:{name} m:type="Collection({NAMESPACE}.{owner}_{name}_RowType)">{rows}</d:{name}>'
    if value is None:
        return f'<d:{name} m:null="true"/>'
    if isinstance(value, dict):
        return ""  # expanded entities are links in Atom; the minimal feed leaves them out
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    type_attr = f' m:type="{edm}"' if edm and edm != "Edm.String" else ""
    return f"<d:{name}{type_attr}>{escape(text)}</d:{name}>"


def atom_entry(base_url: str, defn: AnySet, row: dict[str, Any], entity: dict[str, Any], *,
               root: bool = False) -> str:
    entry_id = f"{base_url}{defn.name}{key_predicate(defn, row)}"
    types = {p.name: p.edm for p in defn.props}
    links = "".join(
        f'<link rel="http://schemas.microsoft.com/ado/2007/08/dataservices/related/{escape(k.split("@")[0])}" '
        f'type="application/atom+xml;type=entry" title={quoteattr(k.split("@")[0])} href={quoteattr(v)}/>'
        for k, v in entity.items() if k.endswith("@navigationLinkUrl")
    )
    props = "".join(
        _atom_value(k, v, types.get(k), defn.name) for k, v in entity.items() if not k.endswith("@navigationLinkUrl")
    )
    ns = f" {_ATOM_NS} xml:base={quoteattr(base_url)}" if root else ""
    return (
        f"<entry{ns}><id>{escape(entry_id)}</id>"
        f'<category term="{NAMESPACE}.{escape(defn.name)}" '
        'scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/>'
        f'<title/><updated>{_now()}</updated><author/>{links}'
        f'<content type="application/xml"><m:properties>{props}</m:properties></content></entry>'
    )


def atom_feed(base_url: str, defn: AnySet, rows: list[tuple[dict[str, Any], dict[str, Any]]],
              count: int | None = None) -> bytes:
    count_xml = f"<m:count>{count}</m:count>" if count is not None else ""
    entries = "".join(atom_entry(base_url, defn, row, entity) for row, entity in rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<feed {_ATOM_NS} xml:base={quoteattr(base_url)}>"
        f"<id>{escape(base_url + defn.name)}</id><title type=\"text\">{escape(defn.name)}</title>"
        f"<updated>{_now()}</updated><author/>{count_xml}{entries}</feed>"
    ).encode()


def atom_single(base_url: str, defn: AnySet, row: dict[str, Any], entity: dict[str, Any]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + atom_entry(base_url, defn, row, entity, root=True)).encode("utf-8")


def atom_service(base_url: str, names: list[str]) -> bytes:
    collections = "".join(
        f"<collection href={quoteattr(n)}><atom:title>{escape(n)}</atom:title></collection>" for n in names
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<service xmlns="http://www.w3.org/2007/app" xmlns:atom="http://www.w3.org/2005/Atom" '
        f"xml:base={quoteattr(base_url)}><workspace><atom:title>Default</atom:title>{collections}"
        "</workspace></service>"
    ).encode()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- web-server pages (not from 1C itself) ----------------------------------------------------------

IIS_500_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>500 - Internal server error.</title>
<style type="text/css">
<!--
body{margin:0;font-size:.7em;font-family:Verdana, Arial, Helvetica, sans-serif;background:#EEEEEE;}
fieldset{padding:0 15px 10px 15px;}
h1{font-size:2.4em;margin:0;color:#FFF;}
h2{font-size:1.7em;margin:0;color:#CC0000;}
h3{font-size:1.2em;margin:10px 0 0 0;color:#000000;}
#header{width:96%;margin:0 0 0 0;padding:6px 2% 6px 2%;font-family:"trebuchet MS", Verdana, sans-serif;\
color:#FFF;background-color:#555555;}
#content{margin:0 0 0 2%;position:relative;}
.content-container{background:#FFF;width:96%;margin-top:8px;padding:10px;position:relative;}
-->
</style>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>500 - Internal server error.</h2>
  <h3>There is a problem with the resource you are looking for, and it cannot be displayed.</h3>
 </fieldset></div>
</div>
</body>
</html>
"""

IIS_503_PAGE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>Service Unavailable</TITLE>
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>
<BODY><h2>Service Unavailable</h2>
<hr><p>HTTP Error 503. The service is unavailable.</p>
</BODY></HTML>
"""

APACHE_404_PAGE = """<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
<hr>
<address>Apache/2.4.58 (Win64) Server at 127.0.0.1 Port 80</address>
</body></html>
"""

IIS_404_15_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>IIS 10.0 Detailed Error - 404.15 - Not Found</title></head>
<body><div id="content"><div class="content-container"><h3>HTTP Error 404.15 - Not Found</h3>
<h4>The request filtering module is configured to deny a request where the query string is too long.</h4>
</div></div></body></html>
"""
BAD_URL_PAGE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">
<HTML><HEAD><TITLE>Bad Request</TITLE>
<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>
<BODY><h2>Bad Request - Invalid URL</h2>
<hr><p>HTTP Error 400. The request URL is invalid.</p>
</BODY></HTML>
"""

# Shape reconstructed from the notes ("1C:Enterprise 8 application error … by reason:"), text is ours.
ONEC_APP_ERROR_PAGE = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>1C:Enterprise 8 application error</title></head>
<body><h1>1C:Enterprise 8 application error</h1>
<p>Ошибка при выполнении запроса by reason:
Ошибка соединения с сервером 1С:Предприятия 8.3:
Сервер 1С:Предприятия не обнаружен
Не удалось подключиться к серверу 1С:Предприятия 8.3 srv-1c:1541</p>
</body></html>
"""

# A 200 page instead of JSON: what a reverse proxy / SSO portal serves when it intercepts the request.
LOGIN_PAGE_200 = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Вход в систему</title></head>
<body><form method="post" action="/auth/login"><h1>Корпоративный портал</h1>
<p>Для продолжения войдите под учётной записью домена.</p>
<input name="login"><input name="password" type="password"><button>Войти</button></form></body></html>
"""
