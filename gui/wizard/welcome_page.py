"""Page 1: what SyncBridge will do, what the user needs at hand, and where the passwords will be kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage


class WelcomePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Добро пожаловать в SyncBridge"))
        self.setSubTitle(self.tr("Мастер поможет подключить 1С и Битрикс24. Это займёт несколько минут."))
        intro = QLabel(self.tr(
            "<p>SyncBridge переносит контрагентов из 1С:Предприятия в компании Битрикс24 — вместе с ИНН, КПП, "
            "телефонами, e-mail и банковскими счетами — и держит их в актуальном состоянии по расписанию.</p>"
            "<ul>"
            "<li>Перед созданием записи программа ищет её в портале (по связи, затем по ИНН и КПП), поэтому "
            "дубли не создаются. Похожие записи без ИНН не объединяются сами — вы увидите их в списке "
            "на проверку.</li>"
            "<li>Каждое действие попадает в журнал с понятной причиной: что создано, что обновлено, "
            "что пропущено и почему.</li>"
            "<li>Программа работает на этом компьютере и обращается только к вашей публикации 1С и к порталу "
            "Битрикс24. Внешние серверы и облачные сервисы не нужны.</li>"
            "</ul>"
            "<p><b>Что понадобится:</b> адрес публикации базы 1С на веб-сервере, логин и пароль пользователя 1С, "
            "а также входящий вебхук Битрикс24 (как его создать, подскажем на следующих шагах).</p>"))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.secrets_label = QLabel(self.tr("Определяю, где будут храниться пароли…"))
        self.secrets_label.setWordWrap(True)
        self.secrets_label.setTextFormat(Qt.TextFormat.PlainText)
        self.secrets_label.setStyleSheet(
            "QLabel { background: #eef4fb; border: 1px solid #b9cde6; border-radius: 4px; padding: 6px; }")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addStretch(1)
        layout.addWidget(self.secrets_label)

    def set_secrets_location(self, text: str) -> None:
        self.secrets_label.setText(text)
