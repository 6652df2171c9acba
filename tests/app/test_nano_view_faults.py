"""Issue 15, part 6, the app's side: a Nano frame that does not decode, a Nano that cannot
be reached or whose camera ends while step 2 records from it: one line each, nothing
half-written, no traceback."""
from __future__ import annotations

import functools
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.camera import CameraError
from core.capture import CaptureSession
from core.machines import open_connection
from core.config import Config, MachineConfig
from core.nano_camera import NanoCamera, camera_opener, nano_source
from core.protocol import Frame
from tests.media import CLASS_COLOURS, make_frame, make_video
from thread_camera import NanoFrames


def jpeg_of(size: tuple[int, int]) -> bytes:
    return cv2.imencode(".jpg", make_frame(CLASS_COLOURS["red"], 1, size))[1].tobytes()


def test_frames_that_do_not_decode_reach_nothing(qtbot) -> None:
    frames = NanoFrames()
    previews, snapshots, bad = [], [], []
    frames.preview.connect(lambda image, frame: previews.append(image))
    frames.snapshot.connect(snapshots.append)
    frames.bad_frame.connect(lambda: bad.append(1))
    cut = jpeg_of((320, 240))[:500]                  # a link dropped mid-frame
    frames.accept(Frame("preview", 1, 320, 240, cut, 1, 0.9))
    frames.accept(Frame("snapshot", 2, 640, 480, b"not a jpeg", None, None))
    qtbot.waitUntil(lambda: bad == [1], timeout=2000)
    assert previews == [] and snapshots == []
    frames.preview_size = (160, 160)
    frames.accept(Frame("preview", 3, 320, 240, jpeg_of((320, 240)), 1, 0.9))
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=2000)
    assert (previews[0].width(), previews[0].height()) == (160, 120)   # fitted in the worker


def test_a_bad_snapshot_is_one_line_and_no_picture(qtbot, tmp_path: Path) -> None:
    from tests.app.test_live_ends import idle_window
    window = idle_window(qtbot, tmp_path, nanos=[])
    window._snapshot_classes.append("red")
    window.nano_frames.accept(Frame("snapshot", 7, 64, 48, b"\xff\xd8 cut", None, None))
    qtbot.waitUntil(lambda: "The Nano's picture does not decode: not saved"
                    in window.txt_log.toPlainText(), timeout=2000)
    assert window._snapshot_classes == []


def test_an_unreachable_nano_camera_says_so_in_one_line(closed_port) -> None:
    nano = MachineConfig(name="nano3", role="nano", host="127.0.0.1", port=closed_port,
                         login="student", transport="ssh")
    connect = functools.partial(open_connection, timeout=2.0)
    started = time.monotonic()
    with NanoCamera(connect, nano, rate=5.0) as camera:
        with pytest.raises(CameraError) as error:
            camera.read()
    assert time.monotonic() - started < 15
    text = str(error.value)
    assert text.startswith("The camera of nano3 stopped: ") and "\n" not in text


class Listener:
    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []
        self.failures: list[str] = []

    def on_frame(self, image): self.frames.append(image)
    def on_failed(self, message): self.failures.append(message)
    def on_saved(self, *args): pass
    def on_source_opened(self, source): pass
    def on_recording_changed(self, *args): pass


def test_the_nano_camera_ending_midway_is_one_line(local_machine, tmp_path: Path) -> None:
    """The Nano's camera is a short video: it ends while the session reads it."""
    video = make_video(tmp_path / "short.avi", CLASS_COLOURS["blue"], frames=20, size=(80, 60))
    nano = local_machine("nano", camera=str(video))
    config = Config(dl_server=None, nanos=(nano,))
    listener = Listener()
    session = CaptureSession(listener, nano_source(nano.name), retry_interval_s=60,
                             opener=camera_opener(functools.partial(open_connection), config, 5.0))
    thread = threading.Thread(target=session.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not listener.failures and time.monotonic() < deadline:
        time.sleep(0.1)
    session.stop()
    thread.join(15)
    assert listener.frames and listener.frames[0].shape == (60, 80, 3)
    assert len(listener.failures) == 1, listener.failures
    assert listener.failures[0].startswith("The camera of local-nano stopped")
