"""«Проверить подключение»: say exactly what worked and what did not, one line per step.

Used by the wizard (in a worker thread) and by ``syncbridge check``. Blocking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    text: str
    required: bool = True


@dataclass
class CheckReport:
    lines: list[CheckLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines if line.required) and bool(self.lines)

    def add(self, ok: bool, text: str, required: bool = True) -> None:
        self.lines.append(CheckLine(ok, text, required))

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
        report.add(False, "Адрес публикации 1С должен начинаться с http:// или https://, например "
                          "http://server/ut11/odata/standard.odata/")
        return report
    if not user:
        report.add(False, "Не указан пользователь 1С")
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
        report.add(True, f"Сервер 1С отвечает: {mask_url(url)}")
        report.add(False, exc.user_text())
        return
    except ConnectionFailed as exc:  # includes TLSFailed
        report.add(False, exc.user_text())
        return
    except SyncBridgeError as exc:
        report.add(False, f"Сервер ответил, но это не стандартный интерфейс OData 1С: {exc.message}")
        return
    report.add(True, f"Сервер 1С отвечает: {mask_url(url)}")
    report.add(True, f"Логин и пароль приняты (пользователь «{user}»)")
    try:
        published = client.published(onec_required_sets(profile_name))
    except SyncBridgeError as exc:
        report.add(False, f"Не удалось получить состав OData: {exc.message}")
        return
    for name, ok in published.items():
        if ok:
            report.add(True, f"Объект {name} опубликован в OData")
        else:
            report.add(False, f"Объект {name} не опубликован в OData: добавьте его в состав стандартного "
                              "интерфейса OData (обработка «Настройка стандартного интерфейса OData» в 1С)")


def check_bitrix24(webhook_url: str, ca_file: str | None = None) -> CheckReport:
    report = CheckReport()
    try:
        hook = parse_webhook_url(webhook_url)
    except SyncBridgeError as exc:
        report.add(False, exc.user_text())
        return report
    report.add(True, f"Адрес вебхука распознан: {hook.masked}")
    client = Bitrix24Client(webhook_url, ca_file=ca_file, timeout=(5, 30))
    try:
        scopes = set(client.scopes())
    except ConnectionFailed as exc:  # includes TLSFailed: the text says how to trust a box's CA
        report.add(False, exc.user_text())
        return report
    except AuthFailed as exc:
        report.add(True, "Портал отвечает по HTTPS, сертификат проверен")
        report.add(False, f"Вебхук не принят: {exc.message}")
        return report
    except SyncBridgeError as exc:  # AccessDenied, errors
        report.add(True, "Портал отвечает по HTTPS, сертификат проверен")
        report.add(False, exc.user_text())
        return report
    finally:
        client.close()
    report.add(True, "Портал отвечает по HTTPS, сертификат проверен")
    report.add(True, "Вебхук принят")
    for scope in REQUIRED_B24_SCOPES:
        if scope in scopes:
            report.add(True, f"Есть право {scope}")
        else:
            report.add(False, f"Нет права {scope} у вебхука: откройте вебхук в портале и отметьте «CRM ({scope})»")
    for scope in LATER_B24_SCOPES:
        if scope in scopes:
            report.add(True, f"Есть право {scope}", required=False)
        else:
            report.add(False, f"Нет права {scope} у вебхука: понадобится для товаров, остатков и печатных форм",
                       required=False)
    return report
