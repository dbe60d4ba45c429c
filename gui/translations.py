"""Loading the UI language: SyncBridge's own .qm (English only — Russian is the source language) and Qt's own
qtbase_<lang>.qm, so standard buttons (QWizard «Далее»/«Назад», QMessageBox «Отмена») speak the same language.

The language comes from SYNCBRIDGE_LANG, else from the profile's ``language`` (once the admin chose one), else the
OS language when it is one we speak, else Russian. :func:`switch_language` changes it while the program runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

import resources

log = logging.getLogger(__name__)

I18N_DIR = Path(resources.__file__).resolve().parent / "i18n"
SUPPORTED_LANGUAGES = ("ru", "en")
SOURCE_LANGUAGE = "ru"
ENV_LANGUAGE = "SYNCBRIDGE_LANG"


def system_language() -> str | None:
    name = QLocale.system().name()  # "ru_RU", "en_US", "C"
    code = name[:2].lower()
    return code if code in SUPPORTED_LANGUAGES else None


def resolve_language(profile_language: str | None, env: Mapping[str, str] | None = None,
                     system: str | None = None) -> str:
    env = os.environ if env is None else env
    for candidate in (env.get(ENV_LANGUAGE), profile_language, system):
        if candidate and candidate.strip().lower()[:2] in SUPPORTED_LANGUAGES:
            return candidate.strip().lower()[:2]
    return SOURCE_LANGUAGE


_active: list[QTranslator] = []
_current = [SOURCE_LANGUAGE]


def forget_switched(app: QCoreApplication) -> None:
    """Remove what :func:`switch_language` installed (tests leave the QApplication as they found it)."""
    for translator in _active:
        app.removeTranslator(translator)
    _active.clear()


def current_language() -> str:
    return _current[0]


def switch_language(app: QCoreApplication, language: str) -> bool:
    """Replace the installed translators; Qt sends every widget a LanguageChange. True when it changed."""
    language = resolve_language(language, env={})
    if language == _current[0]:
        return False
    changed = language != _current[0]
    for translator in _active:
        app.removeTranslator(translator)
    _active.clear()
    _active.extend(install_translators(app, language))
    _current[0] = language
    return changed


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the translators for ``language`` and return them (the caller keeps them alive)."""
    installed: list[QTranslator] = []
    # dates, numbers and Qt's own dialogs follow the UI language, not the (often English) OS locale
    QLocale.setDefault(QLocale("en_US" if language == "en" else "ru_RU"))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_translator.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt_translator)
        installed.append(qt_translator)
    else:
        log.info("Перевод Qt qtbase_%s не найден в %s", language, qt_dir)
    _current[0] = language
    if language != SOURCE_LANGUAGE:
        own = QTranslator(app)
        if own.load(str(I18N_DIR / f"syncbridge_{language}.qm")):
            app.installTranslator(own)
            installed.append(own)
        else:
            log.warning("Файл перевода syncbridge_%s.qm не найден в %s", language, I18N_DIR)
    return installed
