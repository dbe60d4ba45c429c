"""The reconciliation report: per entity what is where, the last runs, what waits for a person — as HTML.

Plain HTML with inline styles only, so Qt's QTextDocument renders and prints it (PDF) and a browser opens the file.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from core.service.vocabulary import ENTITY_LABELS, run_status_text


def reconciliation_html(overview: Any, status: Any, duplicates: list[Any], conflicts: list[Any],
                        now: datetime | None = None) -> str:
    now = now or datetime.now()
    rows = "".join(
        f"<tr><td>{escape(ENTITY_LABELS.get(e.entity, e.entity))}</td><td align='right'>{e.in_onec}</td>"
        f"<td align='right'>{'?' if e.in_portal is None else e.in_portal}</td>"
        f"<td align='right'>{e.linked}</td><td align='right'>{e.waiting}</td>"
        f"<td align='right'>{e.failed}</td></tr>" for e in overview.entities) or \
        "<tr><td colspan='6'>Синхронизаций ещё не было.</td></tr>"
    runs = "".join(
        f"<tr><td>№ {r.id}</td><td>{r.started_at.astimezone().strftime('%d.%m.%Y %H:%M')}</td>"
        f"<td>{escape(run_status_text(r.status))}</td><td align='right'>{r.records}</td>"
        f"<td align='right'>{r.errors}</td></tr>" for r in reversed(overview.runs[-10:]))
    dups = "".join(f"<li>{escape(d.onec_title)} ↔ {escape(d.b24_title)} (Битрикс24 № {escape(str(d.b24_id))})</li>"
                   for d in duplicates)
    confl = "".join(f"<li>{escape(c.title or c.key)}: {escape(c.field)} — 1С «{escape(str(c.onec_value))}», "
                    f"Битрикс24 «{escape(str(c.b24_value))}»</li>" for c in conflicts)
    table = "border='1' cellspacing='0' cellpadding='4' style='border-collapse: collapse'"
    return f"""<html><head><meta charset="utf-8"><title>Сверка 1С и Битрикс24</title></head><body>
<h2>Сверка 1С и Битрикс24</h2>
<p>Составлено {now.strftime('%d.%m.%Y %H:%M')}. 1С: {escape(status.onec_url)};
портал: {escape(status.bitrix24_url)}.</p>
<h3>Записи по видам</h3>
<table {table}><tr><th>Вид</th><th>В 1С (учтено)</th><th>В портале</th><th>Связано</th><th>Ждут записи</th>
<th>Ошибок в последнем запуске</th></tr>{rows}</table>
<h3>Последние запуски</h3>
<table {table}><tr><th>Запуск</th><th>Начало</th><th>Итог</th><th>Записей</th><th>Ошибок</th></tr>{runs}</table>
<h3>Ждут решения</h3>
<p>Возможных дублей: {len(duplicates)}; конфликтов: {len(conflicts)}.</p>
{f"<ul>{dups}</ul>" if dups else ""}{f"<ul>{confl}</ul>" if confl else ""}
</body></html>"""
