"""``python -m core``: the headless CLI without any Qt import (service hosts, scripts)."""

from core.cli import main

raise SystemExit(main())
