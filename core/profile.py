"""The sync profile: what to connect to and how often. Secrets are NOT here (see core.secrets).

Stored as JSON in the config folder; written atomically so a crash never leaves half a file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.atomic_file import write_atomic
from core.errors import ConfigError
from core.paths import AppPaths

KNOWN_ONEC_PROFILES = ("ut11", "bp30", "unf")  # one mapping table per profile: core/mapping/profiles/*.json
SECRET_ONEC_PASSWORD = "onec_password"
SECRET_B24_WEBHOOK = "bitrix24_webhook"


@dataclass
class Profile:
    onec_url: str
    onec_user: str
    bitrix24_url: str  # portal URL for display, WITHOUT the webhook code
    onec_profile: str = "ut11"
    bitrix24_ca_file: str | None = None
    schedule_minutes: int = 15
    language: str = "ru"
    demo: bool = False
    originator_id: str = ""  # identity of the 1C base in Bitrix24 ORIGINATOR_ID; derived when empty
    bitrix24_rate: float = 2.0  # leaky bucket of the portal plan: 2/s + 50 (Enterprise 5/s + 250)
    bitrix24_burst: int = 50
    # reads of changed records running at once against 1C (each is its own 1C session); 1 = one after another
    onec_parallel_reads: int = 4
    entities: list[str] = field(default_factory=list)  # entities to sync; empty = every one the 1C profile maps
    entity_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # per entity: price types, stages…
    onec_ca_file: str | None = None  # PEM of an internal CA for a 1C behind https with a private certificate
    # ---- settings window (issue 9) ----
    work_hours_start: str = ""  # "08:00"; empty = round the clock
    work_hours_end: str = ""  # "19:00"
    paused_until: str = ""  # ISO local time; empty = not paused
    autostart: bool = False  # start with the user's session (Windows Run key / XDG autostart)
    proxy: str = ""  # "http://proxy:3128"; empty = system settings / none
    language_chosen: bool = False  # False: the interface follows the OS language
    first_sync_confirmed: bool = False  # the admin saw the preview and allowed the first write
    # requests at once to the portal; 0 = by the portal's kind (cloud 16, box 3: core.bitrix24.inflight)
    bitrix24_in_flight: int = 0

    def __post_init__(self) -> None:
        if not self.originator_id:
            self.originator_id = derive_originator_id(self.onec_url)

    def validate(self) -> None:
        problems = []
        if not self.onec_url.startswith(("http://", "https://")):
            problems.append("адрес публикации 1С должен начинаться с http:// или https://")
        if not self.onec_user:
            problems.append("не указан пользователь 1С")
        if not self.bitrix24_url.startswith("https://"):
            problems.append("адрес портала Битрикс24 должен начинаться с https://")
        if self.onec_profile not in KNOWN_ONEC_PROFILES:
            problems.append(
                f"неизвестная конфигурация 1С «{self.onec_profile}» (поддерживаются: {', '.join(KNOWN_ONEC_PROFILES)})"
            )
        if not 1 <= self.onec_parallel_reads <= 16:
            problems.append("одновременных чтений из 1С должно быть от 1 до 16")
        if not 1 <= self.schedule_minutes <= 24 * 60:
            problems.append("интервал синхронизации должен быть от 1 до 1440 минут")
        for label, value in (("начало рабочего дня", self.work_hours_start),
                             ("конец рабочего дня", self.work_hours_end)):
            if value and not _is_hhmm(value):
                problems.append(f"{label} — время в виде ЧЧ:ММ, например 08:00")
        if self.proxy and not self.proxy.startswith(("http://", "https://", "socks5://")):
            problems.append("адрес прокси должен начинаться с http://, https:// или socks5://")
        if not 0 <= self.bitrix24_in_flight <= 16:
            problems.append("число одновременных запросов к Битрикс24 должно быть от 1 до 16 (0 — автоматически)")
        if self.bitrix24_ca_file and not Path(self.bitrix24_ca_file).is_file():
            problems.append(f"файл сертификата {self.bitrix24_ca_file} не найден")
        if self.onec_ca_file and not Path(self.onec_ca_file).is_file():
            problems.append(f"файл сертификата 1С {self.onec_ca_file} не найден")
        if problems:
            raise ConfigError("Профиль настроен неверно: " + "; ".join(problems) + ".",
                              "Исправьте настройки: syncbridge setup … или мастер настройки.")


def _is_hhmm(text: str) -> bool:
    hours, sep, minutes = text.partition(":")
    return bool(sep) and hours.isdigit() and minutes.isdigit() and 0 <= int(hours) < 24 and 0 <= int(minutes) < 60


def derive_originator_id(onec_url: str) -> str:
    """A stable id of the 1C base: the publication name (``/ut11/odata/…`` → ``1C:ut11``).

    It must not depend on the workstation, so that a second workstation recognises records created by the first.
    """
    parts = [p for p in urlsplit(onec_url).path.split("/") if p]
    if "odata" in parts and parts.index("odata") > 0:
        base = parts[parts.index("odata") - 1]
    else:
        base = parts[0] if parts else ""
    host = urlsplit(onec_url).hostname or ""
    return f"1C:{base or host}"


def normalise_onec_url(url: str) -> str:
    """Accept the web-client publication URL or the OData root; return the OData root with a trailing slash."""
    url = url.strip()
    if not url:
        return url
    if "/odata/standard.odata" not in url:
        url = url.rstrip("/") + "/odata/standard.odata/"
    if not url.endswith("/"):
        url += "/"
    return url


def portal_url_from_webhook(webhook_url: str) -> str:
    parts = urlsplit(webhook_url.strip())
    return f"{parts.scheme}://{parts.netloc}"


class ProfileStore:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths

    def exists(self) -> bool:
        return self.paths.config_file.is_file()

    def load(self) -> Profile | None:
        path = self.paths.config_file
        if not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Файл настроек {path} повреждён: {exc}.",
                              "Запустите мастер настройки заново или syncbridge setup.") from None
        known = {f.name for f in fields(Profile)}
        try:
            return Profile(**{k: v for k, v in raw.items() if k in known})
        except TypeError as exc:
            raise ConfigError(f"В файле настроек {path} не хватает полей: {exc}.",
                              "Запустите мастер настройки заново или syncbridge setup.") from None

    def save(self, profile: Profile) -> None:
        profile.validate()
        self.paths.ensure()
        write_atomic(self.paths.config_file, json.dumps(asdict(profile), ensure_ascii=False, indent=2).encode())

