#!/usr/bin/env python3
"""ai_nano: record webcam images, train a classifier on a DL server, run it on a Nano.

The window wires the eight step buttons to workers (`thread_command.py`) that run the
plain functions of `core/`, and draws what they report. It never touches the network or
the disk itself, so it never freezes. Its tasks and steps' state are in window_tasks.py,
steps 3 to 8 in window_steps.py.

    python3 ai_nano.py [--config FILE] [--workspace DIR]
    python3 ai_nano.py --check [--config FILE]      # the lab's machines, for instructors
    python3 ai_nano.py --class [--text]             # what the class is doing, for instructors
"""
from __future__ import annotations

import argparse
import functools
import logging
import sys
from pathlib import Path
from typing import Any

from PyQt5 import uic
from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtGui import QImage, QKeySequence, QPixmap
from PyQt5.QtWidgets import QApplication, QMessageBox, QShortcut, QWidget

import app_state
import window_i18n
import window_input
from core import checks, nano_camera, tasks
from core.applog import setup_log_file
from core.capture import DEFAULT_IMAGES_PER_SECOND
from core.config import Config, ConfigError, load_config, read_language
from core.machines import DEFAULT_KNOWN_HOSTS, open_connection
from core.messages import text_of
from core.steps import ProjectState
from core.version import __version__
from record_images import RecordImagesForm
from thread_camera import CameraThread
from thread_command import TaskRunner
from widgets.common import translated
from widgets.live import LivePanel
from widgets.log_view import LogView
from widgets.machines_table import MachineStatusPanel
from widgets.results import TestResultsPanel
from widgets.training import TrainingPanel
from window_nano_view import WindowNanoView
from window_results import ResultsController
from window_steps import WindowSteps
from window_tasks import WindowTasks

log = logging.getLogger("ai_nano")

APP_DIR = Path(__file__).resolve().parent


class GUI_ai_nano(WindowTasks, WindowSteps, WindowNanoView, QWidget):
    """The main window: the eight steps on the left, camera and panels on the right."""

    def __init__(self, config_path: Path, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                 connect_timeout: float = 5.0) -> None:
        super().__init__()
        uic.loadUi(str(APP_DIR / "ai_nano.ui"), self)
        self.setWindowTitle(f"{self.windowTitle()} {__version__}")
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
        self.camera = CameraThread(self, opener=nano_camera.camera_opener(
            self.connect, self.config, DEFAULT_IMAGES_PER_SECOND))   # "nano:<name>" too
        self.camera.frame.connect(self._on_camera_frame)
        self.camera.failed.connect(self.show_error)
        self._connect_buttons()
        self._init_nano_view()
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
        self.results = ResultsController(self)   # wrong pictures, trainings list (issue 17)
        self.tabs.currentChanged.connect(self._on_tab_shown)

    def _on_tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.tab_log:
            self.log_view.scroll_to_end()   # the newest line, not where it was left

    def _load_config(self, path: Path) -> Config:
        """A broken config.json is reported, and the app opens without machines."""
        try:
            config = load_config(path)
        except ConfigError as error:
            self.show_error(text_of(error))
            return Config(dl_server=None, nanos=(), path=path)
        for warning in config.warnings:
            self.update_log(self.tr("Warning: {0}").format(translated(warning)))
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
        if cameras and not self.cb_camera.currentText():   # the first webcam, not a Nano's
            self.cb_camera.setCurrentIndex(self.cb_camera.findData(cameras[0].source))
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
        self.log_view.line(translated(text))

    def show_error(self, text: str) -> None:
        """Every problem reaches the student here: the log, and the status line in red."""
        log.warning("%s", text)            # the log file stays English, for the instructor
        text = translated(text)
        self.log_view.error(text)
        self.lbl_status.setStyleSheet("color: #c00000;")
        self.lbl_status.setText(text)

    def set_status(self, text: str) -> None:
        self.lbl_status.setStyleSheet("")
        self.lbl_status.setText(translated(text))

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
        self._set_state(workspace_open=False, forms=0, classes=0, split_done=False, model_name="",
                        trained=False, converted=False)
        self.le_working_space.setText(str(folder))
        self.update_log(self.tr("Selection of {0} as working space").format(folder))
        self.run_task("open", tasks.open_workspace_task, folder, on_done=self._on_workspace)

    def ask(self, question: str) -> bool:
        """The one route for yes/no questions to the student."""
        return QMessageBox.question(self, "ai_nano", translated(question), QMessageBox.Yes | QMessageBox.No,
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
        self._set_state(workspace_open=True, forms=len(self.forms), classes=self._created_classes(),
                        split_done=info.split_done,
                        model_name=info.model_name, trained=reopened, converted=reopened)
        self.results.project_opened(info.model_name)
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
        form.class_created.connect(lambda _name: self._set_state(classes=self._created_classes()))
        form.class_renamed.connect(lambda _old, _new: self._set_state(split_done=False))
        form.message.connect(self.show_error)
        form.log.connect(self.update_log)
        form.pushButton_record.pressed.connect(self._on_camera_chosen)  # before its toggle
        self.vl_record.insertWidget(self.vl_record.count() - 1, form)
        self.forms.append(form)
        return form

    def _created_classes(self) -> int:
        return sum(1 for form in self.forms if form.class_name() is not None)

    def _remove_form(self, form: RecordImagesForm) -> None:
        """A class was removed (its pictures are in the trash): its form goes too."""
        self.forms.remove(form)
        form.deleteLater()
        self._set_state(forms=len(self.forms), classes=self._created_classes(), split_done=False)

    def create_project(self) -> None:
        if self.workspace is None:
            self.show_error(self.tr("Choose a working space first"))
            return
        self._on_camera_chosen()
        wanted = self.sb_nb_categories.value() - len(self.forms)
        for _ in range(max(0, wanted)):
            self._add_form()
        self.update_log(self.tr("Project created: {0} classes").format(len(self.forms)))
        self._set_state(forms=len(self.forms))

    # --- camera and closing --------------------------------------------------------------
    def _on_camera_frame(self, image: QImage) -> None:
        """Show a frame the camera thread already fitted to the preview's size."""
        if self._nano_view:   # step 8 shows the Nano's camera (window_nano_view.py)
            return
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
        # switch_off_led.py on each Nano that ran inference, as the original did at close:
        # the one wait that may exceed a second, by at most the connect timeout.
        leds = self.runner.start("leds-off", tasks.switch_off_leds_task, self.connect,
                                 list(self._led_nanos.values())) if self._led_nanos else None
        if leds is not None:
            self.runner.run("leds-off")
        self.camera.stop(timeout_ms=500)
        self.runner.close()
        if leds is not None:
            leds.done.wait(self._connect_timeout)
        event.accept()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ai_nano", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=APP_DIR / "config.json",
                        help="the lab's machines (default: config.json beside ai_nano.py)")
    parser.add_argument("--workspace", type=Path, help="open this working space at start")
    parser.add_argument("--check", action="store_true",
                        help="check the lab's machines, print a table, exit non-zero "
                             "when something is red")
    parser.add_argument("--class", dest="class_view", action="store_true",
                        help="the instructor's view of the class (--text: print a table)")
    parser.add_argument("--text", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--version", action="version", version=f"ai_nano {__version__}")
    parser.add_argument("--lang", choices=window_i18n.LANGUAGES,
                        help="the window's language (default: config.json's, else the system's)")
    args, check_options = parser.parse_known_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    if args.check:  # e.g. --known-hosts, --timeout, --accept-new-host-keys: machine_check's
        return checks.main(["--config", str(args.config), *check_options])
    if args.class_view:
        import class_view  # the instructor's window (issue 13)
        return class_view.main(args.config, text=args.text, lang=args.lang)
    if check_options:
        parser.error(f"unrecognized arguments: {' '.join(check_options)}")
    app_state.enable_high_dpi()
    app = QApplication(sys.argv[:1])
    app_state.setup_application(app)
    window_i18n.install(app, window_i18n.choose_language(args.lang, read_language(args.config)))
    log_path = setup_log_file()
    window = GUI_ai_nano(args.config)
    app_state.install_excepthook(window, log_path)
    app_state.add_help_menu(window, log_path)
    app_state.remember(window, open_workspace=not args.workspace)
    window.show()
    if args.workspace:
        window.open_workspace(args.workspace)
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
