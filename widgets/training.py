"""The Training tab: epoch i of N, time left, accuracy and loss curves, the best epoch.

Passive: it displays the training's output lines and events the window feeds it and does
no disk or network work, so it never freezes the window and is tested with recorded output.
"""
from __future__ import annotations

import logging
import math
from typing import Any

import pyqtgraph as pg
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from core.protocol import (Event, ScriptError, TextLine, format_duration, likely_epochs,
                           parse_line, parse_training_setup, parse_warning, time_left_s)
from widgets.common import big_font, number

log = logging.getLogger(__name__)

TRAIN_COLOUR = QColor(31, 119, 180)   # blue
VAL_COLOUR = QColor(230, 120, 20)     # orange: tells apart from blue for colour-blind eyes
NOTICE_STYLE = ("background-color: #fff4c2; color: #4a3b00; border: 1px solid #e0c860;"
                " border-radius: 3px; padding: 2px; font-size: 9pt;")
#: Fewer training pictures per class than this: the student is told to record more.
FEW_PICTURES_PER_CLASS = 30
MAX_NOTICES = 4


class EpochAxis(pg.AxisItem):
    """An epoch axis: whole numbers only (there is no epoch 1.5)."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802,N803
        levels = [(spacing, [v for v in values if float(v).is_integer()])
                  for spacing, values in super().tickValues(minVal, maxVal, size) if spacing >= 1]
        if not any(values for _, values in levels):
            levels = [(1.0, [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)])]
        return levels


def _plot(title: str, y_label: str, x_label: str,
          legend_offset: tuple[int, int] = (-10, 10)) -> pg.PlotWidget:
    """A white plot with a grid and a legend, readable on a projector."""
    plot = pg.PlotWidget(background="w", axisItems={"bottom": EpochAxis("bottom")})
    plot.setTitle(title, color="k", size="11pt")
    plot.setLabel("bottom", x_label, color="k")
    plot.setLabel("left", y_label, color="k")
    plot.showGrid(x=True, y=True, alpha=0.3)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setPen(pg.mkPen("k"))
        plot.getAxis(axis).setTextPen(pg.mkPen("k"))
    plot.addLegend(offset=legend_offset, labelTextColor="k")  # negative: from the right/bottom
    plot.setMouseEnabled(x=False, y=False)
    plot.setMinimumHeight(110)
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
        self.notice_label = QLabel()          # what changes the result: scratch, CPU, few pictures
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(NOTICE_STYLE)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        # Accuracies climb towards 100 %: the legend goes bottom right, out of their way.
        self.accuracy_plot = _plot(self.tr("Accuracy"), "%", self.tr("epoch"),
                                   legend_offset=(-10, -30))
        self.accuracy_plot.setYRange(0, 100, padding=0.02)
        self.accuracy_plot.setYRange(0, 100)
        self.loss_plot = _plot(self.tr("Loss"), self.tr("loss"), self.tr("epoch"))
        pen = {"width": 2}
        self.train_acc_curve = self.accuracy_plot.plot(
            [], [], name=self.tr("train"), pen=pg.mkPen(TRAIN_COLOUR, **pen), symbol="o", symbolSize=5,
            symbolBrush=TRAIN_COLOUR)
        self.val_acc_curve = self.accuracy_plot.plot(
            [], [], name=self.tr("validation"), pen=pg.mkPen(VAL_COLOUR, **pen), symbol="s", symbolSize=5,
            symbolBrush=VAL_COLOUR)
        self.best_marker = pg.ScatterPlotItem(size=14, symbol="star", brush=pg.mkBrush("#d4a017"),
                                              pen=pg.mkPen("k"), name=self.tr("best"))
        self.accuracy_plot.addItem(self.best_marker)
        self.train_loss_curve = self.loss_plot.plot(
            [], [], name=self.tr("train"), pen=pg.mkPen(TRAIN_COLOUR, **pen), symbol="o", symbolSize=5,
            symbolBrush=TRAIN_COLOUR)
        self.val_loss_curve = self.loss_plot.plot(
            [], [], name=self.tr("validation"), pen=pg.mkPen(VAL_COLOUR, **pen), symbol="s", symbolSize=5,
            symbolBrush=VAL_COLOUR)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setFont(big_font(11))
        plots = QHBoxLayout()
        plots.addWidget(self.accuracy_plot)
        plots.addWidget(self.loss_plot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.notice_label)
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
        self._patience: int | None = None
        self._mode = "full"  # train.py's start event: "head" (last layer only) or "full"
        self._notices: list[str] = []
        self.notice_label.clear()
        self.notice_label.hide()
        self.status_label.setText(self.tr("No training yet."))
        self.status_label.setStyleSheet("")
        self.summary_label.setText("")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(self.tr("not started"))
        self._redraw()

    def feed_line(self, line: str) -> None:
        """Take one output line of train.py/job.py; lines without an event are ignored."""
        parsed = parse_line(line)
        if isinstance(parsed, Event):
            self.add_record(parsed.data)
        elif isinstance(parsed, ScriptError):
            self.show_failure(parsed.reason)
        elif isinstance(parsed, TextLine):
            self._read_text_line(parsed.text)

    def _read_text_line(self, text: str) -> None:
        """train.py's set-up line (weights, patience) and its warnings."""
        setup = parse_training_setup(text)
        if setup is not None:
            self._patience = setup.patience
            if setup.from_scratch:
                self.add_notice(self.tr(
                    "Training from scratch (weights: {0}): expect a lower accuracy; more "
                    "pictures and epochs help.")
                    .format(setup.weights))
        warning = parse_warning(text)
        if warning is not None:
            self.add_notice(self.tr("Warning: {0}").format(warning))

    def add_notice(self, text: str) -> None:
        """Show, above the curves, something that changes what the student gets."""
        if text in self._notices:
            return
        self._notices.append(text)
        shown = self._notices[:MAX_NOTICES]
        more = len(self._notices) - len(shown)
        self.notice_label.setText("\n".join("⚠ " + notice for notice in shown) + (
            self.tr("\n(and {0} more in the Log)").format(more) if more else ""))
        self.notice_label.show()

    def notices(self) -> list[str]:
        return list(self._notices)

    def _notice_start(self, record: dict[str, Any]) -> None:
        """A CPU-only server or too few pictures: said where the student looks."""
        device = str(record.get("device", ""))
        if device == "cpu" and self._mode != "head":  # head-only is the CPU's fast path
            self.add_notice(self.tr("No GPU on the DL server: training runs on its CPU, "
                                    "much slower."))
        classes = record.get("classes")
        count = len(classes) if isinstance(classes, list) else int(classes or 0)
        images = record.get("train_images")
        if count and isinstance(images, int) and images < FEW_PICTURES_PER_CLASS * count:
            self.add_notice(self.tr(
                "Few pictures: {0} for training in {1} classes (about {2} each); record "
                "more, with varied backgrounds and light.")
                .format(images, count, images // count))

    def add_record(self, record: dict[str, Any]) -> None:
        """Take one event object: `start`, `epoch`, `end` (train.py) or `job` (job.py).

        An object without "event" is taken as an epoch record (metrics.jsonl's format).
        """
        kind = record.get("event", "epoch")
        if kind == "start":
            self._epochs_total = int(record.get("epochs") or 0)
            self._mode = str(record.get("mode") or "full")
            classes = record.get("classes", "?")  # train.py sends the names; a count also works
            if isinstance(classes, list):
                classes = self.tr("{0} classes ({1})").format(len(classes), ", ".join(map(str, classes)))
            else:
                classes = self.tr("{0} classes").format(classes)
            self.status_label.setStyleSheet("")
            self._notice_start(record)
            what = (self.tr("only the last layer, on the frozen network's features (head-only)")
                    if self._mode == "head" else self.tr("the whole network (full fine-tuning)"))
            self.status_label.setText(self.tr(
                "Training on {0}: {1}, {2} training and {3} validation images at {4} px; "
                "trains {5}.").format(
                record.get("device", "?"), classes, record.get("train_images", "?"),
                record.get("val_images", "?"), record.get("resolution", "?"), what))
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
        self.status_label.setText(self.tr("Training failed: {0}").format(reason))
        self.status_label.setStyleSheet("color: #b00020; font-weight: bold;")

    def _show_job(self, record: dict[str, Any]) -> None:
        state = record.get("state", "")
        texts = {
            "waiting": self.tr("Waiting for the GPU ({0} ahead).").format(record.get("ahead", 0)),
            "pending": self.tr("Pending in the cluster's queue ({0} ahead): {1}").format(
                record.get("ahead", 0), record.get("reason", "")).rstrip(": "),
            "running": self.tr("Training is running on the DL server."),
            "cancelled": self.tr("Training stopped."),
            "failed": self.tr("Training failed (exit status {0}).").format(record.get("exit_code", "?")),
        }
        if state in texts and not (state == "running" and self._records):
            self.status_label.setText(texts[state])
            self.status_label.setStyleSheet(
                "color: #b00020; font-weight: bold;" if state == "failed" else "")

    def epoch_records(self) -> list[dict[str, Any]]:
        """The epochs shown, in order (metrics.jsonl's records)."""
        return [self._records[epoch] for epoch in sorted(self._records)]

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
            self.loss_plot.setTitle(self.tr("Loss (log scale)") if log_scale else self.tr("Loss"),
                                    color="k", size="11pt")

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
                return self.tr("stopped early after epoch {0} of {1}").format(run, total)
            return self.tr("finished: {0} of {1} epochs").format(run, total)
        if done == 0:
            return self.tr("starting…") if total else self.tr("not started")
        seconds = [r.get("seconds") for r in self._records.values()]
        likely = likely_epochs(self._best_epoch() or done, done, total, self._patience)
        left = time_left_s(seconds, done, likely)
        if likely >= total:
            return self.tr("epoch {0} of {1}, time left ~ {2}").format(done, total, format_duration(left))
        most = time_left_s(seconds, done, total)
        return self.tr("epoch {0} of {1} (early stopping: likely about {2}), time left ~ {3}, "
                       "at most {4}").format(done, total, likely, format_duration(left),
                                             format_duration(most))

    def _summary_text(self) -> str:
        if self._end is None:
            if not self._records:
                return ""
            best = max(float(r.get("val_acc", 0)) for r in self._records.values())
            return self.tr("Best validation accuracy so far: {0} %").format(number(best * 100))
        best_acc = float(self._end.get("best_val_acc", 0)) * 100
        best = int(self._end.get("best_epoch") or 0)
        run = int(self._end.get("epochs_run") or self.epochs_done())
        text = self.tr("Best validation accuracy: {0} % (epoch {1}); that model is the one "
                       "exported.").format(number(best_acc), best or "?")
        if self._mode == "head":
            text += " " + self.tr("Head-only training runs all {0} epochs and keeps the last "
                                  "one.").format(run)
        elif self._end.get("stopped_early"):
            # train.py counts the epochs without a better accuracy (its patience); the kept
            # model may be a later epoch with the same accuracy and a lower loss
            quiet = self._patience or max(run - best, 1)
            text += " " + self.tr("Stopped early after epoch {0} of {1}: the validation accuracy "
                                  "did not improve for {2} epochs; the best model is from epoch "
                                  "{3}.").format(run, self._epochs_total, quiet, best)
        elif best and best == run:
            text += " " + self.tr("Finished all {0} epochs; the best epoch was the last one: more "
                                  "epochs might still improve the model.").format(run)
        else:
            text += " " + self.tr("Finished all {0} epochs; best epoch {1}.").format(run, best)
        return text
