"""Headless command line: setup, check, sync, status, run (service loop), sandbox, demo --headless.

Exit codes: 0 ok; 1 finished but some records failed (see the journal); 2 configuration or connection error.
Secrets never come from the command line (process lists, shell history): environment variables or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core import __version__
from core.errors import ConfigError, SyncBridgeError, TLSFailed
from core.log_setup import setup_logging
from core.paths import AppPaths
from core.plain_http import confirm_plain_http
from core.profile import KNOWN_ONEC_PROFILES, Profile, normalise_onec_url
from core.redact import mask_url

log = logging.getLogger(__name__)

ENV_ONEC_PASSWORD = "SYNCBRIDGE_ONEC_PASSWORD"
ENV_WEBHOOK = "SYNCBRIDGE_BITRIX24_WEBHOOK"

EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG = 0, 1, 2
NO_DISPLAY_TEXT = ("Нет графического экрана (DISPLAY/WAYLAND_DISPLAY не заданы), окно открыть нельзя.\n"
                   "Без окна: syncbridge demo --headless (демо), syncbridge sync --once, syncbridge run (служба).")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncbridge",
        description="SyncBridge — синхронизация 1С:Предприятие и Битрикс24. Без команды запускает приложение в трее.",
    )
    parser.add_argument("--version", action="version", version=f"SyncBridge {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="подробный журнал в консоль")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА")

    setup = sub.add_parser("setup", help="настроить подключения без окна (для сценариев и многих рабочих мест)",
                           description=f"Пароль 1С берётся из {ENV_ONEC_PASSWORD}, адрес вебхука Битрикс24 — из "
                                       f"{ENV_WEBHOOK}; если их нет и есть терминал — спрашиваются.")
    setup.add_argument("--onec-url", required=True, help="адрес публикации 1С (…/odata/standard.odata/)")
    setup.add_argument("--onec-user", required=True, help="пользователь 1С")
    setup.add_argument("--onec-profile", default="auto", choices=("auto", *KNOWN_ONEC_PROFILES),
                       help="конфигурация 1С: ut11 (УТ 11 / КА 2 / ERP), bp30 (Бухгалтерия 3.0), unf (УНФ); "
                            "auto — определить по $metadata базы (по умолчанию)")
    setup.add_argument("--bitrix24-url", required=True, help="адрес портала, например https://company.bitrix24.ru")
    setup.add_argument("--bitrix24-ca-file", help="сертификат частного центра сертификации коробочного портала "
                                                  "(TLS проверяется всегда)")
    setup.add_argument("--onec-ca-file", help="сертификат внутреннего центра сертификации для 1С по https://")
    setup.add_argument("--onec-allow-http", action="store_true",
                       help="согласиться на http:// для 1С без вопроса (логин и пароль идут открытым текстом)")
    setup.add_argument("--schedule-minutes", type=int, default=15, help="интервал автосинхронизации, минут")
    setup.add_argument("--no-check", action="store_true", help="сохранить без проверки подключений")

    sub.add_parser("check", help="проверить оба подключения; код 0 — только если оба работают")
    sync = sub.add_parser("sync", help="синхронизировать")
    sync.add_argument("--once", action="store_true", help="один проход (по умолчанию)")
    sync.add_argument("--dry-run", action="store_true", help="показать, что изменится, ничего не записывая")
    status = sub.add_parser("status", help="последний запуск, счётчики, очередь, проблемы")
    status.add_argument("--json", action="store_true", help="вывод в JSON")
    sub.add_parser("run", help="работать по расписанию без окна (режим службы)")
    secrets = sub.add_parser("secrets", help="мастер-пароль и хранилище паролей",
                             description="change-master-password — сменить мастер-пароль (старый из "
                                         "SYNCBRIDGE_MASTER_PASSWORD или с клавиатуры, новый из "
                                         "SYNCBRIDGE_NEW_MASTER_PASSWORD или с клавиатуры); reset — начать "
                                         "хранилище заново, если оно не открывается (файлы сохраняются рядом).")
    secrets.add_argument("action", choices=("change-master-password", "reset"))
    state = sub.add_parser("state", help="проверить базу состояния или восстановить её из резервной копии")
    state.add_argument("action", choices=("check", "restore"),
                       help="check — проверить целостность; restore — вернуть копию после последней успешной "
                            "синхронизации (текущий файл сохраняется рядом)")
    sandbox = sub.add_parser("sandbox", help="запустить только учебные серверы 1С и Битрикс24 и показать адреса")
    sandbox.add_argument("--seconds", type=float, default=0, help="остановиться через N секунд (0 — по Ctrl+C)")
    sandbox.add_argument("--configuration", default="ut11", choices=KNOWN_ONEC_PROFILES,
                         help="какую конфигурацию изображает учебная 1С: ut11, bp30 (Бухгалтерия 3.0), unf (УНФ)")
    demo = sub.add_parser("demo", help="демо-режим на учебных серверах")
    demo.add_argument("--headless", action="store_true", help="без окна: одна синхронизация и итог")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = AppPaths.resolve()
    setup_logging(paths, console=args.verbose, file_name="syncbridge-cli.log")
    try:
        return _dispatch(args, paths)
    except SyncBridgeError as exc:
        print(f"Ошибка: {exc.user_text()}", file=sys.stderr)
        if isinstance(exc, TLSFailed):
            print("В командной строке файл сертификата ЦС задаётся так: syncbridge setup … --bitrix24-ca-file ПУТЬ",
                  file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Остановлено.", file=sys.stderr)
        return EXIT_PARTIAL


def _dispatch(args: argparse.Namespace, paths: AppPaths) -> int:
    command = args.command
    if command == "setup":
        return cmd_setup(args, paths)
    if command == "check":
        return cmd_check(paths)
    if command == "sync":
        return cmd_sync(paths, dry_run=args.dry_run)
    if command == "status":
        return cmd_status(paths, as_json=args.json)
    if command == "run":
        return cmd_run(paths)
    if command == "secrets":
        from core.secrets_commands import cmd_secrets

        return cmd_secrets(paths, args.action)
    if command == "state":
        from core.state_commands import cmd_state

        return cmd_state(paths, args.action)
    if command == "sandbox":
        return cmd_sandbox(paths, args.seconds, args.configuration)
    if command == "demo":
        if not args.headless:
            raise ConfigError("Окно демо-режима запускается командой syncbridge demo из графической оболочки.",
                              "Без окна: syncbridge demo --headless.")
        return cmd_demo_headless(paths)
    raise ConfigError("Не указана команда.", "Список команд: syncbridge --help.")


def _secret(env_name: str, prompt: str) -> str:
    value = os.environ.get(env_name, "")
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise ConfigError(f"Не задан {prompt.rstrip(': ').lower()}.",
                      f"Передайте его через переменную окружения {env_name} (не аргументом командной строки).")


def _service(paths: AppPaths) -> Any:
    from core.service import SyncService

    return SyncService(paths)


def cmd_setup(args: argparse.Namespace, paths: AppPaths) -> int:
    service = _service(paths)
    onec_url = normalise_onec_url(args.onec_url)
    confirm_plain_http(onec_url, allowed=args.onec_allow_http)
    password = _secret(ENV_ONEC_PASSWORD, "Пароль пользователя 1С: ")
    webhook = _secret(ENV_WEBHOOK, "Адрес входящего вебхука Битрикс24: ")
    if not _same_portal(webhook, args.bitrix24_url):
        raise ConfigError(f"Вебхук {mask_url(webhook)} не относится к порталу {args.bitrix24_url}.",
                          "Проверьте --bitrix24-url и переменную SYNCBRIDGE_BITRIX24_WEBHOOK.")
    if args.no_check and args.onec_profile == "auto":
        raise ConfigError("Без проверки подключения конфигурацию 1С не определить.",
                          "Укажите её явно: --onec-profile ut11, bp30 или unf.")
    chosen = "ut11" if args.onec_profile == "auto" else args.onec_profile  # validated now, replaced by detection
    profile = Profile(onec_url=onec_url, onec_user=args.onec_user, onec_profile=chosen,
                      bitrix24_url=args.bitrix24_url.rstrip("/"), bitrix24_ca_file=args.bitrix24_ca_file,
                      onec_ca_file=args.onec_ca_file,
                      schedule_minutes=args.schedule_minutes)
    profile.validate()
    if not args.no_check:
        onec_report = service.check_onec(onec_url, args.onec_user, password, args.onec_profile,
                                         ca_file=args.onec_ca_file)
        reports = [("1С", onec_report), ("Битрикс24", service.check_bitrix24(webhook, args.bitrix24_ca_file))]
        for name, report in reports:
            print(f"{name}:\n{_indent(report.text())}")
        if not all(r.ok for _, r in reports):
            print("Настройки не сохранены: исправьте ошибки выше или добавьте --no-check.", file=sys.stderr)
            return EXIT_CONFIG
        profile.onec_profile = onec_report.profile or chosen
    service.setup(profile, password, webhook)
    print(f"Профиль сохранён: {paths.config_file}")
    print(service.secrets_location())
    return EXIT_OK


def _same_portal(webhook: str, portal_url: str) -> bool:
    from urllib.parse import urlsplit

    hook, portal = urlsplit(webhook.strip()), urlsplit(portal_url.strip())
    return (hook.scheme, (hook.hostname or "").lower(), hook.port) == \
        (portal.scheme, (portal.hostname or "").lower(), portal.port)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def cmd_check(paths: AppPaths) -> int:
    service = _service(paths)
    profile = service.require_profile()
    onec, b24 = service.check_saved()
    print(f"1С ({mask_url(profile.onec_url)}):\n{_indent(onec.text())}")
    print(f"Битрикс24 ({profile.bitrix24_url}):\n{_indent(b24.text())}")
    ok = onec.ok and b24.ok
    print("Оба подключения работают." if ok else "Есть проблемы с подключением — см. строки с ✖.")
    return EXIT_OK if ok else EXIT_CONFIG


def _print_progress(progress: Any) -> None:
    if sys.stderr is None or not sys.stderr.isatty():
        return
    from core.messages import ENTITY_LABELS

    entity = ENTITY_LABELS.get(progress.entity, progress.entity)
    figures = f" {progress.done}/{progress.total}" if progress.total else ""
    speed = f", {progress.rate:.1f} зап./с" if progress.rate else ""
    eta = f", осталось ~{int(progress.eta_s // 60)} мин {int(progress.eta_s % 60)} с" if progress.eta_s else ""
    sys.stderr.write(f"\r\033[K{entity + ': ' if entity else ''}{progress.stage}{figures}{speed}{eta}")
    sys.stderr.flush()


def cmd_sync(paths: AppPaths, *, dry_run: bool, trigger: str = "cli") -> int:
    report = _service(paths).run_once(dry_run=dry_run, progress=_print_progress, trigger=trigger)
    if sys.stderr is not None and sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    from core.messages import ENTITY_LABELS

    if dry_run:
        entity = None
        for line in report.planned:
            if line.get("entity") != entity and len(report.per_entity) > 1:
                entity = line.get("entity")
                print(f"{ENTITY_LABELS.get(entity or '', entity)}:")
            action = {"create": "создать", "update": "обновить", "link": "связать", "mark": "пометить"}.get(
                line["action"], line["action"])
            dups = f" (возможный дубль: {', '.join(line['duplicates'])})" if line["duplicates"] else ""
            print(f"  {action}: {line['title']}{dups}")
    if len(report.per_entity) > 1:
        for entity, _counts in report.per_entity.items():
            print(f"  {ENTITY_LABELS.get(entity, entity)}: {report.entity_summary(entity)}")
    print(report.summary_text())
    if report.failed:
        print("Подробности — в журнале: syncbridge status или окно «Журнал».")
    return report.exit_code


def status_data(paths: AppPaths) -> dict[str, Any]:
    info = _service(paths).status()
    data: dict[str, Any] = {"configured": info.configured, "home": info.home}
    if info.configured:
        data["onec_url"] = info.onec_url
        data["bitrix24_url"] = info.bitrix24_url
        data["schedule_minutes"] = info.schedule_minutes
    run = info.last_run
    data["last_run"] = None if run is None else {
        "id": run.id, "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None, "status": run.status,
        "trigger": run.trigger, "counts": run.counts, "error": run.error}
    data["queue"] = info.queue
    data["problems"] = [{"ts": e.ts.isoformat(), "title": e.title, "reason": e.reason_text, "action": e.action}
                        for e in info.problems]
    data["duplicates_open"] = info.duplicates_open
    data["conflicts_open"] = info.conflicts_open
    data["conflicts"] = [{"title": c.title, "reason": c.reason, "ours": c.ours, "theirs": c.theirs,
                          "created_at": c.created_at.isoformat()} for c in info.conflicts]
    data["paused_until"] = info.paused_until.isoformat(timespec="minutes") if info.paused_until else None
    return data


def cmd_status(paths: AppPaths, *, as_json: bool) -> int:
    from core.service.vocabulary import counts_line, run_status_text

    data = status_data(paths)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not data["configured"]:
        print(f"Не настроено ({data['home']}). Выполните syncbridge setup … или запустите мастер.")
        return EXIT_CONFIG
    print(f"1С: {data['onec_url']}\nБитрикс24: {data['bitrix24_url']}\nРасписание: каждые "
          f"{data['schedule_minutes']} мин.")
    run = data["last_run"]
    if run is None:
        print("Синхронизаций ещё не было.")
    else:
        started = datetime.fromisoformat(run["started_at"]).astimezone().strftime("%d.%m.%Y %H:%M")
        print(f"Последний запуск №{run['id']} ({started}): {run_status_text(run['status'])}. "
              f"{counts_line(run['counts'])}")
        if run["error"]:
            print(f"Ошибка: {run['error']}")
    queue = data["queue"]
    print(f"Очередь записи: {sum(queue.values())}" + (f" ({queue})" if queue else ""))
    if data.get("paused_until"):
        paused = datetime.fromisoformat(data["paused_until"]).strftime("%d.%m.%Y %H:%M")
        print(f"Расписание приостановлено до {paused}")
    print(f"Возможных дублей на проверку: {data['duplicates_open']}")
    if data["conflicts"]:
        print(f"Конфликтов (изменение не записано поверх другой стороны): {len(data['conflicts'])}")
        for conflict in data["conflicts"]:
            print(f"  ⚠ {conflict['title']}: {conflict['reason']}")
            print(f"      сделка: {conflict['ours']}\n      1С: {conflict['theirs']}")
    for problem in data["problems"]:
        mark = "?" if problem["action"] == "duplicate" else "✖"
        print(f"  {mark} {problem['title']}: {problem['reason']}")
    return EXIT_OK


def cmd_run(paths: AppPaths) -> int:
    """Service mode: sync on the schedule; after an outage retry sooner (1, 2, 4… minutes, up to the schedule)."""
    from core.service.loop import run_schedule

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    service = _service(paths)
    profile = service.require_profile()
    print(f"SyncBridge работает по расписанию: каждые {profile.schedule_minutes} мин. Остановка — Ctrl+C.",
          flush=True)
    run_schedule(service, stop, lambda text: print(text, flush=True))
    return EXIT_OK


def cmd_sandbox(paths: AppPaths, seconds: float, configuration: str = "ut11") -> int:
    from core.sandbox.bitrix24.server import Bitrix24Sandbox
    from core.sandbox.clock import BITRIX24_CLOUD, ONEC_ODATA, WorkClock
    from core.sandbox.demo import DEMO_ONEC_PASSWORD, DEMO_ONEC_USER
    from core.sandbox.onec.server import OneCSandbox

    onec = OneCSandbox(users={DEMO_ONEC_USER: DEMO_ONEC_PASSWORD}, base_path=f"/{configuration}",
                       work_clock=WorkClock.from_env(ONEC_ODATA))
    b24 = Bitrix24Sandbox(cert_dir=paths.sandbox_dir, work_clock=WorkClock.from_env(BITRIX24_CLOUD))
    onec.start()
    b24.start()
    print("Учебные серверы запущены (только для проверки, не для работы):")
    print(f"  1С OData:      {onec.url}  пользователь «{DEMO_ONEC_USER}», пароль «{DEMO_ONEC_PASSWORD}»")
    print(f"  Битрикс24:     {b24.webhook_url}")
    print(f"  Сертификат ЦС портала: {b24.ca_file}")
    print("Пример настройки:\n"
          f"  SYNCBRIDGE_ONEC_PASSWORD='{DEMO_ONEC_PASSWORD}' SYNCBRIDGE_BITRIX24_WEBHOOK='{b24.webhook_url}' \\\n"
          f"  syncbridge setup --onec-url {onec.url} --onec-user {DEMO_ONEC_USER} "
          f"--bitrix24-url {b24.webhook_url.split('/rest/')[0]} --bitrix24-ca-file {b24.ca_file}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait(seconds if seconds > 0 else None)
    onec.stop()
    b24.stop()
    return EXIT_OK


def cmd_demo_headless(paths: AppPaths) -> int:
    from core.service import JournalQuery, SyncService

    demo = SyncService.demo(paths)
    demo_paths = demo.start()
    try:
        service = SyncService(demo_paths)
        print(demo.portal_summary())
        first = service.run_once(progress=_print_progress, trigger="demo")
        if sys.stderr is not None and sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
        print(f"Первая синхронизация. {first.summary_text()}")
        page = service.journal(JournalQuery(run_id=first.run_id, limit=1000, descending=False))
        for row in page.rows:
            if row.action in ("link", "duplicate", "fail", "note") or row.entity == "sales_order":
                print(f"  • {row.title}: {row.reason_text}")
        second = service.run_once(trigger="demo")
        print(f"Повторная синхронизация без изменений в 1С. {second.summary_text()}")
        assert demo.bitrix24 is not None
        companies = demo.bitrix24.entities("company")
        requisites = demo.bitrix24.entities("requisite")
        bankdetails = demo.bitrix24.entities("bankdetail")
        print(f"В учебном портале: компаний {len(companies)}, реквизитов {len(requisites)}, "
              f"банковских реквизитов {len(bankdetails)}, адресов {len(demo.bitrix24.entities('address'))}, "
              f"контактов {len(demo.bitrix24.entities('contact'))}, товаров и услуг "
              f"{len(demo.bitrix24.entities('product'))}, цен {len(demo.bitrix24.entities('price'))}.")
        print("Товары в каталоге портала (цены и свободный остаток из 1С):")
        for line in demo.catalog_summary():
            print(line)
        from core.sandbox.sales_demo import run_story
        assert demo.onec is not None
        reports = []

        def sync_sales() -> None:
            reports.append(service.run_once(trigger="demo"))

        run_story(demo_paths, demo.onec, demo.bitrix24, sync_sales, print)
        return max(first.exit_code, second.exit_code, *(r.exit_code for r in reports))
    finally:
        demo.stop()
