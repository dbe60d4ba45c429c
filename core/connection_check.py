"""«Проверить подключение»: say exactly what worked and what did not, one line per step.

Used by the wizard (in a worker thread) and by ``syncbridge check``. Blocking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import messages
from core.bitrix24.client import Bitrix24Client
from core.bitrix24.webhook import parse_webhook_url
from core.errors import AuthFailed, ConnectionFailed, SyncBridgeError
from core.mapping.table import load_mapping
from core.onec.client import OneCClient
from core.profile import normalise_onec_url
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

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines if line.required) and bool(self.lines)

    def add(self, ok: bool, code: str, required: bool = True, **params: Any) -> None:
        self.lines.append(CheckLine(ok, messages.render(code, params, messages.CHECKS), required,
                                    messages.CHECKS[code], params))

    def text(self) -> str:
        return "\n".join(("✔ " if line.ok else ("✖ " if line.required else "! ")) + line.text
                         for line in self.lines)


def onec_required_sets(profile_name: str) -> list[str]:
    spec = load_mapping(profile_name)["counterparty"]
    return [spec["onec"]["entity_set"], spec["bank_accounts"]["entity_set"], spec["banks"]["entity_set"]]


def check_onec(url: str, user: str, password: str, profile_name: str = "ut11",
               ca_file: str | None = None) -> CheckReport:
    report = CheckReport()
    url = normalise_onec_url(url)
    if not url.startswith(("http://", "https://")):
        report.add(False, "onec_url_scheme")
        return report
    if not user:
        report.add(False, "onec_no_user")
        return report
    client = OneCClient(url, user, password, ca_file=ca_file, timeout=(10, 60))
    try:
        _check_onec_steps(client, url, user, profile_name, report)
    finally:
        client.close()
    return report


def _check_onec_steps(client: OneCClient, url: str, user: str, profile_name: str, report: CheckReport) -> None:
    try:
        client.service_entity_sets()
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
    try:
        published = client.published(onec_required_sets(profile_name))
    except SyncBridgeError as exc:
        report.add(False, "onec_composition_failed", error=exc.message)
        return
    for name, ok in published.items():
        report.add(ok, "onec_published" if ok else "onec_not_published", name=name)


def check_bitrix24(webhook_url: str, ca_file: str | None = None) -> CheckReport:
    report = CheckReport()
    try:
        hook = parse_webhook_url(webhook_url)
    except SyncBridgeError as exc:
        report.add(False, "error", error=exc.user_text())
        return report
    report.add(True, "b24_webhook_parsed", url=hook.masked)
    client = Bitrix24Client(webhook_url, ca_file=ca_file, timeout=(5, 30))
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
