"""The panels that show students what is happening: training curves, test results, the
live class with its virtual LEDs, and the machines' state.

The live panel lives in live_panel.py and is re-exported here. Every panel is passive: it displays what the window feeds it (output lines, event
dicts, check rows) and does no disk or network work, so it can never freeze the window
and is tested by feeding it recorded output. Parsing lives in output_parsing.py.
"""
from __future__ import annotations

import logging
from typing import Any, Sequence

import pyqtgraph as pg
from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtGui import QColor, QFont
from PyQt5.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                             QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from live_panel import DEFAULT_PINS, LivePanel, VirtualLed
from machine_check import CHECKS, FAIL, OK, SKIP, WARN, CheckRow
from output_parsing import Event, ScriptError, format_duration, parse_line, time_left_s

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_PINS", "LivePanel", "MachineStatusPanel", "TestResultsPanel", "TrainingPanel",
           "VirtualLed"]

TRAIN_COLOUR = QColor(31, 119, 180)   # blue
VAL_COLOUR = QColor(230, 120, 20)     # orange: tells apart from blue for colour-blind eyes
STATE_COLOURS = {OK: QColor("#b9e4bd"), WARN: QColor("#ffe0a3"), FAIL: QColor("#f6b3b3"),
                 SKIP: QColor("#e3e3e3")}


def _big_font(points: int, bold: bool = True) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _plot(title: str, y_label: str, legend_offset: tuple[int, int] = (-10, 10)) -> pg.PlotWidget:
    """A white plot with a grid and a legend, readable on a projector."""
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="k", size="11pt")
    plot.setLabel("bottom", "epoch", color="k")
    plot.setLabel("left", y_label, color="k")
    plot.showGrid(x=True, y=True, alpha=0.3)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(pg.mkPen("k"))
        plot.getAxis(axis).setTextPen(pg.mkPen("k"))
    plot.addLegend(offset=legend_offset, labelTextColor="k")  # negative: from the right/bottom
    plot.setMouseEnabled(x=False, y=False)
    plot.setMinimumHeight(160)
    return plot


class TrainingPanel(QWidget):
    """Progress and live curves of a training, fed by train.py's (and job.py's) output.

    Feed it each output line with `feed_line`, or event dicts with `add_record` (e.g. the
    epoch objects of metrics.jsonl after re-attaching). Replayed epochs replace the ones
    already shown, so showing a log again from its start does not double the curves.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        # Accuracies climb towards 100 %: the legend goes bottom right, out of their way.
        self.accuracy_plot = _plot("Accuracy", "%", legend_offset=(-10, -30))
        self.accuracy_plot.setYRange(0, 100, padding=0.02)
        self.accuracy_plot.setYRange(0, 100)
        self.loss_plot = _plot("Loss", "loss")
        pen = {"width": 2}
        self.train_acc_curve = self.accuracy_plot.plot(
            [], [], name="train", pen=pg.mkPen(TRAIN_COLOUR, **pen), symbol="o", symbolSize=5,
            symbolBrush=TRAIN_COLOUR)
        self.val_acc_curve = self.accuracy_plot.plot(
            [], [], name="validation", pen=pg.mkPen(VAL_COLOUR, **pen), symbol="s", symbolSize=5,
            symbolBrush=VAL_COLOUR)
        self.best_marker = pg.ScatterPlotItem(size=14, symbol="star", brush=pg.mkBrush("#d4a017"),
                                              pen=pg.mkPen("k"), name="best")
        self.accuracy_plot.addItem(self.best_marker)
        self.train_loss_curve = self.loss_plot.plot(
            [], [], name="train", pen=pg.mkPen(TRAIN_COLOUR, **pen), symbol="o", symbolSize=5,
            symbolBrush=TRAIN_COLOUR)
        self.val_loss_curve = self.loss_plot.plot(
            [], [], name="validation", pen=pg.mkPen(VAL_COLOUR, **pen), symbol="s", symbolSize=5,
            symbolBrush=VAL_COLOUR)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setFont(_big_font(11))
        plots = QHBoxLayout()
        plots.addWidget(self.accuracy_plot)
        plots.addWidget(self.loss_plot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addLayout(plots, 1)
        layout.addWidget(self.summary_label)
        self.reset()

    def reset(self) -> None:
        """Forget the shown training (a new one is about to start)."""
        self._x_range = 0
        self._records: dict[int, dict[str, Any]] = {}
        self._epochs_total = 0
        self._end: dict[str, Any] | None = None
        self.status_label.setText("No training yet.")
        self.status_label.setStyleSheet("")
        self.summary_label.setText("")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("not started")
        self._redraw()

    def feed_line(self, line: str) -> None:
        """Take one output line of train.py/job.py; lines without an event are ignored."""
        parsed = parse_line(line)
        if isinstance(parsed, Event):
            self.add_record(parsed.data)
        elif isinstance(parsed, ScriptError):
            self.show_failure(parsed.reason)

    def add_record(self, record: dict[str, Any]) -> None:
        """Take one event object: `start`, `epoch`, `end` (train.py) or `job` (job.py).

        An object without "event" is taken as an epoch record (metrics.jsonl's format).
        """
        kind = record.get("event", "epoch")
        if kind == "start":
            self._epochs_total = int(record.get("epochs") or 0)
            classes = record.get("classes", "?")  # train.py sends the names; a count also works
            if isinstance(classes, list):
                classes = f"{len(classes)} classes ({', '.join(map(str, classes))})"
            else:
                classes = f"{classes} classes"
            self.status_label.setStyleSheet("")
            self.status_label.setText(
                f"Training on {record.get('device', '?')}: {classes}, "
                f"{record.get('train_images', '?')} training and {record.get('val_images', '?')} "
                f"validation images at {record.get('resolution', '?')} px.")
        elif kind == "epoch" and "epoch" in record:
            self._records[int(record["epoch"])] = record
            self._epochs_total = int(record.get("epochs") or self._epochs_total)
        elif kind == "end":
            self._end = record
        elif kind == "job":
            self._show_job(record)
        else:
            return
        self._redraw()

    def show_failure(self, reason: str) -> None:
        """Show that the training failed, with the script's reason."""
        self.status_label.setText(f"Training failed: {reason}")
        self.status_label.setStyleSheet("color: #b00020; font-weight: bold;")

    def _show_job(self, record: dict[str, Any]) -> None:
        state = record.get("state", "")
        texts = {
            "waiting": f"Waiting for the GPU ({record.get('ahead', 0)} ahead).",
            "pending": (f"Pending in the cluster's queue ({record.get('ahead', 0)} ahead): "
                        f"{record.get('reason', '')}").rstrip(": "),
            "running": "Training is running on the DL server.",
            "cancelled": "Training stopped.",
            "failed": f"Training failed (exit status {record.get('exit_code', '?')}).",
        }
        if state in texts and not (state == "running" and self._records):
            self.status_label.setText(texts[state])
            self.status_label.setStyleSheet(
                "color: #b00020; font-weight: bold;" if state == "failed" else "")

    def epochs_done(self) -> int:
        """The highest epoch shown so far."""
        return max(self._records, default=0)

    def _redraw(self) -> None:
        epochs = sorted(self._records)
        records = [self._records[e] for e in epochs]

        def column(key: str, scale: float = 1.0) -> list[float]:
            return [float(r.get(key, float("nan"))) * scale for r in records]

        self.train_acc_curve.setData(epochs, column("train_acc", 100.0))
        self.val_acc_curve.setData(epochs, column("val_acc", 100.0))
        self.train_loss_curve.setData(epochs, column("train_loss"))
        self.val_loss_curve.setData(epochs, column("val_loss"))
        self._choose_loss_scale(column("train_loss") + column("val_loss"))
        best = self._best_epoch()
        if best is not None and best in self._records:
            self.best_marker.setData([best], [float(self._records[best].get("val_acc", 0)) * 100])
        else:
            self.best_marker.setData([], [])
        total = max(self._epochs_total, 1)
        done = self.epochs_done()
        self._fix_ranges()
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(min(done, total))
        self.progress_bar.setFormat(self.progress_text())
        self.summary_label.setText(self._summary_text())

    def _fix_ranges(self) -> None:
        """Fixed axes (epochs 1..N, accuracy 0..100 %): pyqtgraph then keeps its drawn
        axes between epochs instead of recomputing ticks, which made each update slow."""
        planned = self.epochs_done() if self._end is not None else self._epochs_total
        last = max(planned, self.epochs_done(), 2)
        if self._x_range != last:
            self._x_range = last
            for plot in (self.accuracy_plot, self.loss_plot):
                plot.setXRange(1, last, padding=0.02)

    def _choose_loss_scale(self, losses: list[float]) -> None:
        """Log scale when the losses span more than two decades: a network trained from
        scratch starts with validation losses in the tens and ends near 0.001, and on a
        linear axis everything after the first epochs would be one flat line."""
        positive = [v for v in losses if v > 0 and v == v]
        log_scale = bool(positive) and max(positive) / min(positive) > 100
        if log_scale != self.loss_plot.getPlotItem().ctrl.logYCheck.isChecked():
            self.loss_plot.setLogMode(y=log_scale)
            self.loss_plot.setTitle("Loss (log scale)" if log_scale else "Loss", color="k", size="11pt")

    def is_loss_log_scale(self) -> bool:
        """Whether the loss plot uses a log scale now."""
        return self.loss_plot.getPlotItem().ctrl.logYCheck.isChecked()

    def _best_epoch(self) -> int | None:
        if self._end is not None and self._end.get("best_epoch"):
            return int(self._end["best_epoch"])
        best = [e for e, r in self._records.items() if r.get("best")]
        if best:
            return max(best)
        return max(self._records, key=lambda e: self._records[e].get("val_acc", 0), default=None)

    def progress_text(self) -> str:
        """The progress bar's text: "epoch i of N, time left ~ T", or how it ended."""
        done, total = self.epochs_done(), self._epochs_total
        if self._end is not None:
            run = int(self._end.get("epochs_run") or done)
            if self._end.get("stopped_early"):
                return f"stopped early after epoch {run} of {total}"
            return f"finished: {run} of {total} epochs"
        if done == 0:
            return "starting…" if total else "not started"
        left = time_left_s((r.get("seconds") for r in self._records.values()), done, total)
        return f"epoch {done} of {total}, time left ~ {format_duration(left)}"

    def _summary_text(self) -> str:
        if self._end is None:
            if not self._records:
                return ""
            best = max(float(r.get("val_acc", 0)) for r in self._records.values())
            return f"Best validation accuracy so far: {best * 100:.1f} %"
        best_acc = float(self._end.get("best_val_acc", 0)) * 100
        text = (f"Best validation accuracy: {best_acc:.1f} % (epoch {self._end.get('best_epoch', '?')}); "
                "that model is the one exported.")
        if self._end.get("stopped_early"):
            text += (f" Stopped early after epoch {self._end.get('epochs_run', '?')}: the validation "
                     "accuracy had stopped improving, more epochs would not have helped.")
        return text


class TestResultsPanel(QWidget):
    """The test-set evaluation (evaluate.py): per-class accuracy and the confusion matrix.

    The evaluation runs on the DL server with the Nano's preprocessing (whole frame
    stretched, no crop), so these numbers predict what the Nano will do.
    """

    __test__ = False  # not a pytest test class despite its name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary_label = QLabel()
        self.summary_label.setFont(_big_font(12))
        self.preprocessing_label = QLabel()
        self.preprocessing_label.setWordWrap(True)
        self.mistakes_label = QLabel()
        self.mistakes_label.setWordWrap(True)
        self.per_class_table = QTableWidget(0, 3)
        self.per_class_table.setHorizontalHeaderLabels(["Class", "Correct / images", "Accuracy"])
        self.confusion_table = QTableWidget(0, 0)
        for table in (self.per_class_table, self.confusion_table):
            table.setEditTriggers(QAbstractItemView.NoEditTriggers)
            table.setSelectionMode(QAbstractItemView.NoSelection)
            table.setFocusPolicy(Qt.NoFocus)
        self.per_class_table.verticalHeader().setVisible(False)
        self.per_class_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.per_class_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.confusion_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.confusion_table.verticalHeader().setSectionResizeMode(QHeaderView.Stretch)
        confusion_caption = QLabel("Confusion matrix: rows are the true class, columns the class "
                                   "the model answered; the diagonal counts the correct answers.")
        confusion_caption.setWordWrap(True)
        per_class_box = QVBoxLayout()
        per_class_box.addWidget(QLabel("Per class"))
        per_class_box.addWidget(self.per_class_table)
        confusion_box = QVBoxLayout()
        confusion_box.addWidget(confusion_caption)
        confusion_box.addWidget(self.confusion_table)
        tables = QHBoxLayout()
        tables.addLayout(per_class_box, 1)
        tables.addLayout(confusion_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.preprocessing_label)
        layout.addLayout(tables, 1)
        layout.addWidget(self.mistakes_label)
        self.clear()

    def clear(self) -> None:
        """Show that no evaluation exists yet."""
        self.summary_label.setText("No test results yet: they appear after the ONNX conversion.")
        self.preprocessing_label.setText("")
        self.mistakes_label.setText("")
        self.per_class_table.setRowCount(0)
        self.confusion_table.setRowCount(0)
        self.confusion_table.setColumnCount(0)

    def feed_line(self, line: str) -> None:
        """Take one output line of evaluate.py; shows its `evaluation` event."""
        parsed = parse_line(line)
        if isinstance(parsed, Event) and parsed.name == "evaluation":
            self.show_evaluation(parsed.data)

    def show_evaluation(self, evaluation: dict[str, Any]) -> None:
        """Show one evaluation object (evaluate.py's event or evaluation.json)."""
        labels = [str(label) for label in evaluation.get("classes", [])]
        confusion = [[int(v) for v in row] for row in evaluation.get("confusion", [])]
        images = int(evaluation.get("images", sum(map(sum, confusion))))
        correct = int(evaluation.get("correct", sum(confusion[i][i] for i in range(len(confusion)))))
        accuracy = float(evaluation.get("accuracy", correct / images if images else 0.0))
        self.summary_label.setText(
            f"Test set: {correct} of {images} images recognised ({accuracy * 100:.1f} %)")
        preprocessing = evaluation.get("preprocessing", "the Nano's")
        if isinstance(preprocessing, dict):
            preprocessing = ", ".join(f"{k}: {v}" for k, v in preprocessing.items())
        self.preprocessing_label.setText(
            f"Computed with the Nano's preprocessing ({preprocessing}) on the images of test/, "
            "which the training never saw.")
        self._fill_per_class(evaluation.get("per_class", []))
        self._fill_confusion(labels, confusion)
        self.mistakes_label.setText(_mistakes_text(evaluation.get("mistakes", [])))

    def _fill_per_class(self, per_class: Sequence[dict[str, Any]]) -> None:
        self.per_class_table.setRowCount(len(per_class))
        for row, entry in enumerate(per_class):
            total, correct = int(entry.get("total", 0)), int(entry.get("correct", 0))
            accuracy = float(entry.get("accuracy", correct / total if total else 0.0))
            items = [QTableWidgetItem(str(entry.get("label", row))),
                     QTableWidgetItem(f"{correct} / {total}"),
                     QTableWidgetItem(f"{accuracy * 100:.1f} %")]
            items[2].setBackground(_accuracy_colour(accuracy))
            for column, item in enumerate(items):
                if column:
                    item.setTextAlignment(Qt.AlignCenter)
                self.per_class_table.setItem(row, column, item)

    def _fill_confusion(self, labels: list[str], confusion: list[list[int]]) -> None:
        size = len(confusion)
        labels = labels + [f"class #{i}" for i in range(len(labels), size)]
        table = self.confusion_table
        table.setRowCount(size)
        table.setColumnCount(size)
        table.setVerticalHeaderLabels([f"true: {label}" for label in labels[:size]])
        table.setHorizontalHeaderLabels(labels[:size])
        for row, counts in enumerate(confusion):
            row_total = sum(counts) or 1
            for column in range(size):
                count = counts[column] if column < len(counts) else 0
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignCenter)
                item.setFont(_big_font(12))
                item.setBackground(_confusion_colour(count / row_total, row == column))
                item.setToolTip(f"{count} image(s) of '{labels[row]}' answered as '{labels[column]}'")
                table.setItem(row, column, item)

    def cell_count(self, true_class: int, answered_class: int) -> int:
        """The number shown in one confusion-matrix cell."""
        return int(self.confusion_table.item(true_class, answered_class).text())


def _mistakes_text(mistakes: Sequence[dict[str, Any]], shown: int = 4) -> str:
    """The first wrongly recognised test images: worth a look (blurred? mislabelled?)."""
    if not mistakes:
        return ""
    items = [f"{m.get('file', '?')} ('{m.get('label', '?')}' answered as '{m.get('predicted', '?')}', "
             f"{float(m.get('confidence', 0)) * 100:.0f} %)" for m in mistakes[:shown]]
    more = f" and {len(mistakes) - shown} more" if len(mistakes) > shown else ""
    return "Wrong answers in test/: " + "; ".join(items) + more + "."


def _accuracy_colour(accuracy: float) -> QColor:
    """Red for 0 %, through yellow, to green for 100 %, kept pale so the text stays readable."""
    hue = int(max(0.0, min(1.0, accuracy)) * 120)
    return QColor.fromHsv(hue, 90, 250)


def _confusion_colour(fraction: float, diagonal: bool) -> QColor:
    """Green shades on the diagonal, red shades elsewhere; white for zero."""
    if fraction <= 0:
        return QColor("white")
    return QColor.fromHsv(120 if diagonal else 0, int(30 + 110 * fraction), 240)


class MachineStatusPanel(QWidget):
    """A table of checks × machines, one column per machine (green ok, amber warning,
    red failure, grey not checked) with a "Check again" button. Checks are rows: a lab
    has few machines but seven checks, and wide columns keep each reason readable. The window runs machine_check in a worker and
    passes the rows to `set_rows`.

    Signals:
        check_requested(): the user asked for a new check.
    """

    check_requested = pyqtSignal()  # no payload

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(len(CHECKS), 0)
        self.table.setVerticalHeaderLabels([title for _key, title in CHECKS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.table.setSizeAdjustPolicy(QAbstractItemView.AdjustToContents)
        # Every column shares the width and long texts wrap: the whole table stays visible.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setWordWrap(True)
        self.status_label = QLabel("Not checked yet.")
        self.status_label.setWordWrap(True)
        self.check_button = QPushButton("Check again")
        self.check_button.clicked.connect(self.check_requested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.check_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._rows: list[CheckRow] = []

    def set_checking(self, checking: bool) -> None:
        """Say that a check runs (and disable the button until it ends)."""
        self.check_button.setEnabled(not checking)
        self.check_button.setText("Checking…" if checking else "Check again")
        if checking:
            self.status_label.setText("Checking the machines…")

    def set_rows(self, rows: Sequence[CheckRow]) -> None:
        """Show the result of a check, one column per machine."""
        self._rows = list(rows)
        self.table.setColumnCount(len(rows))
        self.table.setHorizontalHeaderLabels(
            [f"{row.machine} ({'DL server' if row.role == 'dl' else 'Nano'})" for row in rows])
        for index, row in enumerate(rows):
            for check, (key, title) in enumerate(CHECKS):
                result = row.result(key)
                item = QTableWidgetItem(result.text)
                item.setBackground(STATE_COLOURS.get(result.state, STATE_COLOURS[SKIP]))
                item.setForeground(QColor("#707070") if result.state == SKIP else QColor("black"))
                item.setToolTip(f"{title}: {result.detail or result.text}")
                item.setData(Qt.UserRole, result.state)
                self.table.setItem(check, index, item)
        failed = [row.machine for row in rows if row.failed]
        self.set_checking(False)
        self.status_label.setText(
            "No machines in config.json." if not rows
            else "All machines ready." if not failed
            else f"Not ready: {', '.join(failed)} (hover a red cell for the reason).")

    def cell_state(self, row: int, key: str) -> str:
        """The state ("ok", "warn", "fail", "skip") of check `key` for machine number `row`."""
        check = [k for k, _title in CHECKS].index(key)
        return str(self.table.item(check, row).data(Qt.UserRole))
