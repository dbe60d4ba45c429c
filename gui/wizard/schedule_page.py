"""Page 4: how often to synchronise, and the interface language."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QSpinBox, QVBoxLayout, QWizardPage

from gui.translations import current_language
from gui.wizard.form_hints import FormGrid

DEFAULT_MINUTES = 15
MIN_MINUTES, MAX_MINUTES = 1, 24 * 60
# each language is named in itself, so a user who cannot read the current one still finds theirs: not translated
LANGUAGE_NAMES = (("ru", "Русский"), ("en", "English"))


class SchedulePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Расписание"))
        self.setSubTitle(self.tr("Как часто переносить изменения, пока программа работает."))
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutes.setValue(DEFAULT_MINUTES)
        self.minutes.setSuffix(self.tr(" мин"))
        self.minutes.setPrefix(self.tr("каждые "))
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        # the language the program speaks right now (SYNCBRIDGE_LANG, the OS), not always the first entry
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))

        form = FormGrid()
        form.add_row(self.tr("Синхронизировать:"), self.minutes, self.tr(
            "Синхронизация идёт в фоне, пока программа запущена (значок в области уведомлений рядом с часами). "
            "Запустить её вручную можно в любой момент: «Синхронизировать сейчас». Битрикс24 ограничивает "
            "частоту запросов, поэтому запуск чаще раза в 5 минут обычно не ускоряет обмен."))
        form.add_row(self.tr("Язык интерфейса:"), self.language,
                     self.tr("Язык меняется сразу, без перезапуска; потом его можно сменить в настройках."))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

    def schedule_minutes(self) -> int:
        return int(self.minutes.value())

    def language_code(self) -> str:
        return str(self.language.currentData())

    def load_existing(self, minutes: int, language: str) -> None:
        self.minutes.setValue(minutes)
        index = self.language.findData(language)
        if index >= 0:
            self.language.setCurrentIndex(index)
