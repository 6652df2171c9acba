"""The instructor's window: `python3 ai_nano.py --class` (`--class --text` prints a table).

Two tables built from config.json: every training on the DL server (model, owner, state,
place in the queue, epoch, best validation accuracy) and every Nano (free, or in use by
whom, which model, since when; a Nano that is down is a red row). It refreshes every
REFRESH_MS in a worker (core/classroom.gather), never on the GUI thread, and a refresh
still running is not started twice. Actions: stop a training, stop a Nano's inference
(LEDs off), blink a Nano's LEDs in turn to check its wiring.
"""
from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path
from typing import Any

from PyQt5.QtCore import QTimer
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                             QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

import window_i18n
from core import classroom
from core.config import Config, ConfigError, load_config
from core.machines import DEFAULT_KNOWN_HOSTS, open_connection
from thread_command import AtClose, TaskRunner
from widgets.common import translated

log = logging.getLogger(__name__)

REFRESH_MS = 5000
DOWN_COLOUR = QColor("#f4b4b4")


class ClassWindow(QWidget):
    """The class at a glance; every network call runs in a TaskRunner worker."""

    def __init__(self, config: Config, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                 connect_timeout: float = 5.0, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__()
        self.config = config
        self.connect = functools.partial(open_connection, known_hosts=known_hosts,
                                         timeout=connect_timeout)
        self.runner = TaskRunner(self)
        self.state = classroom.ClassState()
        self.setWindowTitle(self.tr("ai_nano — the class"))
        self.resize(900, 600)
        self.trainings = self._table([self.tr("Model"), self.tr("Owner"), self.tr("State"),
                                      self.tr("Queue"), self.tr("Epoch"), self.tr("Best val acc")])
        self.nanos = self._table([self.tr("Nano"), self.tr("Address"), self.tr("Status"),
                                  self.tr("Model")])
        self.lbl_status = QLabel(self.tr("Reading the class…"))
        self.btn_stop_training = QPushButton(self.tr("Stop the training"))
        self.btn_stop_inference = QPushButton(self.tr("Stop the Nano's inference (LEDs off)"))
        self.btn_blink = QPushButton(self.tr("Blink the Nano's LEDs"))
        self.btn_stop_training.clicked.connect(self.stop_training)
        self.btn_stop_inference.clicked.connect(self.stop_inference)
        self.btn_blink.clicked.connect(self.blink)
        layout = QVBoxLayout(self)
        dl_name = config.dl_server.name if config.dl_server else self.tr("no DL server")
        layout.addWidget(QLabel(self.tr("Trainings on {dl}").format(dl=dl_name)))
        layout.addWidget(self.trainings)
        layout.addWidget(self.btn_stop_training)
        layout.addWidget(QLabel(self.tr("Jetson Nanos")))
        layout.addWidget(self.nanos)
        row = QHBoxLayout()
        row.addWidget(self.btn_stop_inference)
        row.addWidget(self.btn_blink)
        layout.addLayout(row)
        layout.addWidget(self.lbl_status)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(refresh_ms)
        self.refresh()

    @staticmethod
    def _table(columns: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectRows)
        table.setSelectionMode(QTableWidget.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # --- refresh ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Start a background gather unless one is still running."""
        worker = self.runner.start("refresh", classroom.gather, self.config, self.connect)
        if worker is None:
            return
        worker.succeeded.connect(self._show)
        worker.failed.connect(self._show_error)
        self.runner.run("refresh")

    def _show(self, state: classroom.ClassState) -> None:
        self.state = state
        self._fill(self.trainings, [self._training_cells(t) for t in state.trainings], [])
        down = [i for i, n in enumerate(state.nanos) if not n.reachable]
        self._fill(self.nanos, [[n.name, n.address, translated(n.user_text()),
                                 n.holder.get("model", "")] for n in state.nanos], down)
        problems = ([f"{state.dl_name}: {translated(state.dl_error)}"] if state.dl_error
                    else []) + [translated(text) for text in state.warnings]
        self.lbl_status.setText(" · ".join(problems) if problems else self.tr(
            "Trainings: {trainings} · Nanos in use: {used} of {nanos}").format(
                trainings=len(state.trainings), used=sum(n.in_use for n in state.nanos),
                nanos=len(state.nanos)))

    def _state_text(self, state: str) -> str:
        """A job's state (job.py's word) in the window's language."""
        words = {"none": self.tr("none"), "waiting": self.tr("waiting"),
                 "pending": self.tr("pending"), "running": self.tr("running"),
                 "finished": self.tr("finished"), "failed": self.tr("failed"),
                 "cancelled": self.tr("cancelled")}
        return words.get(state, state)

    def _training_cells(self, t: classroom.Training) -> list[str]:
        state = self._state_text(t.state) + (f" (Slurm {t.slurm_job_id})"
                                             if t.scheduler == "slurm" else "")
        ahead = "" if t.ahead is None else self.tr("{count} ahead").format(count=t.ahead)
        accuracy = "" if t.best_val_acc is None else translated(
            classroom.percent(t.best_val_acc))
        return [t.model, translated(t.owner) or "?", state, ahead, t.epoch, accuracy]

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]], red: list[int]) -> None:
        """Replace the rows, keeping the selected row (by its first cell) selected."""
        selected = table.currentRow()
        key = table.item(selected, 0).text() if selected >= 0 and table.item(selected, 0) \
            else None
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                if r in red:
                    item.setBackground(DOWN_COLOUR)
                table.setItem(r, c, item)
            if key is not None and cells[0] == key:
                table.selectRow(r)

    def _show_error(self, message: str) -> None:
        self.lbl_status.setText(translated(message))

    # --- actions ----------------------------------------------------------------------
    def _selected(self, table: QTableWidget, items: list) -> Any:
        row = table.currentRow()
        return items[row] if 0 <= row < len(items) else None

    def _act(self, key: str, function: Any, *args: Any) -> None:
        worker = self.runner.start(key, function, *args, at_close=AtClose.ABANDON)
        if worker is None:
            self.lbl_status.setText(self.tr("Still running, wait a moment"))
            return
        worker.line.connect(lambda text: self.lbl_status.setText(translated(text)))
        worker.failed.connect(self._show_error)
        worker.succeeded.connect(lambda _r: self.refresh())
        self.runner.run(key)

    def stop_training(self) -> None:
        training = self._selected(self.trainings, self.state.trainings)
        if training is None or self.config.dl_server is None:
            self.lbl_status.setText(self.tr("Choose a training first"))
            return
        if self.ask(self.tr("Stop the training {model} of {owner}?").format(
                model=training.model, owner=translated(training.owner) or "?")):
            self._act("stop training", classroom.stop_training, self.connect,
                      self.config.dl_server, training.model)

    def _nano(self) -> Any:
        row = self._selected(self.nanos, self.state.nanos)
        if row is None:
            self.lbl_status.setText(self.tr("Choose a Nano first"))
            return None
        return self.config.nano(row.name)

    def stop_inference(self) -> None:
        nano = self._nano()
        if nano is not None:
            self._act(f"stop {nano.name}", classroom.stop_inference, self.connect, nano)

    def blink(self) -> None:
        nano = self._nano()
        if nano is not None:
            self._act(f"blink {nano.name}", classroom.blink_leds, self.connect, nano)

    def ask(self, question: str) -> bool:
        return QMessageBox.question(self, "ai_nano", question, QMessageBox.Yes | QMessageBox.No,
                                    QMessageBox.No) == QMessageBox.Yes

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.timer.stop()
        self.runner.close()
        event.accept()


def main(config_path: Path, text: bool = False, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
         lang: str | None = None) -> int:
    """`ai_nano.py --class [--text]`: 2 when config.json cannot be read. The window takes
    the main window's language (--lang, config.json's, the system's); --text stays English."""
    try:
        config = load_config(config_path)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if text:
        connect = functools.partial(open_connection, known_hosts=known_hosts)
        print(classroom.format_text(classroom.gather(config, connect)))
        return 0
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window_i18n.install(app, window_i18n.choose_language(lang, config.language))
    window = ClassWindow(config, known_hosts)
    window.show()
    return app.exec_()
