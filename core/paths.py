"""Where SyncBridge keeps its files.

``SYNCBRIDGE_HOME=DIR`` puts settings, state, secrets and logs under one folder (portable mode, tests,
several profiles side by side); otherwise platformdirs decides per OS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "SyncBridge"
APP_AUTHOR = "SyncBridge"  # a real vendor string: None would repeat the app name on Windows


@dataclass(frozen=True)
class AppPaths:
    home: Path
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> AppPaths:
        explicit = home if home is not None else os.environ.get("SYNCBRIDGE_HOME")
        if explicit:
            root = Path(explicit).expanduser().resolve()
            return cls(home=root, config_dir=root, data_dir=root, log_dir=root / "logs")
        dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
        return cls(
            home=Path(dirs.user_data_dir),
            config_dir=Path(dirs.user_config_dir),
            data_dir=Path(dirs.user_data_dir),
            log_dir=Path(dirs.user_log_dir),
        )

    def ensure(self) -> AppPaths:
        for folder in (self.home, self.config_dir, self.data_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                # settings and the encrypted secrets file are nobody else's business
                os.chmod(folder, 0o700)
        return self

    @property
    def config_file(self) -> Path:
        return self.config_dir / "profile.json"

    @property
    def state_db(self) -> Path:
        return self.data_dir / "state.sqlite3"

    @property
    def secrets_file(self) -> Path:
        return self.data_dir / "secrets.bin"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "syncbridge.lock"

    @property
    def sandbox_dir(self) -> Path:
        return self.data_dir / "sandbox"
