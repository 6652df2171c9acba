"""The window's results part (issue 17): the wrong pictures, what went wrong, every
training of the project, the model saved to this computer.

`ResultsController` adds its panels to the window and runs its work through the
window's `run_task` (workers): reading the evaluation's pictures and thumbnails,
moving a mislabelled picture, fetching the last results and the trainings from the
DL server, downloading the model. The panels stay passive; this module only wires.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PyQt5.QtCore import QObject, Qt
from PyQt5.QtGui import QImage, QImageReader
from PyQt5.QtWidgets import QFileDialog, QScrollArea, QSplitter

from core import history, results
from core.diagnosis import diagnose
from core.machines import MachineError
from core.messages import text_of
from core.pipeline import Report, StepError
from core.workspace import Workspace, WorkspaceError
from widgets.history import HistoryPanel
from widgets.mistakes import PREVIEW_SIZE, MistakesPanel

log = logging.getLogger(__name__)

THUMBNAIL_CHUNK = 24    # pictures per thumbnail task: the first ones show within ~0.2 s


@dataclass
class Analysis:
    """What the window shows of one evaluation (made in a worker)."""

    pictures: list
    notes: list[str]
    findings: list


def analyse_task(evaluation: dict, workspace: Workspace | None, epochs: list,
                 report: Report) -> Analysis:
    """The wrong pictures on this laptop and the diagnosis (the thumbnails follow in
    chunks, so a long list shows at once)."""
    if workspace is None:
        return Analysis([], [], diagnose(evaluation, epochs))
    pictures, notes = results.wrong_pictures(evaluation, workspace)
    counts = workspace.project_info().classes
    return Analysis(pictures, notes, diagnose(evaluation, epochs, counts))


def thumbnails_task(paths: list[str], report: Report) -> list[tuple[str, QImage]]:
    """Previews of some pictures (QImage may be made in any thread; the panel makes the
    pixmaps in the GUI thread)."""
    return [(path, load_preview(Path(path))) for path in paths]


def load_preview(path: Path) -> QImage:
    """The picture at most PREVIEW_SIZE wide and high; a JPEG is decoded at that scale
    directly (libjpeg's scaled decoding: several times faster than decoding it whole)."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid() and (size.width() > PREVIEW_SIZE or size.height() > PREVIEW_SIZE):
        reader.setScaledSize(size.scaled(PREVIEW_SIZE, PREVIEW_SIZE, Qt.KeepAspectRatio))
    return reader.read()      # a null QImage for an unreadable file: the panel skips it


def move_task(workspace: Workspace, path: str, class_name: str, report: Report) -> tuple[str, Path]:
    try:
        return path, results.move_picture(workspace, Path(path), class_name)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error


def last_results_task(connect: Any, dl: Any, model_name: str, report: Report) -> results.LastResults:
    """The last results, or none when the DL server cannot be reached: re-attaching to
    the training (the same open) already tells the student, once."""
    try:
        with connect(dl) as conn:
            return results.fetch_last_results(conn, model_name)
    except MachineError as error:
        log.info("no last results of %s: %s", model_name, error)
        return results.LastResults(model_name)


def curves_task(connect: Any, dl: Any, models: list[str], report: Report) -> dict[str, list]:
    with connect(dl) as conn:
        return {model: results.fetch_last_results(conn, model).epochs for model in models}


def save_model_task(connect: Any, dl: Any, model_name: str, folder: Path, resolution: int,
                    report: Report) -> Path:
    try:
        with connect(dl) as conn:
            return results.save_model(conn, model_name, folder, resolution, on_progress=report.progress)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error


def record_task(workspace: Workspace, model_name: str, fields: dict, report: Report,
                with_counts: bool = False) -> None:
    """Write one line of the project's trainings history (.ai_nano/trainings.json)."""
    if with_counts:
        fields = {**fields, "counts": workspace.project_info().classes,
                  "classes": workspace.classes()}
    history.record(workspace, model_name, **fields)


class ResultsController(QObject):
    """Adds the wrong pictures to the Test results tab and a Trainings tab to the window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.mistakes = MistakesPanel()
        self.history = HistoryPanel()
        # The tables above, the wrong pictures below: the student drags the border.
        self.splitter = QSplitter(Qt.Vertical)
        window.vl_results.replaceWidget(window.results_panel, self.splitter)
        self.splitter.addWidget(window.results_panel)
        scroll = QScrollArea()        # a short window scrolls instead of squeezing the pictures
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(self.mistakes)
        self.splitter.addWidget(scroll)
        # The tables stay readable on a 680-px-high window (they were squeezed to one row):
        # they keep at least their own height, the pictures get the rest and scroll.
        window.results_panel.setMinimumHeight(330)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([360, 240])     # the student drags the border
        self.splitter.setChildrenCollapsible(False)
        window.tabs.addTab(self.history, self.tr("Trainings"))
        self._keys = itertools.count()
        self.last_analysis: Analysis | None = None
        self.thumbnails_done = False
        self._generation = 0        # of the shown evaluation: older thumbnails are dropped
        self._trainings: dict[str, history.Training] = {}
        window.results_panel.evaluation_shown.connect(self.on_evaluation)
        self.mistakes.move_requested.connect(self.move_picture)
        self.history.refresh_requested.connect(self.refresh_history)
        self.history.model_chosen.connect(self.use_model)
        self.history.save_requested.connect(self.save_model)
        self.history.compare_requested.connect(self.compare)

    def _run(self, name: str, function: Any, *args: Any, **kwargs: Any) -> None:
        """A quiet background task with its own key (several may run at once)."""
        self.window.run_task(f"{name}-{next(self._keys)}", function, *args, quiet=True, **kwargs)

    # --- the evaluation: wrong pictures and what went wrong -------------------------
    def on_evaluation(self, evaluation: dict) -> None:
        window = self.window
        self.mistakes.clear()
        self.thumbnails_done = False
        self._generation += 1
        self._run("analyse", analyse_task, evaluation, window.workspace,
                  window.training_panel.epoch_records(), on_done=self._show_analysis)
        if window.workspace is not None and window.model_name:
            epochs = window.training_panel.epoch_records()
            best = max((float(r["val_acc"]) for r in epochs if "val_acc" in r), default=None)
            fields = {"test_acc": evaluation.get("accuracy")}
            if best is not None:
                fields["best_val_acc"] = best
            self.record(window.model_name, **fields)

    def _show_analysis(self, analysis: Analysis) -> None:
        self.last_analysis = analysis
        classes = [form.class_name() for form in self.window.forms if form.class_name()]
        self.mistakes.set_pictures(analysis.pictures, classes, analysis.notes)
        self.mistakes.show_findings([finding.text for finding in analysis.findings])
        for note in analysis.notes:
            self.window.update_log(note)
        self._generation += 1
        self._load_thumbnails(self._generation, [str(p.path) for p in analysis.pictures if p.path])

    def _load_thumbnails(self, generation: int, paths: list[str]) -> None:
        """THUMBNAIL_CHUNK pictures a task, one task after the other, until a newer
        evaluation replaces these pictures."""
        if generation != self._generation or not paths:
            self.thumbnails_done = generation == self._generation
            return
        chunk, rest = paths[:THUMBNAIL_CHUNK], paths[THUMBNAIL_CHUNK:]
        self._run("thumbnails", thumbnails_task, chunk,
                  on_done=lambda loaded: self._on_thumbnails(generation, loaded, rest))

    def _on_thumbnails(self, generation: int, loaded: list, rest: list[str]) -> None:
        if generation == self._generation:
            for path, image in loaded:
                self.mistakes.set_thumbnail(path, image)
            self._load_thumbnails(generation, rest)

    def move_picture(self, path: str, class_name: str) -> None:
        if self.window.workspace is None:
            return
        self._run("move", move_task, self.window.workspace, path, class_name,
                  on_done=self._on_moved)

    def _on_moved(self, moved: tuple[str, Path]) -> None:
        old, new = moved
        self.mistakes.picture_moved(old)
        self.window.update_log(self.tr("Moved {0} to {1}; the next upload splits the pictures "
                                       "again.").format(f"{Path(old).parent.name}/{Path(old).name}",
                                                        f"{new.parent.name}/{new.name}"))
        for form in self.window.forms:
            form.reload()

    # --- a reopened project, the history ---------------------------------------------
    def project_opened(self, model_name: str) -> None:
        """Fetch the last training's curves and test results, and the trainings list."""
        dl = self.window.config.dl_server
        if model_name and dl is not None:
            self._run("last-results", last_results_task, self.window.connect, dl, model_name,
                      on_done=self._show_last_results)
        self.refresh_history()

    def _show_last_results(self, found: results.LastResults) -> None:
        window = self.window
        if found.model_name != window.model_name:
            return      # another model was chosen meanwhile
        for note in found.notes:
            window.update_log(note)
        if found.epochs and window.training_panel.epochs_done() == 0:
            for record in found.epochs:
                window.training_panel.add_record(record)
            window.training_panel.status_label.setText(
                self.tr("The last training of {0}, read from the DL server.")
                .format(found.model_name))
        if found.evaluation is not None:
            window.results_panel.show_evaluation(found.evaluation)

    def refresh_history(self) -> None:
        if self.window.workspace is None:
            return
        self._run("history", history.history_task, self.window.connect,
                  self.window.config.dl_server, self.window.workspace,
                  on_done=self._show_trainings)

    def _show_trainings(self, trainings: list) -> None:
        self._trainings = {training.model: training for training in trainings}
        self.history.set_trainings(trainings)

    def record(self, model_name: str, with_counts: bool = False, **fields: Any) -> None:
        """Note an upload, training, evaluation or Nano in the history (in a worker)."""
        if self.window.workspace is not None and model_name:
            self._run("record", record_task, self.window.workspace, model_name, fields,
                      with_counts=with_counts, on_done=lambda _: self.refresh_history())

    def use_model(self, model_name: str) -> None:
        """The steps 6 to 8 work on this model now (trained: it can be converted; with a
        test accuracy: it was converted, it can go to a Nano)."""
        chosen = self._trainings.get(model_name)
        self.window.model_name = model_name
        self.window._set_state(trained=True, converted=chosen is None or chosen.test_acc is not None)
        self.window._show_nano_models([self.window.cb_select_model.itemText(i)
                                       for i in range(self.window.cb_select_model.count())])
        self.window.cb_select_model.setCurrentText(model_name)
        self.window.update_log(self.tr("Model {0} chosen for the steps 6 to 8").format(model_name))
        self.window.training_panel.reset()
        self.window.results_panel.clear()
        self.mistakes.clear()
        self.project_opened(model_name)

    def compare(self, models: list[str]) -> None:
        dl = self.window.config.dl_server
        if dl is not None:
            self._run("compare", curves_task, self.window.connect, dl, list(models),
                      on_done=self.history.show_comparison)

    def save_model(self, model_name: str) -> None:
        dl = self.window.config.dl_server
        folder = self.ask_folder()
        if dl is None or not folder:
            return
        self.window.run_task(f"save-{next(self._keys)}", save_model_task, self.window.connect, dl,
                             model_name, Path(folder), self.window.config.training.resolution,
                             busy=self.tr("saving the model…"),
                             on_done=lambda path: self.window.update_log(
                                 self.tr("Model saved in {0} (README.txt says how to run it)")
                                 .format(path)))

    def ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self.window, self.tr("Save the model in…"))
