"""Master password: asked at start when there is no usable OS keyring (headless Linux, locked-down terminals).

Two modes: *create* (no secrets store yet: enter twice, at least 8 characters) and *unlock* (existing store).
Deriving the key (scrypt) takes a noticeable moment, so it runs through the TaskRunner while the dialog waits.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gui.error_text import describe_error
from gui.icons import app_icon
from gui.plain_text import plain_label
from gui.task_runner import TaskContext, TaskRunner

MIN_LENGTH = 8


class MasterPasswordDialog(QDialog):
    def __init__(self, service: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        """``service``: the facade (core.service.SyncService) — secrets_initialised, create_master_password, unlock."""
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._busy = False
        self.creating = not service.secrets_initialised()
        self.setWindowTitle(self.tr("SyncBridge — мастер-пароль"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(520)

        if self.creating:
            intro_text = self.tr(
                "Системное хранилище паролей на этом компьютере недоступно, поэтому пароль 1С и вебхук Битрикс24 "
                "будут зашифрованы ключом из мастер-пароля.\n\nПридумайте мастер-пароль не короче {n} символов. "
                "Он нигде не сохраняется и будет нужен при каждом запуске программы. Если его забыть, пароль 1С "
                "и вебхук придётся ввести заново.").format(n=MIN_LENGTH)
        else:
            intro_text = self.tr(
                "Пароли SyncBridge зашифрованы ключом из мастер-пароля (системное хранилище паролей на этом "
                "компьютере недоступно). Введите мастер-пароль, чтобы программа могла подключиться к 1С "
                "и Битрикс24.")
        intro = QLabel(intro_text)
        intro.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = plain_label()
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setVisible(False)

        form = QFormLayout()
        form.addRow(self.tr("Мастер-пароль:"), self.password_edit)
        if self.creating:
            form.addRow(self.tr("Ещё раз:"), self.repeat_edit)
        else:
            self.repeat_edit.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _problem(self) -> str | None:
        password = self.password_edit.text()
        if not password:
            return self.tr("Введите мастер-пароль.")
        if self.creating and len(password) < MIN_LENGTH:
            return self.tr("Мастер-пароль должен быть не короче {n} символов.").format(n=MIN_LENGTH)
        if self.creating and password != self.repeat_edit.text():
            return self.tr("Пароли не совпадают. Введите один и тот же пароль в оба поля.")
        return None

    @Slot()
    def _on_ok(self) -> None:
        if self._busy:
            return
        problem = self._problem()
        if problem:
            self._show_error(problem)
            return
        password = self.password_edit.text()
        service, creating = self._service, self.creating

        def work(context: TaskContext) -> None:
            if creating:
                service.create_master_password(password)
            else:
                service.unlock(password)

        self._set_busy(True)
        self._runner.submit(work, on_result=self._on_unlocked, on_error=self._on_failed, owner=self)

    def _on_unlocked(self, _: object) -> None:
        self._set_busy(False)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.password_edit.selectAll()
        self.password_edit.setFocus()
        self._show_error(describe_error(error))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        # a long error wraps to more lines: let the dialog grow instead of clipping them
        self.adjustSize()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.buttons.setEnabled(not busy)
        self.password_edit.setEnabled(not busy)
        self.repeat_edit.setEnabled(not busy)
        if busy:
            self.error_label.setStyleSheet("")
            self.error_label.setText(self.tr("Проверяю…"))
            self.error_label.setVisible(True)
        else:
            self.error_label.setStyleSheet("color: #b3261e;")
            self.error_label.setVisible(False)
