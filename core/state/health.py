"""Is the state database sound, and the way back when it is not: a backup rotated after each successful run.

A corrupt or truncated database used to end in a traceback, and an emptied one was silently started afresh,
losing links and review decisions. Now it is detected on open and the message says what happened and what to do
(``syncbridge state restore``); the damaged file is never deleted, only moved aside.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from core.errors import ConfigError
from core.private_files import private_file

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_GENERATIONS = 2


class StateCorrupt(ConfigError):
    """The state database cannot be used as it is. ``backup_available``: a sound backup can be restored."""

    def __init__(self, message: str, hint: str = "", *, backup_available: bool = False) -> None:
        super().__init__(message, hint)
        self.backup_available = backup_available


def backup_paths(db: Path) -> list[Path]:
    """Newest first: state.sqlite3.bak1, .bak2."""
    return [db.with_name(f"{db.name}.bak{n}") for n in range(1, BACKUP_GENERATIONS + 1)]


def newest_backup(db: Path) -> Path | None:
    for candidate in backup_paths(db):
        if candidate.exists() and file_problem(candidate, thorough=True) is None:
            return candidate
    return None


def file_problem(path: Path, *, thorough: bool = False) -> str | None:
    """Why ``path`` is not a usable SQLite database (None when it is). The quick form reads the 100-byte header
    only (every open); ``thorough`` adds SQLite's quick_check (backups, ``syncbridge state check``)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        return f"файл не читается ({exc.strerror or exc})"
    if not header:
        return "файл пуст"
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        return "это не база SQLite (заголовок повреждён)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # the in-header size is valid when its change counter matches (offsets 24 and 92); a file shorter than that
    # lost its tail. With a WAL beside it the newest pages may live there: then only the thorough check decides.
    size_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    if size_valid and pages and size < pages * page_size and not wal.exists():
        return f"файл обрезан ({size} байт вместо {pages * page_size})"
    if not thorough:
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"SQLite: {exc}"
    if not rows or rows[0][0] != "ok":
        return "проверка целостности не пройдена: " + "; ".join(str(r[0]) for r in rows[:3])
    return None


def corrupt_error(db: Path, problem: str) -> StateCorrupt:
    backup = newest_backup(db)
    if backup is not None:
        when = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%d.%m.%Y %H:%M")
        hint = (f"Есть резервная копия от {when} (после последней успешной синхронизации). Восстановите её: "
                "syncbridge state restore — повреждённый файл будет сохранён рядом, ничего не удаляется.")
    else:
        hint = ("Резервной копии нет. Переименуйте или перенесите файл вручную — при следующем запуске будет "
                "создана новая база, связи с Битрикс24 восстановятся по идентификатору 1С (ORIGIN_ID), но решения "
                "по возможным дублям придётся принять заново.")
    return StateCorrupt(f"База состояния SyncBridge {db} повреждена: {problem}.", hint,
                        backup_available=backup is not None)


def rotate_backup(conn: sqlite3.Connection, db: Path) -> Path:
    """Copy the live database (consistent, via SQLite's backup API) to .bak1, shifting the older copy to .bak2."""
    paths = backup_paths(db)
    tmp = db.with_name(db.name + ".bak.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    target = sqlite3.connect(tmp)
    try:
        conn.backup(target)
    finally:
        target.close()
    for older, newer in zip(reversed(paths[1:]), reversed(paths[:-1]), strict=True):
        if newer.exists():
            os.replace(newer, older)
    os.replace(tmp, paths[0])
    private_file(paths[0])
    return paths[0]


def restore_backup(db: Path) -> tuple[Path, Path | None]:
    """Put the newest sound backup in place of ``db``; the current file (if any) is moved aside, never deleted.
    Returns (backup used, where the old file went)."""
    backup = newest_backup(db)
    if backup is None:
        raise ConfigError(f"Нет пригодной резервной копии базы состояния рядом с {db}.",
                          "Резервная копия создаётся после каждой успешной синхронизации.")
    moved: Path | None = None
    if db.exists():
        moved = db.with_name(f"{db.name}.damaged-{datetime.now().strftime('%Y%m%d-%H%M%S')}")
        os.replace(db, moved)
    for suffix in ("-wal", "-shm"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            os.replace(side, (moved or db).with_name((moved or db).name + suffix))
    shutil.copyfile(backup, db)
    private_file(db)
    return backup, moved
