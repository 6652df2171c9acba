"""Issue 15, parts 1 and 3, in the window, with the real my-imagenet.py on a local Nano
(ONNX Runtime, a live MJPEG camera of the red class):

- during step 8 the preview shows the Nano's camera, labelled, with its class;
- "Wrong? It was …" copies the Nano's full-size picture into images/<class>/ (the next
  number, never over a picture; the split is out of date);
- in step 2 "the Nano's camera" records pictures through my-imagenet.py --capture-only.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PyQt5.QtCore import QSettings

import ai_nano
from core.nano_camera import nano_source, save_picture_task
from core.pipeline import Report, StepError
from core.workspace import Workspace
from tests.media import CLASS_COLOURS, mjpeg_stream
from tests.remote.test_nano_scripts import build_colour_model

MODEL = "nano-view-1"
CLASSES = ("blue", "red", "yellow")
SIZE = (96, 72)      # the Nano camera's full size; previews are fitted to the window


@pytest.fixture
def nano_camera():
    with mjpeg_stream(CLASS_COLOURS["red"], size=SIZE, fps=15) as url:
        yield url


@pytest.fixture
def window(qtbot, tmp_path: Path, local_machine, nano_camera):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    nano = local_machine("nano", camera=nano_camera)
    model_dir = Path(nano.workdir) / "models" / MODEL
    model_dir.mkdir(parents=True)
    build_colour_model(model_dir / "resnet18.onnx")
    (model_dir / "labels.txt").write_text("".join(f"{name}\n" for name in CLASSES))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": None, "jetson_nano": [
        {"name": nano.name, "ip": "local", "workdir": nano.workdir, "python": nano.python,
         "camera": nano.camera}]}))
    workspace = tmp_path / "ws"
    for name in CLASSES:
        (workspace / "images" / name).mkdir(parents=True)
    (workspace / "images" / "blue" / "00001.jpg").write_bytes(b"a student's picture")
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    window.show()
    window.open_workspace(workspace)
    qtbot.waitUntil(lambda: window.workspace is not None and len(window.forms) == 3, timeout=10_000)
    qtbot.waitUntil(window.btn_inference.isEnabled, timeout=15_000)    # the model is listed
    yield window
    window.close()
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(Path.home() / ".config"))


def log_of(window) -> str:
    return window.txt_log.toPlainText()


def test_step8_shows_the_nano_camera_and_keeps_a_wrong_picture(qtbot, window, tmp_path):
    previews: list = []
    window.nano_frames.preview.connect(lambda image, frame: previews.append((image, frame)))
    window._set_state(split_done=True)
    window.btn_inference.click()
    qtbot.waitUntil(lambda: len(previews) >= 3 and window.live_panel.class_label.text() == "red",
                    timeout=60_000)
    image, frame = previews[-1]
    assert frame.kind == "preview" and frame.class_id == 1 and frame.confidence > 0.5
    shown = window.lbl_image.pixmap()
    assert shown is not None and not shown.isNull() and shown.width() > 100   # fitted, not 96 px
    pixels = shown.toImage()
    def mean_red(x0: int, y0: int, x1: int, y1: int, step: int = 1) -> float:
        return float(np.mean([pixels.pixelColor(x, y).red()
                              for x in range(x0, x1, step) for y in range(y0, y1, step)]))
    # the "Nano camera" caption's dark box in the top-left corner of the red scene
    assert mean_red(2, 2, 20, 10) < 0.6 * mean_red(0, 0, shown.width(), shown.height(), 4)

    buttons = {button.text(): button for button in window.live_panel.wrong_buttons}
    assert list(buttons) == list(CLASSES) and all(b.isEnabled() for b in buttons.values())
    buttons["blue"].click()
    saved = tmp_path / "ws" / "images" / "blue" / "00002.jpg"
    qtbot.waitUntil(saved.exists, timeout=20_000)
    assert (tmp_path / "ws" / "images" / "blue" / "00001.jpg").read_bytes() == b"a student's picture"
    picture = cv2.imread(str(saved))
    assert picture.shape[:2] == (SIZE[1], SIZE[0])                   # full size, not a preview
    assert np.argmax(picture.reshape(-1, 3).mean(axis=0)) == 2       # the red scene (BGR)
    assert not list(saved.parent.glob(".*"))                         # nothing half-written
    qtbot.waitUntil(lambda: "The Nano's picture was saved as blue/00002.jpg" in log_of(window),
                    timeout=5_000)
    assert window.state.split_done is False
    blue = next(f for f in window.forms if f.class_name() == "blue")
    qtbot.waitUntil(lambda: blue.count() == 2, timeout=5_000)     # its form re-read the folder

    window.btn_stop.click()
    qtbot.waitUntil(lambda: not window.runner.is_running("inference"), timeout=20_000)
    assert window.live_panel.class_label.text() == "–"
    assert not any(b.isEnabled() for b in window.live_panel.wrong_buttons)
    window.live_panel.wrong_buttons[0].click()        # nothing runs: nothing asked, nothing saved
    assert sorted(p.name for p in saved.parent.iterdir()) == ["00001.jpg", "00002.jpg"]


def test_step2_records_from_the_nano_camera(qtbot, window, tmp_path):
    box = window.cb_camera
    index = box.findData(nano_source("local-nano"))
    assert index >= 0 and box.itemText(index) == "The Nano's camera (local-nano)"
    assert box.currentIndex() != index            # offered, not chosen by itself
    box.setCurrentIndex(index)
    box.activated.emit(index)
    form = next(f for f in window.forms if f.class_name() == "yellow")
    form.pushButton_record.setChecked(True)
    qtbot.waitUntil(lambda: form.count() >= 3, timeout=60_000)
    form.pushButton_record.setChecked(False)
    folder = tmp_path / "ws" / "images" / "yellow"
    pictures = sorted(folder.glob("*.jpg"))
    assert [p.name for p in pictures[:3]] == ["00001.jpg", "00002.jpg", "00003.jpg"]
    assert cv2.imread(str(pictures[0])).shape[:2] == (SIZE[1], SIZE[0])
    # The Nano's camera is held by its --capture-only process until another camera is chosen.
    scripts = str(Path(window.config.nanos[0].workdir) / "nano_scripts")
    assert running(scripts), "the --capture-only process should run on the Nano"
    window.camera.set_source("")
    qtbot.waitUntil(lambda: not running(scripts), timeout=15_000)


def running(token: str) -> list[str]:
    found = subprocess.run(["pgrep", "-f", token], capture_output=True, text=True)
    return found.stdout.split()


def test_a_snapshot_goes_only_into_an_existing_class(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    workspace.create_class("l'orange \"bio\"")
    jpeg = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))[1].tobytes()
    path = save_picture_task(workspace, "l'orange \"bio\"", jpeg, report=Report())
    assert path.read_bytes() == jpeg and path.name == "00001.jpg"
    with pytest.raises(StepError, match="'pear' is not a class of this project"):
        save_picture_task(workspace, "pear", jpeg, report=Report())
