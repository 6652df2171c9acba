"""Regenerate the screenshots used by the README: doc/panel_*.png and doc/step*.png.

Two kinds, both grabbed offscreen with QWidget.grab():

- doc/panel_*.png: each panel alone, fed the recorded script output of tests/data/ (the
  same lines the widget tests use). Takes a second.
- doc/step*.png, doc/machines.png: the real main window (ai_nano.py) clicked through the
  eight steps with both machines "local" (this computer trains with its own torch and
  plays the Nano with ONNX Runtime and simulated LEDs), video files as webcams. Every
  file it makes lives in a temporary folder that is removed at the end (--keep-work
  keeps it). Takes a few minutes on a laptop CPU (4 epochs at 32 px).

Run from anywhere:

    python3 doc/make_screenshots.py [--lang en|fr] [--out DIR] [--panels-only] [--keep-work]

`--lang fr` makes the same pictures of the French window in doc/fr/ (issue 16).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt5.QtCore import QCoreApplication, Qt  # noqa: E402 (after the platform is set)
from PyQt5.QtWidgets import QApplication, QWidget  # noqa: E402

from tests.media import CLASS_COLOURS, make_video, mjpeg_stream  # noqa: E402

import ai_nano  # noqa: E402
import window_i18n  # noqa: E402
from core.check_report import FAIL, OK, SKIP, WARN, CheckResult, CheckRow  # noqa: E402
from widgets.live import LivePanel  # noqa: E402
from widgets.machines_table import MachineStatusPanel  # noqa: E402
from widgets.results import TestResultsPanel  # noqa: E402
from widgets.training import TrainingPanel  # noqa: E402

log = logging.getLogger(__name__)


def _lines(name: str) -> list[str]:
    return (DATA / name).read_text().splitlines()


def _fed(panel: QWidget, lines: list[str], width: int, height: int) -> QWidget:
    """`panel` after reading recorded output lines, at a size that suits it."""
    for line in lines:
        panel.feed_line(line)
    panel.resize(width, height)
    return panel


def training_panel() -> QWidget:
    """A training that stopped early, as train.py printed it."""
    return _fed(TrainingPanel(), _lines("train_early_stop.log"), 900, 480)


def test_results_panel() -> QWidget:
    """The test-set evaluation of evaluate.py."""
    return _fed(TestResultsPanel(), _lines("evaluate_output.log"), 900, 360)


def live_panel() -> QWidget:
    """my-imagenet.py's output with --print-scores, stopped mid-run on 'red'."""
    panel = LivePanel()
    panel.set_labels(["blue", "red", "yellow"])
    lines = _lines("imagenet_scores.log")
    return _fed(panel, lines[:lines.index("LED pin 16 on") + 3], 460, 420)


def machines_panel() -> QWidget:
    """A lab before a session: the server ready, one Nano ready, one switched off."""
    rows = [
        CheckRow("dl-server", "dl", "student@10.0.0.5:22", {
            "reachable": CheckResult(OK, "yes"), "login": CheckResult(OK, "as student"),
            "python": CheckResult(OK, "Python 3.11.2"),
            "software": CheckResult(OK, "torch 2.5.1, NVIDIA GeForce RTX 3060"),
            "camera": CheckResult(SKIP, "not needed"), "disk": CheckResult(OK, "112.4 GiB free")}),
        CheckRow("nano-1", "nano", "nano@10.0.0.21:22", {
            "reachable": CheckResult(OK, "yes"), "login": CheckResult(OK, "as nano"),
            "python": CheckResult(OK, "Python 3.6.9"),
            "software": CheckResult(OK, "jetson-inference"),
            "camera": CheckResult(OK, "/dev/video0"),
            "disk": CheckResult(WARN, "1.6 GiB free", "little space left")}),
        CheckRow("nano-2", "nano", "nano@10.0.0.22:22", {
            "reachable": CheckResult(FAIL, "no", "10.0.0.22:22: timed out after 5 s"),
            "login": CheckResult(SKIP, "not reachable"), "python": CheckResult(SKIP, "not reachable"),
            "software": CheckResult(SKIP, "not reachable"), "camera": CheckResult(SKIP, "not reachable"),
            "disk": CheckResult(SKIP, "not reachable")}),
    ]
    panel = MachineStatusPanel()
    panel.set_rows(rows)
    panel.resize(1180, 190)
    return panel


PANELS = {
    "panel_training.png": training_panel,
    "panel_test_results.png": test_results_panel,
    "panel_live.png": live_panel,
    "panel_machines.png": machines_panel,
}



# --- the real window, clicked through the eight steps ----------------------------------

CLASSES = ("blue", "red")
IMAGES_PER_CLASS = 20
WINDOW_SIZE = (1280, 680)   # the window's default: fits a 1366x768 laptop
TRAINING = {"epochs": 4, "batch_size": 16, "resolution": 32, "pretrained": False}


class WindowTourError(Exception):
    """A step did not reach its end in time, or the window reported an error."""


def _local_machine(name: str, workdir: Path, **extra: str) -> dict[str, str]:
    return {"name": name, "ip": "local", "workdir": str(workdir), "python": sys.executable,
            **extra}


def lab_config(work: Path, nano_camera: str) -> Path:
    """A config.json with both machines "local", the Nano's camera `nano_camera`."""
    config = work / "config.json"
    config.write_text(json.dumps({
        "DL_server": _local_machine("dl-server", work / "dl"),
        "jetson_nano": [_local_machine("nano-1", work / "nano", camera=nano_camera)],
        "training": TRAINING,
    }, indent=2))
    config.chmod(0o600)
    return config


class Tour:
    """Drives one GUI_ai_nano and waits on its event loop, as a student's clicks would."""

    def __init__(self, app: QApplication, window: ai_nano.GUI_ai_nano) -> None:
        self.app = app
        self.window = window
        self.errors: list[str] = []      # what the window showed as errors (any language)
        shown = window.show_error
        window.show_error = lambda text: (self.errors.append(text), shown(text))

    def wait(self, seconds: float) -> None:
        """Let the window live (frames, workers' signals) for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.app.processEvents()
            time.sleep(0.01)

    def wait_until(self, done: Callable[[], bool], what: str, timeout_s: float) -> None:
        """Wait until `done()`; an ERROR in the log or the timeout ends the tour."""
        deadline = time.monotonic() + timeout_s
        while not done():
            log_text = self.window.txt_log.toPlainText()
            if self.errors:
                raise WindowTourError(f"the window reported an error while waiting for "
                                      f"{what}: {self.errors[0][:300]}")
            if time.monotonic() > deadline:
                raise WindowTourError(f"no {what} after {timeout_s:.0f} s; last log lines: "
                                      + " | ".join(log_text.splitlines()[-3:]))
            self.app.processEvents()
            time.sleep(0.01)

    def wait_log(self, text: str, timeout_s: float) -> None:
        """Wait for a log line; core's lines are looked for in the window's language too."""
        texts = {text, QCoreApplication.translate("core", text)}
        self.wait_until(lambda: any(t in self.window.txt_log.toPlainText() for t in texts),
                        repr(text), timeout_s)


def window_tour(app: QApplication, work: Path, nano_camera: str,
                shoot: Callable[[QWidget, str], bool]) -> bool:
    """Click through the eight steps in `work`, calling shoot(window, png_name) on the way.

    Returns False when a screenshot could not be saved; raises WindowTourError when a
    step fails or stalls.
    """
    os.environ["HOME"] = str(work / "home")  # nothing the steps write lands in the real home
    (work / "home").mkdir()
    videos = {name: make_video(work / "media" / f"{name}.avi", CLASS_COLOURS[name],
                               frames=90, size=(160, 120), fps=30) for name in CLASSES}
    window = ai_nano.GUI_ai_nano(lab_config(work, nano_camera), known_hosts=work / "known_hosts")
    window.resize(*WINDOW_SIZE)
    window.show()
    tour = Tour(app, window)
    saved = True
    started = time.monotonic()
    try:
        tour.wait(0.5)
        saved &= shoot(window, "step0_start.png")   # the first start: its hint
        # 1. Project: the workspace chosen, two classes asked for.
        window.open_workspace(work / "workspace")
        tour.wait_until(window.btn_project_ok.isEnabled, "open workspace", 20)
        window.sb_nb_categories.setValue(len(CLASSES))
        window.btn_project_ok.click()
        tour.wait(0.5)
        saved &= shoot(window, "step1_project.png")

        # 2. Recording, one video per class standing in for the webcam.
        for form, name in zip(window.forms, CLASSES):
            window.cb_camera.setEditText(str(videos[name]))   # typed: used without Enter
            form.lineEdit_class_name.setText(name)
            form.pushButton_create.click()
            tour.wait_until(lambda: form.class_name() == name, f"class {name}", 10)
            window.toggle_recording()                          # Space: the class just made
            tour.wait_until(lambda: form.count() >= IMAGES_PER_CLASS,
                            f"{IMAGES_PER_CLASS} images of {name}", 60)
            form.pushButton_record.setChecked(False)
        tour.wait(1.0)  # thumbnails drawn, the preview showing the current video
        saved &= shoot(window, "step2_recording.png")

        # 3. Split, 4. upload to the DL server (this computer).
        window.btn_split_image.click()
        tour.wait_log("Images split to train, val and test directories", 60)
        tour.wait_until(window.btn_upload_to_dl.isEnabled, "step 4's button", 10)
        window.btn_upload_to_dl.click()
        tour.wait_log("End : data (tar archive) uploaded and extracted to DL machine", 120)
        tour.wait_until(window.btn_train_model.isEnabled, "step 5's button", 10)

        # 5. Train: the curves after the last epoch.
        window.btn_train_model.click()
        tour.wait_log("End training model", 900)
        tour.wait(0.5)
        saved &= shoot(window, "step5_training.png")

        # 6. Convert to ONNX and evaluate on test/: the Test results tab.
        tour.wait_until(window.btn_convert_onnx.isEnabled, "step 6's button", 10)
        window.btn_convert_onnx.click()
        tour.wait_log("End evaluation on the test images", 300)
        tour.wait_until(window.btn_upload_to_nano.isEnabled, "step 7's button", 10)
        tour.wait(0.5)
        saved &= shoot(window, "step6_test_results.png")

        # 7. Upload to the Nano, 8. inference on its "camera" (a video of red).
        window.btn_upload_to_nano.click()
        tour.wait_log("End upload ONNX model to Jetson Nano.", 120)
        tour.wait_until(window.btn_inference.isEnabled, "step 8's button", 20)
        window.btn_inference.click()
        tour.wait_log("image is recognized as 'red'", 180)
        tour.wait_until(lambda: bool(window.live_panel.lit_pins()), "a lit LED", 30)
        tour.wait(2.0)  # a few more results in the log
        saved &= shoot(window, "step8_live.png")
        window.tabs.setCurrentWidget(window.tab_log)  # the same moment, the log's view
        tour.wait(0.3)
        saved &= shoot(window, "step8_log.png")
        window.tabs.setCurrentWidget(window.tab_live)
        window.btn_stop.click()
        tour.wait_log("Inference stopped", 30)
        tour.wait_until(lambda: not window.runner.is_running("inference"), "the end of step 8", 20)

        # The Machines tab: both "local" machines checked.
        window.tabs.setCurrentWidget(window.tab_machines)
        window.check_machines()
        tour.wait_until(lambda: not window.runner.is_running("check"), "the machine check", 60)
        tour.wait(0.5)
        saved &= shoot(window, "machines.png")
        print(f"window tour: {time.monotonic() - started:.0f} s")
    finally:
        window.close()  # waits about a second; tasks still ending are daemon threads
        app.processEvents()
    return saved


PNG_LIMIT_BYTES = 300_000  # the README's images stay small in the repository


def save_png(widget: QWidget, target: Path) -> bool:
    """Grab `widget` into `target`, smaller than PNG_LIMIT_BYTES.

    Written under a temporary name, then renamed, so a crash never leaves half a PNG.
    A grab too big even at full compression (the webcam's noise compresses badly) is
    scaled down step by step.
    """
    partial = target.with_name(target.stem + ".part.png")
    image = widget.grab().toImage()
    for _ in range(6):
        if not image.save(str(partial), "PNG", 0):  # quality 0 = strongest compression
            print(f"error: could not write {target}", file=sys.stderr)
            return False
        if partial.stat().st_size <= PNG_LIMIT_BYTES:
            break
        image = image.scaledToWidth(int(image.width() * 0.85), Qt.SmoothTransformation)
    partial.replace(target)
    print(f"wrote {target} ({image.width()}x{image.height()}, "
          f"{target.stat().st_size // 1024} KiB)")
    return True


def main(argv: list[str] | None = None) -> int:
    """Write every screenshot; returns 0, or 1 when one could not be made."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "doc", help="folder for the PNGs")
    parser.add_argument("--panels-only", action="store_true",
                        help="only the panel_*.png (no training, a second instead of minutes)")
    parser.add_argument("--lang", choices=window_i18n.LANGUAGES, default="en",
                        help="the window's language; fr writes to doc/fr/ unless --out is given")
    parser.add_argument("--keep-work", action="store_true",
                        help="keep the temporary workspace and machine folders, and say where")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window_i18n.install(app, args.lang)
    if args.lang != "en" and args.out == ROOT / "doc":
        args.out = ROOT / "doc" / args.lang
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for name, build in PANELS.items():
        panel = build()
        panel.show()
        app.processEvents()
        if not save_png(panel, args.out / name):
            status = 1
        panel.close()
    if args.panels_only:
        return status
    work = Path(tempfile.mkdtemp(prefix="ai_nano_screenshots_"))
    try:
        # The Nano's camera: an endless stream of the red class, as a real camera
        with mjpeg_stream(CLASS_COLOURS["red"]) as nano_camera:
            if not window_tour(app, work, nano_camera,
                               lambda widget, name: save_png(widget, args.out / name)):
                status = 1
    except WindowTourError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    finally:
        if args.keep_work:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
