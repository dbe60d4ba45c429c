"""The installed Qt binding must survive a long-running tray app.

PySide6 6.12.0 on CPython 3.11 drops a reference to None on every call of a void Qt method and to the returned
bool of a Python virtual override; after a few thousand calls CPython aborts ("none_dealloc"). pyproject.toml pins
the binding below 6.12 on Python < 3.12. This test runs the calls a busy tray app makes in hours, in a child
process (an abort would take pytest down with it), and fails if the pin is lost or a new release regresses.
"""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = """
import sys
from PySide6.QtWidgets import QApplication, QPushButton, QWizardPage
app = QApplication([])
button = QPushButton("x")
before = sys.getrefcount(None)
for _ in range(100_000):
    button.setEnabled(True)

class Page(QWizardPage):
    def isComplete(self):
        return True

page = Page()
for _ in range(20_000):
    page.completeChanged.emit()
    page.isComplete()
print("ok", before, sys.getrefcount(None))
"""


def test_void_qt_calls_do_not_leak_references_to_none():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, f"Qt binding crashed the interpreter: {out.stderr[-500:]}"
    _, before, after = out.stdout.split()
    assert abs(int(after) - int(before)) < 1000
