"""Journal reasons: a code, a Russian template (the source of truth) and parameters.

The journal stores the code, the parameters and the rendered Russian text, so that it stays readable without
the program (sqlite3, support). The GUI translates the template with Qt (context "journal") and formats it with
the stored parameters; ``gui`` lists these templates for the translation file.
"""

from __future__ import annotations

from typing import Any

REASONS: dict[str, str] = {
    "created": "Создана в Битрикс24: в 1С есть, в портале не было ни связи, ни компании с ИНН {inn}",
    "created_no_inn": "Создана в Битрикс24: в 1С есть, в портале не найдена (ИНН в 1С не указан)",
    "updated": "Обновлена: в 1С изменились поля: {fields}",
    "linked_by_origin": "Связана с существующей записью портала по идентификатору 1С (ORIGIN_ID {origin_id})",
    "linked_by_inn": "Связана с компанией «{b24_title}» портала по ИНН {inn}{kpp_part}: дубль не создан, "
                     "название и реквизиты обновлены из 1С",
    "skip_unchanged": "Пропущена: в 1С нет изменений с прошлой синхронизации",
    "skip_same_payload": "Пропущена: версия в 1С изменилась, но переносимые данные те же",
    "skip_folder": "Пропущена: это группа справочника, а не контрагент",
    "skip_deleted_unlinked": "Пропущена: помечена на удаление в 1С и в портал не переносилась",
    "marked_deleted": "В 1С помечена на удаление: в Битрикс24 не удаляется, комментарий добавлен",
    "probable_duplicate": "Возможный дубль: в портале есть «{b24_title}» без ИНН, похожая на «{onec_title}». "
                          "Не объединено — проверьте в списке дублей",
    "ambiguous_inn": "Не связана: в портале несколько компаний с ИНН {inn} ({candidates}). Выберите вручную",
    "onec_duplicate_inn": "Не перенесена: в 1С уже есть контрагент «{other}» с тем же ИНН {inn}{kpp_part}, он "
                          "связан с компанией портала. Похоже на дубль в 1С — объедините карточки в 1С",
    "answer_lost_recovered": "Ответ портала на запись потерялся; запись найдена по идентификатору 1С, повтор не нужен",
    "answer_lost_pending": "Ответ портала на запись потерялся; запись будет проверена при следующей синхронизации",
    "failed_remote": "Ошибка портала: {error}",
    "failed_invalid": "Не перенесена: {problem}",
    "dry_run_create": "Будет создана в Битрикс24 (пробный запуск, ничего не записано)",
    "dry_run_update": "Будет обновлена в Битрикс24: {fields} (пробный запуск, ничего не записано)",
    "dry_run_link": "Будет связана с «{b24_title}» по ИНН {inn} (пробный запуск, ничего не записано)",
}


def render(code: str, params: dict[str, Any] | None = None) -> str:
    template = REASONS[code]
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError):
        # a missing parameter must not lose the journal line
        return template
