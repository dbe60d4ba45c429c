"""Files and folders that are nobody else's business: created private (0600/0700 on POSIX) from the first write.

Windows keeps per-user ACLs on the profile folders SyncBridge uses, so nothing is done there.
"""

from __future__ import annotations

import os
from pathlib import Path

POSIX = os.name == "posix"


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if POSIX:
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """Make an existing file 0600 (older installs created it world-readable)."""
    if POSIX and path.exists():
        os.chmod(path, 0o600)


def touch_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (then only tighten its mode)."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    private_file(path)
