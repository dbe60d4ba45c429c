"""«Проверить подключение»: say exactly what worked and what did not, one line per step.

Used by the wizard (in a worker thread) and by ``syncbridge check``. Blocking.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import messages
from core.bitrix24.client import Bitrix24Client
from core.bitrix24.webhook import parse_webhook_url
from core.errors import AccessDenied, AuthFailed, ConnectionFailed, SyncBridgeError
from core.mapping.table import load_all, load_mapping, profile_title
from core.onec.client import OneCClient
from core.onec.publication import (
    Publication,
    PublicationCache,
    PublicationIssue,
    detect_configuration,
    detection_names,
    not_available,
    object_needs,
    profile_entities,
)
from core.profile import KNOWN_ONEC_PROFILES, normalise_onec_url
from core.redact import mask_url

REQUIRED_B24_SCOPES = ("crm",)
LATER_B24_SCOPES = ("catalog", "documentgenerator")


@dataclass
class CheckLine:
    ok: bool
    text: str  # rendered Russian text
    required: bool = True
    template: str = ""  # Russian template from messages.CHECKS: the GUI translates it, then formats with params
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class CheckReport:
    lines: list[CheckLine] = field(default_factory=list)
    #: 1C only: the configuration profile the check judged the base by, and the one $metadata suggests
    profile: str | None = None
    detected: str | None = None

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines if line.required) and bool(self.lines)

    def add(self, ok: bool, code: str, required: bool = True, **params: Any) -> None:
        self.lines.append(CheckLine(ok, messages.render(code, params, messages.CHECKS), required,
                                    messages.CHECKS[code], params))

    def text(self) -> str:
        return "\n".join(("✔ " if line.ok else ("✖ " if line.required else "! ")) + line.text
                         for line in self.lines)


AUTO_PROFILE = "auto"  # the check detects the configuration from $metadata


def onec_required_sets(profile_name: str) -> list[str]:
    table = load_mapping(profile_name)
    return list(dict.fromkeys(need.entity_set for entity in profile_entities(table)
                              for need in object_needs(table, entity)))


def check_onec(url: str, user: str, password: str, profile_name: str = AUTO_PROFILE,
               ca_file: str | None = None, *, cache_dir: Path | None = None,
               timeout: tuple[float, float] = (10, 60), proxy: str = "") -> CheckReport:
    """Reach, log in, read $metadata, tell the configuration, and judge every entity of the profile against the
    publication. ``profile_name`` "auto" takes the detected configuration; ``report.profile`` is the one used.
    ``cache_dir``: where $metadata is kept (the data folder); a temporary folder when None."""
    report = CheckReport()
    url = normalise_onec_url(url)
    if not url.startswith(("http://", "https://")):
        report.add(False, "onec_url_scheme")
        return report
    if not user:
        report.add(False, "onec_no_user")
        return report
    client = OneCClient(url, user, password, ca_file=ca_file, timeout=timeout, retry_delays=(0.5,), proxy=proxy)
    try:
        if cache_dir is not None:
            _check_onec_steps(client, url, user, profile_name, report, cache_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="syncbridge-metadata-") as tmp:
                _check_onec_steps(client, url, user, profile_name, report, Path(tmp))
    finally:
        client.close()
    return report


def _check_onec_steps(client: OneCClient, url: str, user: str, profile_name: str, report: CheckReport,
                      cache_dir: Path) -> None:
    try:
        composition = client.service_entity_sets()
    except AuthFailed as exc:
        report.add(True, "onec_reachable", url=mask_url(url))
        report.add(False, "error", error=exc.user_text())
        return
    except ConnectionFailed as exc:  # includes TLSFailed
        report.add(False, "error", error=exc.user_text())
        return
    except SyncBridgeError as exc:
        report.add(False, "onec_not_odata", error=exc.message)
        return
    report.add(True, "onec_reachable", url=mask_url(url))
    report.add(True, "onec_auth_ok", user=user)
    tables = load_all(KNOWN_ONEC_PROFILES)
    cache = PublicationCache(cache_dir, url)
    try:
        info = cache.refresh(client, composition)  # setup and check always read the publication afresh
        publication = Publication.from_file(cache.xml_path, detection_names(tables), read_at=info["read_at"])
    except SyncBridgeError as exc:
        report.add(False, "onec_metadata_failed", error=exc.message)
        return
    report.add(True, "onec_metadata_read", size=max(1, int(info["size"]) // 1024), sets=len(publication.set_names))
    detection = detect_configuration(publication, tables)
    report.detected = detection.profile
    chosen = detection.profile if profile_name in ("", AUTO_PROFILE) else profile_name
    if chosen is None:
        report.add(False, "onec_profile_unknown")
        return
    report.profile = chosen
    if profile_name in ("", AUTO_PROFILE):
        report.add(True, "onec_profile_detected", profile=chosen, title=profile_title(chosen))
    elif detection.profile not in (None, chosen):
        report.add(False, "onec_profile_mismatch", required=False, profile=chosen,
                   detected=detection.profile, detected_title=profile_title(detection.profile))
    elif detection.profile is None:
        report.add(False, "onec_profile_unknown", required=False)
    report.add(True, "onec_profile_used", profile=chosen, title=profile_title(chosen))
    _check_entities(client, publication, load_mapping(chosen), report)


def _check_entities(client: OneCClient, publication: Publication, table: dict[str, Any],
                    report: CheckReport) -> None:
    """Per entity: objects published (✔ / ✖ with the publish instruction), attributes, read rights.
    Counterparties are what everything hangs on (required); a problem elsewhere warns — that entity alone stops."""
    readable: dict[str, bool] = {}
    for entity in profile_entities(table):
        required = entity == "counterparty"
        plan = publication.plan(table, entity)
        for need in object_needs(table, entity):
            if publication.has(need.entity_set) and need.entity_set not in readable:
                readable[need.entity_set] = _readable(client, need.entity_set)
                report.add(True, "onec_published", name=need.entity_set)
        for issue in plan.issues:
            report.add(False, issue.code, required=required and issue.blocking, **issue.params)
        denied = False
        for need in object_needs(table, entity):
            if readable.get(need.entity_set) is False:
                denied = True
                issue = PublicationIssue("publication_access_denied", entity, need.entity_set)
                report.add(False, issue.code, required=required, **issue.params)
        if not plan.issues and not denied:
            report.add(True, "onec_entity_ok", entity_title=messages.ENTITY_TITLES.get(entity, entity))
    for entity, reason in not_available(table).items():
        report.add(False, "onec_entity_unavailable", required=False,
                   entity_title=messages.ENTITY_TITLES.get(entity, entity), reason=reason)


def _readable(client: OneCClient, entity_set: str) -> bool:
    """One light read: RLS or missing rights answer 401 code 20 / 403 (any other failure is not a rights issue)."""
    try:
        client.list(entity_set, select=["Ref_Key"], top=1)
    except AccessDenied:
        return False
    except SyncBridgeError:
        return True
    return True


def check_bitrix24(webhook_url: str, ca_file: str | None = None, *,
                   timeout: tuple[float, float] = (5, 30), proxy: str = "") -> CheckReport:
    report = CheckReport()
    try:
        hook = parse_webhook_url(webhook_url)
    except SyncBridgeError as exc:
        report.add(False, "error", error=exc.user_text())
        return report
    report.add(True, "b24_webhook_parsed", url=hook.masked)
    client = Bitrix24Client(webhook_url, ca_file=ca_file, timeout=timeout, proxy=proxy)
    try:
        scopes = set(client.scopes())
    except ConnectionFailed as exc:  # includes TLSFailed: the text says how to trust a box's CA
        report.add(False, "error", error=exc.user_text())
        return report
    except AuthFailed as exc:
        report.add(True, "b24_https_ok")
        report.add(False, "b24_webhook_rejected", error=exc.message)
        return report
    except SyncBridgeError as exc:  # AccessDenied, errors
        report.add(True, "b24_https_ok")
        report.add(False, "error", error=exc.user_text())
        return report
    finally:
        client.close()
    report.add(True, "b24_https_ok")
    report.add(True, "b24_webhook_accepted")
    for scope in REQUIRED_B24_SCOPES:
        report.add(scope in scopes, "b24_scope_ok" if scope in scopes else "b24_scope_missing", scope=scope)
    for scope in LATER_B24_SCOPES:
        report.add(scope in scopes, "b24_scope_ok" if scope in scopes else "b24_scope_later", required=False,
                   scope=scope)
    return report
