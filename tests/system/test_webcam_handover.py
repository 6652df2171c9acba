"""Issue 15, part 2: one computer, one webcam.

The webcam is a strict stand-in (tests/standin_webcam/strict.py): like a V4L2 device it
refuses a second opener while the first holds it, in the window's process (pytest, the
preview through core.camera) and in the Nano's script started as a local process (its
OpenCvCamera through the stand-in `cv2` package on its PYTHONPATH). Step 8 on the local
Nano with the camera the preview holds must work: the preview lends it and takes it back
after Stop. With the preview keeping the device, the Nano's script cannot open it and
this test fails.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

import ai_nano
from core.camera import CameraError, open_camera
from tests.media import CLASS_COLOURS, make_video
from tests.remote.test_nano_scripts import build_colour_model
from tests.standin_webcam import strict

SITE = Path(strict.__file__).resolve().parent / "site"
MODEL = "handover-1"


@pytest.fixture
def webcam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A red scene as the stand-in webcam, strict in this process and in its children."""
    video = make_video(tmp_path / "webcam0.avi", CLASS_COLOURS["red"], frames=45,
                       size=(64, 48), fps=15)
    monkeypatch.setenv(strict.ENV, str(video))
    monkeypatch.setattr(cv2, "VideoCapture", strict.make_strict(cv2.VideoCapture))
    return video


def child_opens(video: Path) -> bool:
    """Whether another process, through the stand-in cv2, can open the webcam now."""
    code = f"import cv2; print(cv2.VideoCapture({str(video)!r}).isOpened())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(SITE)), timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


def test_the_standin_webcam_serves_one_opener(webcam: Path) -> None:
    with open_camera(str(webcam)) as camera:
        assert camera.read().shape == (48, 64, 3)
        with pytest.raises(CameraError, match="Cannot open"):
            open_camera(str(webcam))              # a second opener here: refused
        assert strict.is_busy(str(webcam))
        assert not child_opens(webcam)            # and in another process
        for _ in range(60):                       # a live camera: no end (45 frames)
            camera.read()
    assert not strict.is_busy(str(webcam))        # closing frees it
    assert child_opens(webcam)


def nano_python(folder: Path, video: Path) -> Path:
    """The local Nano's Python: the real one, with the stand-in cv2 first on its path."""
    script = folder / "nano-python"
    script.write_text(f"#!/bin/sh\nPYTHONPATH={SITE} {strict.ENV}={video} "
                      f"exec {sys.executable} \"$@\"\n")
    script.chmod(0o755)
    return script


@pytest.fixture
def window(qtbot, tmp_path: Path, webcam: Path, local_machine):
    nano = local_machine("nano", camera=str(webcam), python=str(nano_python(tmp_path, webcam)))
    model_dir = Path(nano.workdir) / "models" / MODEL
    model_dir.mkdir(parents=True)
    build_colour_model(model_dir / "resnet18.onnx")
    (model_dir / "labels.txt").write_text("blue\nred\nyellow\n")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": None, "jetson_nano": [
        {"name": nano.name, "ip": "local", "workdir": nano.workdir, "python": nano.python,
         "camera": nano.camera}]}))
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def test_step8_on_this_computer_borrows_the_preview_webcam(qtbot, window, webcam: Path) -> None:
    frames: list[int] = []
    window.camera.frame.connect(lambda _image: frames.append(1))
    nano_views: list[int] = []
    window.nano_frames.preview.connect(lambda _image, frame: nano_views.append(frame.class_id))
    window.cb_camera.setEditText(str(webcam))
    window.cb_camera.lineEdit().returnPressed.emit()
    qtbot.waitUntil(lambda: len(frames) >= 3, timeout=15_000)
    assert strict.is_busy(str(webcam)), "the preview should hold the webcam"
    qtbot.waitUntil(window.btn_inference.isEnabled, timeout=15_000)   # the model is listed

    window.btn_inference.click()

    def recognised() -> None:
        text = window.txt_log.toPlainText()
        assert "error:" not in text and "ERROR" not in text, text[-2000:]
        assert "image is recognized as 'red' (class #1)" in text
    qtbot.waitUntil(recognised, timeout=60_000)
    qtbot.waitUntil(lambda: len(nano_views) >= 2, timeout=10_000)   # the Nano's view instead
    assert nano_views[-1] == 1 and not window.lbl_image.pixmap().isNull()
    assert window.camera.worker.session.is_lent()
    assert window.live_panel.class_label.text() == "red"
    seen = len(frames)
    qtbot.wait(500)
    assert len(frames) == seen, "the preview read the webcam while the Nano had it"

    window.btn_stop.click()
    qtbot.waitUntil(lambda: "Inference stopped" in window.txt_log.toPlainText(), timeout=30_000)
    qtbot.waitUntil(lambda: not window.runner.is_running("inference"), timeout=15_000)
    # The preview takes its webcam back: frames again, and the device held again.
    qtbot.waitUntil(lambda: len(frames) >= seen + 3, timeout=15_000)
    assert strict.is_busy(str(webcam))
    assert "is back in the preview" in window.txt_log.toPlainText()
    assert window.live_panel.class_label.text() == "–"
    assert window.live_panel.lit_pins() == []
