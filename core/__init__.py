"""SyncBridge headless engine: never imports PySide6 or gui."""

__version__ = "0.1.0"
