"""``syncbridge state check|restore``: the way out of a damaged state database without touching files by hand."""

from __future__ import annotations

from core.paths import AppPaths
from core.state.health import backup_paths, file_problem, restore_backup

EXIT_OK, EXIT_PROBLEM = 0, 2


def cmd_state(paths: AppPaths, action: str) -> int:
    db = paths.state_db
    if action == "check":
        if not db.exists():
            print(f"Базы состояния ещё нет ({db}): она появится при первой синхронизации.")
            return EXIT_OK
        problem = file_problem(db, thorough=True)
        print(f"База состояния {db}: " + ("в порядке." if problem is None else f"повреждена — {problem}."))
        for backup in backup_paths(db):
            if backup.exists():
                state = file_problem(backup, thorough=True)
                verdict = "в порядке" if state is None else f"повреждена — {state}"
                print(f"  резервная копия {backup.name}: {verdict}")
        if problem is not None:
            print("Восстановить из резервной копии: syncbridge state restore")
        return EXIT_OK if problem is None else EXIT_PROBLEM
    backup, moved = restore_backup(db)
    print(f"База состояния восстановлена из {backup.name}.")
    if moved is not None:
        print(f"Прежний файл сохранён как {moved.name} (его можно удалить, когда всё проверено).")
    print("Изменения после этой копии будут найдены при следующей синхронизации по идентификатору 1С.")
    return EXIT_OK
