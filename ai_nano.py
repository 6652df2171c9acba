#!/usr/bin/env python3
"""ai_nano: record webcam images, train a classifier on a DL server, run it on a Nano.

The window wires the eight step buttons to workers (`thread_command.py`) that run the
plain functions of `pipeline.py` and `tasks.py`, and draws what they report. It never
touches the network or the disk itself, so it never freezes.

    python3 ai_nano.py [--config FILE] [--workspace DIR]
    python3 ai_nano.py --check [--config FILE]      # the lab's machines, for instructors
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import logging
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

from PyQt5 import sip, uic
from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtGui import QImage, QKeySequence, QPixmap
from PyQt5.QtWidgets import QApplication, QMessageBox, QShortcut, QWidget

from core import checks, pipeline, tasks
from core.config import Config, ConfigError, load_config, read_language
from core.machines import DEFAULT_KNOWN_HOSTS, UnknownHostKey, open_connection
from core.steps import STEP_TASKS, ProjectState, enabled_steps
from record_images import RecordImagesForm
from thread_camera import CameraThread
from thread_command import AtClose, CommandWorker, TaskRunner
from widgets.live import LivePanel
from widgets.log_view import LogView
from widgets.machines_table import MachineStatusPanel
from widgets.results import TestResultsPanel
from widgets.training import TrainingPanel
import window_i18n  # noqa: I001 (top-level modules of the window)
import window_input

log = logging.getLogger("ai_nano")

APP_DIR = Path(__file__).resolve().parent


class GUI_ai_nano(QWidget):
    """The main window: the eight steps on the left, camera and panels on the right."""

    def __init__(self, config_path: Path, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                 connect_timeout: float = 5.0) -> None:
        super().__init__()
        uic.loadUi(str(APP_DIR / "ai_nano.ui"), self)
        self.log_view = LogView(self.txt_log)
        self.sp_right.setSizes([200, 480])  # the panels matter more than the preview
        self.known_hosts = known_hosts
        self.connect = functools.partial(open_connection, known_hosts=known_hosts,
                                         timeout=connect_timeout)
        self._connect_timeout = connect_timeout
        self._camera_source = ""   # the camera last applied (typed or chosen)
        self._led_nanos: dict = {}  # name -> MachineConfig of each Nano that ran inference
        self.workspace: tasks.Workspace | None = None
        self.forms: list[RecordImagesForm] = []
        self.runner = TaskRunner(self)
        self.runner.changed.connect(self._refresh_steps)
        self.state = ProjectState()
        self._step_buttons = {
            "project": self.btn_project_ok, "split": self.btn_split_image,
            "upload": self.btn_upload_to_dl, "train": self.btn_train_model,
            "convert": self.btn_convert_onnx, "upload_nano": self.btn_upload_to_nano,
            "inference": self.btn_inference, "stop": self.btn_stop}
        self._step_labels = {step: button.text() for step, button in self._step_buttons.items()}
        self._busy_labels: dict[str, str] = {}   # task key -> the text of its running button
        self._build_panels()
        self.config = self._load_config(config_path)
        self._set_state(dl_server=self.config.dl_server is not None,
                        nano=self.selected_nano() is not None)
        self.camera = CameraThread(self)
        self.camera.frame.connect(self._on_camera_frame)
        self.camera.failed.connect(self.show_error)
        self._connect_buttons()
        QTimer.singleShot(0, self._start_background_checks)

    # --- set-up -------------------------------------------------------------------
    def _build_panels(self) -> None:
        self.training_panel = TrainingPanel()
        self.results_panel = TestResultsPanel()
        self.live_panel = LivePanel()
        self.machines_panel = MachineStatusPanel()
        self.vl_training.addWidget(self.training_panel)
        self.vl_results.addWidget(self.results_panel)
        self.vl_live.addWidget(self.live_panel)
        self.vl_machines.addWidget(self.machines_panel)
        self.machines_panel.check_requested.connect(self.check_machines)
        self.tabs.currentChanged.connect(self._on_tab_shown)

    def _on_tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.tab_log:
            self.log_view.scroll_to_end()   # the newest line, not where it was left

    def _load_config(self, path: Path) -> Config:
        """A broken config.json is reported, and the app opens without machines."""
        try:
            config = load_config(path)
        except ConfigError as error:
            self.show_error(str(error))
            return Config(dl_server=None, nanos=(), path=path)
        for warning in config.warnings:
            self.update_log(self.tr("Warning: {0}").format(warning))
        for nano in config.nanos:
            self.cb_nano_name.addItem(nano.name)
        if config.dl_server is None:
            self.update_log(self.tr("{0}: no DL server configured").format(path))
        return config

    def _connect_buttons(self) -> None:
        self.btn_working_space.clicked.connect(self.select_ws)
        self.btn_project_ok.clicked.connect(self.create_project)
        self.cb_camera.activated.connect(self._on_camera_chosen)
        # what is typed counts without Enter: leaving the box applies it (issue 16)
        self.cb_camera.lineEdit().editingFinished.connect(self._on_camera_chosen)
        self.cb_camera.lineEdit().returnPressed.connect(self._on_camera_chosen)
        self.le_working_space.editingFinished.connect(self._on_workspace_typed)
        self.btn_split_image.clicked.connect(self.split_images)
        self.btn_upload_to_dl.clicked.connect(self.upload_to_dl)
        self.btn_train_model.clicked.connect(self.train_model)
        self.btn_convert_onnx.clicked.connect(self.convert_to_onnx)
        self.btn_upload_to_nano.clicked.connect(self.upload_to_nano)
        self.btn_inference.clicked.connect(self.inference)
        self.btn_stop.clicked.connect(self.stop_running)
        self.cb_nano_name.currentIndexChanged.connect(self._on_nano_chosen)
        self.cb_select_model.currentTextChanged.connect(self._on_model_selected)
        QShortcut(QKeySequence(Qt.Key_Space), self, self.toggle_recording)

    def toggle_recording(self) -> None:
        """Space: start or stop recording the selected class (focused, or last used)."""
        form = window_input.selected_form(self.forms, QApplication.focusWidget())
        if form is not None and form.pushButton_record.isEnabled():
            self._on_camera_chosen()
            form.pushButton_record.toggle()

    def _show_cameras(self, cameras: list) -> None:
        for info in cameras:
            self.cb_camera.addItem(info.label, info.source)
        if cameras and not self.cb_camera.currentText():
            self.cb_camera.setCurrentIndex(0)
            self._on_camera_chosen()

    def _start_background_checks(self) -> None:
        """Everything that reads the disk or the network at start runs in workers."""
        self.run_task("cameras", tasks.list_cameras_task, quiet=True,
                      on_done=self._show_cameras)
        self.check_machines()
        self.refresh_nano_models()

    # --- the one route for messages ------------------------------------------------
    def update_log(self, text: str) -> None:
        """A line for the student; machine-readable `@ai_nano` lines feed the panels only."""
        self.live_panel.feed_line(text)
        self.log_view.line(text)

    def show_error(self, text: str) -> None:
        """Every problem reaches the student here: the log, and the status line in red."""
        log.warning("%s", text)
        self.log_view.error(text)
        self.lbl_status.setStyleSheet("color: #c00000;")
        self.lbl_status.setText(text)

    def set_status(self, text: str) -> None:
        self.lbl_status.setStyleSheet("")
        self.lbl_status.setText(text)

    # --- workers and the steps' state -------------------------------------------------
    def run_task(self, key: str, function: Callable[..., Any], *args: Any, busy: str = "",
                 on_done: Callable[[Any], None] | None = None, quiet: bool = False,
                 at_close: AtClose = AtClose.ABANDON, **kwargs: Any) -> CommandWorker | None:
        """Run `function(*args, report=..., **kwargs)` in a worker; one task per key.

        A step's button shows `busy` while its task runs and its state comes back from
        `enabled_steps` when the task ends, whatever the outcome.
        """
        worker = self.runner.start(key, function, *args, at_close=at_close, **kwargs)
        if worker is None:
            self.show_error(self.tr("{0} is already running").format(busy or key))
            return None
        self._busy_labels[key] = busy
        if not quiet:
            worker.line.connect(self.update_log)
            worker.progress.connect(self._on_progress)
            worker.failed.connect(self._on_step_failed)
            worker.succeeded.connect(self._on_step_succeeded)
            self.set_status(busy or self.tr("Working…"))
            self.pb_step.setRange(0, 0)
        worker.failed.connect(self.show_error)
        if not quiet:   # after show_error: the reason, then "✗ failed"
            self._frame_step(worker, key, busy)
        worker.unknown_host.connect(self._on_unknown_host)
        if on_done is not None:
            worker.succeeded.connect(lambda result: None if sip.isdeleted(self) else on_done(result))
        self.runner.run(key)
        return worker

    def _frame_step(self, worker: CommandWorker, key: str, busy: str) -> None:
        """The step's start and end stand out in the Log."""
        title = self.tr("Opening the working space") if key == "open" else next(
            (self._step_labels[step] for step, task in STEP_TASKS.items() if task == key),
            busy or key)
        self.log_view.step_started(title)
        worker.succeeded.connect(lambda _: self.log_view.step_ended(title, True))
        worker.failed.connect(lambda _: self.log_view.step_ended(title, False))

    def _on_step_succeeded(self, _result: Any) -> None:
        self.pb_step.setRange(0, 100)
        self.pb_step.setValue(0)      # idle: empty, as before anything was done
        self.set_status(self.tr("Ready"))

    def _on_step_failed(self, _message: str) -> None:
        self.pb_step.setRange(0, 100)
        self.pb_step.setValue(0)

    def _on_progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.pb_step.setRange(0, 0)
            return
        self.pb_step.setRange(0, 1000)
        value = int(1000 * done / total)
        if value != self.pb_step.value():  # setValue repaints at once: only on a change
            self.pb_step.setValue(value)

    def _set_state(self, **changes: Any) -> None:
        self.state = dataclasses.replace(self.state, **changes)
        self._refresh_steps()

    def _refresh_steps(self) -> None:
        """The one place that enables the steps: from the project's state and the tasks."""
        if sip.isdeleted(self):
            return
        running = self.runner.running()
        self.state = dataclasses.replace(self.state, running=running)
        enabled = enabled_steps(self.state)
        for step, button in self._step_buttons.items():
            button.setEnabled(enabled[step])
            key = STEP_TASKS.get(step, "")
            button.setText(self._busy_labels.get(key) or self._step_labels[step]
                           if key in running else self._step_labels[step])
        self.gb_recording.setEnabled(enabled["record"])
        self.lbl_hint.setVisible(not self.state.workspace_open)   # the first-start hint

    def stop_running(self) -> None:
        for key in self.runner.stoppable():
            self.update_log(self.tr("Stopping {0}…").format(key))
            self.runner.stop(key)

    def _on_unknown_host(self, error: UnknownHostKey) -> None:
        if self.ask_trust_host_key(error):
            self.run_task(f"trust-{error.host}:{error.port}", tasks.remember_host_key_task,
                          self.known_hosts, error, quiet=True,
                          on_done=lambda _: (self.update_log(
                              self.tr("Host key of {0} remembered; press the step again.").format(error.host)),
                              self.check_machines()))

    def ask_trust_host_key(self, error: UnknownHostKey) -> bool:
        """Ask once, showing the fingerprint, whether to trust a new machine."""
        answer = QMessageBox.question(
            self, self.tr("Unknown machine"),
            self.tr("{0}\n\nThe key's fingerprint is\n{1} {2}\n\nCompare it with the one your "
                    "instructor gave. Trust this machine?").format(
                error, error.key_type, error.fingerprint),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    # --- machines -----------------------------------------------------------------
    def check_machines(self) -> None:
        if self.runner.is_running("check"):
            return
        # Said before the worker starts: with no machine to check it may be finished and
        # deleted before run_task returns. set_rows ends the "Checking…" state.
        self.machines_panel.set_checking(True)
        self.run_task("check", tasks.check_machines_task, self.config,
                      known_hosts=self.known_hosts, quiet=True,
                      on_done=self.machines_panel.set_rows)

    def selected_nano(self):
        index = self.cb_nano_name.currentIndex()
        return self.config.nanos[index] if 0 <= index < len(self.config.nanos) else None

    def _on_nano_chosen(self, _index: int) -> None:
        self._set_state(nano=self.selected_nano() is not None, nano_models=False)
        self.refresh_nano_models()

    def refresh_nano_models(self) -> None:
        """List the models already on the selected Nano, in the background."""
        nano = self.selected_nano()
        if nano is None:
            return
        self.run_task(f"models-{nano.name}", tasks.list_models_task, self.connect, nano,
                      quiet=True, on_done=self._show_nano_models)

    def _show_nano_models(self, models: list[str]) -> None:
        keep = self.cb_select_model.currentText()
        self.cb_select_model.blockSignals(True)
        self.cb_select_model.clear()
        names = list(dict.fromkeys(([self.model_name] if self.model_name else []) + models))
        self.cb_select_model.addItems(names)
        self.cb_select_model.blockSignals(False)
        if keep in names:
            self.cb_select_model.setCurrentText(keep)
        self._on_model_selected(self.cb_select_model.currentText())
        self._set_state(nano_models=bool(models))

    def _on_model_selected(self, name: str) -> None:
        if name:
            self.model_name = name

    @property
    def model_name(self) -> str:
        """The model the steps 5 to 8 work on (the project's, or one chosen on the Nano)."""
        return self.state.model_name

    @model_name.setter
    def model_name(self, name: str) -> None:
        self._set_state(model_name=name)

    # --- step 1: project --------------------------------------------------------------
    def _on_camera_chosen(self, *_: Any) -> None:
        """Use the camera shown in the box, chosen or typed (Enter not needed)."""
        source = window_input.camera_source(self.cb_camera)
        if source and source != self._camera_source:
            self._camera_source = source
            self.camera.set_source(source)

    def select_ws(self) -> None:
        folder = window_input.choose_folder(self, self.le_working_space.text())
        if folder:
            self.open_workspace(Path(folder))

    def _on_workspace_typed(self) -> None:
        if not self.le_working_space.isModified():   # focus left without an edit
            return
        self.le_working_space.setModified(False)
        folder = window_input.typed_folder(self.le_working_space.text(), self.workspace)
        if folder is not None:
            self.open_workspace(folder)

    def open_workspace(self, folder: Path) -> None:
        """Forget the previous folder's project at once: its steps never stay enabled."""
        for form in self.forms:
            form.stop_recording()
            form.deleteLater()
        self.forms.clear()
        self.workspace = None
        self._set_state(workspace_open=False, classes=0, split_done=False, model_name="",
                        trained=False, converted=False)
        self.le_working_space.setText(str(folder))
        self.update_log(self.tr("Selection of {0} as working space").format(folder))
        self.run_task("open", tasks.open_workspace_task, folder, on_done=self._on_workspace)

    def ask(self, question: str) -> bool:
        """The one route for yes/no questions to the student."""
        return QMessageBox.question(self, "ai_nano", question, QMessageBox.Yes | QMessageBox.No,
                                    QMessageBox.No) == QMessageBox.Yes

    def _on_workspace(self, info: tasks.WorkspaceInfo) -> None:
        """A (re)opened folder: its state replaces the previous folder's, steps included."""
        if info.found is not None and self.ask(info.found.question()):   # issue 11: reopen any layout
            self.run_task("adopt", tasks.adopt_task, info.workspace, info.found,
                          busy=self.tr("bringing the pictures in…"), on_done=self._on_workspace)
            return
        self.workspace = info.workspace
        self.le_working_space.setText(str(info.workspace.root))
        for form in self.forms:
            form.deleteLater()
        self.forms.clear()
        if info.classes:
            self.update_log(self.tr("Existing project: {0}").format(", ".join(
                self.tr("{0} ({1} images)").format(name, count)
                for name, count in info.classes.items())))
            for name in info.classes:
                self._add_form(name)
        reopened = bool(info.model_name)  # its training and conversion may have been done
        self._set_state(workspace_open=True, classes=len(self.forms), split_done=info.split_done,
                        model_name=info.model_name, trained=reopened, converted=reopened)
        if info.model_name:
            self._show_nano_models([self.cb_select_model.itemText(i)
                                    for i in range(self.cb_select_model.count())])
            if self.config.dl_server is not None:
                self._run_training(tasks.resume_training_task, self.connect,
                                   self.config.dl_server, info.model_name, switch_tab=False)

    def _add_form(self, class_name: str | None = None) -> RecordImagesForm:
        form = RecordImagesForm(self.workspace, self.camera, class_name=class_name, ask=self.ask,
                                # a form has no name until Create: it never refuses its own
                                taken_names=lambda: [other.class_name() for other in self.forms])
        form.class_removed.connect(lambda _name: self._remove_form(form))
        form.message.connect(self.show_error)
        form.log.connect(self.update_log)
        form.pushButton_record.pressed.connect(self._on_camera_chosen)  # before its toggle
        self.vl_record.insertWidget(self.vl_record.count() - 1, form)
        self.forms.append(form)
        return form

    def _remove_form(self, form: RecordImagesForm) -> None:
        """A class was removed (its pictures are in the trash): its form goes too."""
        self.forms.remove(form)
        form.deleteLater()
        self._set_state(classes=len(self.forms), split_done=False)

    def create_project(self) -> None:
        if self.workspace is None:
            self.show_error(self.tr("Choose a working space first"))
            return
        self._on_camera_chosen()
        wanted = self.sb_nb_categories.value() - len(self.forms)
        for _ in range(max(0, wanted)):
            self._add_form()
        self.update_log(self.tr("Project created: {0} classes").format(len(self.forms)))
        self._set_state(classes=len(self.forms))

    # --- steps 3 to 8 --------------------------------------------------------------------
    def split_images(self) -> None:
        """Check the dataset first: a student is warned before, not after, the split."""
        if self.workspace is None:
            return
        self.run_task("split", tasks.split_warnings_task, self.workspace,
                      busy=self.tr("3 - checking the pictures…"),
                      on_done=self._split_after_warnings)

    def _split_after_warnings(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.update_log(self.tr("Warning: {0}").format(warning))
        if warnings and not self.confirm_split(warnings):
            self.set_status(self.tr("Split cancelled: record more images, then split again"))
            return
        self.run_task("split", tasks.split_task, self.workspace, busy=self.tr("3 - splitting…"),
                      on_done=lambda _: self._set_state(split_done=True))

    def confirm_split(self, warnings: list[str]) -> bool:
        """Ask whether to split a dataset with problems anyway."""
        answer = QMessageBox.question(
            self, self.tr("Split anyway?"),
            "\n".join(warnings) + "\n\n" + self.tr("Split the images anyway?"),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def upload_to_dl(self) -> None:
        if self.workspace is None or self._need_dl() is None:
            return
        self.run_task("upload", tasks.upload_dataset_task, self.connect, self.config.dl_server,
                      self.workspace, busy=self.tr("4 - uploading…"), at_close=AtClose.STOP,
                      on_done=self._on_uploaded)

    def _on_uploaded(self, model_name: str) -> None:
        self.model_name = model_name
        self._show_nano_models([self.cb_select_model.itemText(i)
                                for i in range(self.cb_select_model.count())])
        self.cb_select_model.setCurrentText(model_name)
        self._set_state(trained=False, converted=False)

    def train_model(self) -> None:
        if self._need_dl() is None or not self._need_model():
            return
        self._run_training(pipeline.train_model, self.connect, self.config.dl_server,
                           self.model_name, self.config.training)

    def _run_training(self, function: Callable[..., Any], *args: Any,
                      switch_tab: bool = True) -> None:
        """A new training, or a re-attachment to one: the curves follow its log."""
        self.training_panel.reset()
        if switch_tab:
            self.tabs.setCurrentWidget(self.tab_training)
        worker = self.run_task("train", function, *args, busy=self.tr("5 - training…"),
                               at_close=AtClose.DETACH, on_done=self._on_trained)
        if worker is not None:
            worker.line.connect(self.training_panel.feed_line)

    def _on_trained(self, _: Any) -> None:
        self._set_state(trained=True)

    def convert_to_onnx(self) -> None:
        if self._need_dl() is None or not self._need_model():
            return
        worker = self.run_task("convert", pipeline.convert_to_onnx, self.connect,
                               self.config.dl_server, self.model_name,
                               busy=self.tr("6 - converting…"), at_close=AtClose.DETACH,
                               on_done=lambda _: self._after_conversion())
        if worker is not None:
            worker.line.connect(self.results_panel.feed_line)

    def _after_conversion(self) -> None:
        self._set_state(converted=True)
        self.tabs.setCurrentWidget(self.tab_results)

    def upload_to_nano(self) -> None:
        nano = self.selected_nano()
        if nano is None or self._need_dl() is None or not self._need_model():
            self.show_error(self.tr("Choose a Nano first")) if nano is None else None
            return
        self.run_task("upload-nano", tasks.upload_model_task, self.connect,
                      self.config.dl_server, nano, self.model_name, self.config.training.arch,
                      busy=self.tr("7 - uploading to the Nano…"), at_close=AtClose.STOP,
                      on_done=lambda _: (self._set_state(nano_models=True),
                                         self.refresh_nano_models()))

    def inference(self) -> None:
        nano = self.selected_nano()
        if nano is None:
            self.show_error(self.tr("Choose a Nano first"))
            return
        if not self._need_model():
            return
        self.live_panel.reset()
        self.live_panel.set_pins(nano.pins)
        self.tabs.setCurrentWidget(self.tab_live)
        self._led_nanos[nano.name] = nano       # its LEDs are switched off at close
        self.run_task("inference", tasks.inference_task, self.connect, nano, self.model_name,
                      busy=self.tr("8 - running on the Nano…"), at_close=AtClose.STOP)

    def _need_dl(self):
        if self.config.dl_server is None:
            self.show_error(self.tr("No DL server in config.json"))
        return self.config.dl_server

    def _need_model(self) -> bool:
        if not self.model_name:
            self.show_error(self.tr("No model yet: upload the data to the DL server first (step 4)"))
        return bool(self.model_name)

    # --- camera and closing --------------------------------------------------------------
    def _on_camera_frame(self, image: QImage) -> None:
        """Show a frame the camera thread already fitted to the preview's size."""
        size = self.lbl_image.size()
        if image.width() > size.width() or image.height() > size.height() or (
                image.width() < size.width() - 2 and image.height() < size.height() - 2):
            self.camera.set_preview_size(size.width(), size.height())  # for the next frames
            image = image.scaled(size, Qt.KeepAspectRatio, Qt.FastTransformation)
        self.lbl_image.setPixmap(QPixmap.fromImage(image))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Stop everything, the Nano's inference included, before the window goes.

        A training or conversion is only detached: it goes on on the DL server and a
        reopened project re-attaches to it.
        Nothing waits more than about a second in all (thread_command.CLOSE_WAIT_S): an
        upload stops and removes its partial file, a task still ending goes on quietly in
        its daemon thread until the process ends.
        """
        for form in self.forms:
            form.stop_recording()
        leds = threading.Thread(target=tasks.switch_off_leds_task, daemon=True, args=(
            self.connect, list(self._led_nanos.values()), pipeline.Report()))
        leds.start()  # switch_off_led.py, as the original did at close; waited for below
        self.camera.stop(timeout_ms=500)
        self.runner.close()
        leds.join(self._connect_timeout)  # at most the connect timeout; a daemon thread
        event.accept()


def _excepthook(kind, value, tb) -> None:
    """PyQt5 aborts on an exception escaping a slot: log it instead."""
    log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ai_nano", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=APP_DIR / "config.json",
                        help="the lab's machines (default: config.json beside ai_nano.py)")
    parser.add_argument("--workspace", type=Path, help="open this working space at start")
    parser.add_argument("--check", action="store_true",
                        help="check the lab's machines, print a table, exit non-zero "
                             "when something is red")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--lang", choices=window_i18n.LANGUAGES,
                        help="the window's language (default: config.json's, else the system's)")
    args, check_options = parser.parse_known_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    if args.check:  # e.g. --known-hosts, --timeout, --accept-new-host-keys: machine_check's
        return checks.main(["--config", str(args.config), *check_options])
    if check_options:
        parser.error(f"unrecognized arguments: {' '.join(check_options)}")
    sys.excepthook = _excepthook
    app = QApplication(sys.argv[:1])
    window_i18n.install(app, window_i18n.choose_language(args.lang, read_language(args.config)))
    window = GUI_ai_nano(args.config)
    window.show()
    if args.workspace:
        window.open_workspace(args.workspace)
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
