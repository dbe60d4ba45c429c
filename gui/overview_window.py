"""Overview: per entity what is in 1C, in the portal, linked, waiting, failed; the last runs as a small chart;
the reconciliation report saved as HTML or PDF (Qt's own printing) to send to a head of sales."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPaintEvent, QTextDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.error_text import describe_error
from gui.icons import app_icon
from gui.status_text import entity_text
from gui.task_runner import TaskContext, TaskRunner

RECORDS_COLOUR = QColor("#2e7dd7")
ERRORS_COLOUR = QColor("#c0392b")


class RunsChart(QWidget):
    """Bars per run: records written (blue) and errors (red), oldest on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[Any] = []
        self.setMinimumHeight(120)

    def set_points(self, points: list[Any]) -> None:
        self.points = list(points)
        self.setToolTip("\n".join(self.tr("Запуск № {id}: записей {records}, ошибок {errors}").format(
            id=p.id, records=p.records, errors=p.errors) for p in self.points[-10:]))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 140)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(8, 8, -8, -20)
        painter.setPen(QColor("#9aa0a6"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if not self.points:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Запусков ещё не было"))
            return
        top = max(max(p.records, p.errors) for p in self.points) or 1
        slot = rect.width() / len(self.points)
        bar = min(18.0, max(2.0, slot / 3 - 2))  # a few runs must not turn into two wide blocks
        for index, point in enumerate(self.points):
            x = rect.left() + index * slot + slot / 2
            for offset, value, colour in ((-bar, point.records, RECORDS_COLOUR), (0.0, point.errors, ERRORS_COLOUR)):
                height = rect.height() * value / top
                painter.fillRect(QRectF(x + offset, rect.bottom() - height, bar, height), colour)
        painter.setPen(QColor("#5a5f66"))
        painter.drawText(self.rect().adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft,
                         self.tr("записей — синим, ошибок — красным; последние {n} запусков").format(
                             n=len(self.points)))


def save_report(html: str, path: str) -> None:
    """HTML as is; PDF through Qt's printing (A4, the document's own layout)."""
    if path.lower().endswith(".pdf"):
        document = QTextDocument()
        document.setHtml(html)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                          QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
        document.print_(printer)
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write(html)


class OverviewWindow(QWidget):
    def __init__(self, service: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self.report_status = ""
        self.setWindowTitle(self.tr("SyncBridge — обзор"))
        self.setWindowIcon(app_icon())
        self.resize(820, 520)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Объекты"), self.tr("В 1С"), self.tr("В портале"),
                                              self.tr("Связано"), self.tr("Ждут записи"), self.tr("Ошибок")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = RunsChart()
        self.waiting_label = QLabel()
        self.waiting_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.report_button = QPushButton(self.tr("Сохранить отчёт сверки…"))
        self.report_button.clicked.connect(self._on_report_clicked)
        self.refresh_button = QPushButton(self.tr("Обновить"))
        self.refresh_button.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(QLabel(self.tr("Последние запуски:")))
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.waiting_label)
        layout.addLayout(buttons)

    @Slot()
    def reload(self) -> None:
        service = self._service
        self._runner.submit(lambda context: service.overview(ask_portal=True), on_result=self._on_loaded,
                            on_error=lambda e: self.status_label.setText(describe_error(e)), owner=self)

    def _on_loaded(self, overview: Any) -> None:
        self.table.setRowCount(len(overview.entities))
        for row, entity in enumerate(overview.entities):
            values = [entity_text(entity.entity), entity.in_onec, entity.in_portal, entity.linked, entity.waiting,
                      entity.failed]
            for column, value in enumerate(values):
                item = QTableWidgetItem("?" if value is None else str(value))
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        # as tall as its rows: the space below belongs to the chart
        rows_height = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + rows_height + 2 * self.table.frameWidth()
                                  + 4)
        self.chart.set_points(overview.runs)
        self.waiting_label.setText(self.tr("Ждут решения: возможных дублей {d}, конфликтов {c}.").format(
            d=overview.duplicates_open, c=overview.conflicts_open))

    @Slot()
    def _on_report_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Сохранить отчёт сверки"), "syncbridge-report.pdf",
                                              self.tr("PDF (*.pdf);;Страница HTML (*.html)"))
        if path:
            self.save_report_to(path)

    def save_report_to(self, path: str) -> None:
        """Build the report in a worker (it reads the state store), write it in the GUI thread (Qt printing)."""
        service = self._service

        def work(context: TaskContext) -> str:
            return str(service.reconciliation_html())

        def write(html: str) -> None:
            try:
                save_report(html, path)
            except OSError as error:
                self.report_status = self.tr("Отчёт не сохранён: {error}").format(error=error)
            else:
                self.report_status = self.tr("Отчёт сохранён: {path}").format(path=path)
            self.status_label.setText(self.report_status)

        self._runner.submit(work, on_result=write,
                            on_error=lambda e: self.status_label.setText(describe_error(e)), owner=self)
