"""Every training of the project: a list to pick one from, and two trainings' curves
side by side. Passive: fed the trainings (core/history.py's Training objects) and the
epochs to compare; what the student asks for goes out as signals.
"""
from __future__ import annotations

import logging
from typing import Any, Sequence

import pyqtgraph as pg
from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import (QAbstractItemView, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                             QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from widgets.common import percent, translated

log = logging.getLogger(__name__)

#: The table's columns (their headers are translated in HistoryPanel.__init__).
COLUMNS = ["Date", "Model", "Classes", "Pictures", "Settings", "Best val.", "Test", "Where"]
COMPARE_COLOURS = ("#1f77b4", "#d62728")


def _percent(value: float | None) -> str:
    return "–" if value is None else percent(value)


class HistoryPanel(QWidget):
    """The trainings list (newest first) and a compare view of two of them.

    Signals:
        refresh_requested(): read the list again (local history + DL server).
        model_chosen(str): the steps 6 to 8 should work on this model.
        save_requested(str): save this model's ONNX file and labels to this computer.
        compare_requested(list): the curves of these (two) models, side by side.
    """

    refresh_requested = pyqtSignal()
    model_chosen = pyqtSignal(str)
    save_requested = pyqtSignal(str)
    compare_requested = pyqtSignal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel(self.tr("No training yet."))
        self.status_label.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([
            self.tr("Date"), self.tr("Model"), self.tr("Classes"), self.tr("Pictures"),
            self.tr("Settings"), self.tr("Best val."), self.tr("Test"), self.tr("Where")])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.use_button = QPushButton(self.tr("Use this model (steps 6–8)"))
        self.save_button = QPushButton(self.tr("Save to this computer…"))
        self.compare_button = QPushButton(self.tr("Compare the two selected"))
        # Two rows of two: in one row (longer still in French) they made the window wider
        # than a 1366-pixel laptop screen.
        buttons = QGridLayout()
        for index, button in enumerate((self.refresh_button, self.use_button, self.save_button,
                                        self.compare_button)):
            buttons.addWidget(button, index // 2, index % 2)
        buttons.setColumnStretch(2, 1)
        self.accuracy_plot = pg.PlotWidget(background="w", title=self.tr("Validation accuracy (%)"))
        self.loss_plot = pg.PlotWidget(background="w", title=self.tr("Validation loss"))
        for plot in (self.accuracy_plot, self.loss_plot):
            plot.addLegend(offset=(-10, 10))
            plot.showGrid(x=True, y=True, alpha=0.3)
            plot.setLabel("bottom", self.tr("epoch"))
        plots = QHBoxLayout()
        plots.addWidget(self.accuracy_plot)
        plots.addWidget(self.loss_plot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 2)
        layout.addLayout(buttons)
        layout.addLayout(plots, 1)
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.use_button.clicked.connect(lambda: self._emit_one(self.model_chosen))
        self.save_button.clicked.connect(lambda: self._emit_one(self.save_requested))
        self.compare_button.clicked.connect(self._on_compare)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._models: list[str] = []
        self._update_buttons()

    def set_trainings(self, trainings: Sequence[Any]) -> None:
        """Show the trainings (objects with core/history.py's Training fields)."""
        self.table.setRowCount(len(trainings))
        self._models = [t.model for t in trainings]
        for row, training in enumerate(trainings):
            counts = training.counts or {}
            settings = training.settings or {}
            cells = [training.date, training.model, ", ".join(training.classes),
                     ", ".join(f"{k} {v}" for k, v in counts.items()) or "–",
                     ", ".join(f"{k} {v}" for k, v in settings.items()) or "–",
                     _percent(training.best_val_acc), _percent(training.test_acc), training.where()]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(translated(text)))
        self.status_label.setText(self.tr("{0} training(s) of this project, newest first. Select "
                                          "one to use or save it, two to compare them.")
                                  .format(len(trainings))
                                  if trainings else self.tr("No training yet."))
        self._update_buttons()

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def selected_models(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self._models[row] for row in rows if row < len(self._models)]

    def select_models(self, models: Sequence[str]) -> None:
        """Select these models' rows (as a click does)."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.MultiSelection)
        for model in models:
            if model in self._models:
                self.table.selectRow(self._models.index(model))
        self.table.setSelectionMode(mode)

    def show_comparison(self, curves: dict[str, list[dict[str, Any]]]) -> None:
        """Each model's validation accuracy and loss per epoch (metrics.jsonl records)."""
        for plot in (self.accuracy_plot, self.loss_plot):
            plot.clear()
        for colour, (model, epochs) in zip(COMPARE_COLOURS, curves.items()):
            records = sorted((r for r in epochs if "epoch" in r), key=lambda r: int(r["epoch"]))
            x = [int(r["epoch"]) for r in records]
            pen = pg.mkPen(colour, width=2)
            self.accuracy_plot.plot(x, [float(r.get("val_acc", float("nan"))) * 100 for r in records],
                                    name=model, pen=pen, symbol="o", symbolSize=5, symbolBrush=colour)
            self.loss_plot.plot(x, [float(r.get("val_loss", float("nan"))) for r in records],
                                name=model, pen=pen, symbol="o", symbolSize=5, symbolBrush=colour)

    def compared_models(self) -> list[str]:
        """The models whose curves are drawn now."""
        return [item.name() for item in self.accuracy_plot.getPlotItem().listDataItems()]

    def _emit_one(self, signal: Any) -> None:
        models = self.selected_models()
        if len(models) == 1:
            signal.emit(models[0])

    def _on_compare(self) -> None:
        models = self.selected_models()
        if len(models) == 2:
            self.compare_requested.emit(models)

    def _update_buttons(self) -> None:
        count = len(self.selected_models())
        self.use_button.setEnabled(count == 1)
        self.save_button.setEnabled(count == 1)
        self.compare_button.setEnabled(count == 2)
