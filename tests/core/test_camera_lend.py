"""Issue 15: a capture session lends its camera (closed, kept closed) and takes it back;
and which camera choices name the same device."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import pytest

from core.camera import open_camera, same_camera
from core.capture import CaptureSession
from core.config import MachineConfig
from core.handover import needs_camera, when_released
from core.pipeline import Report, StepError
from core.workspace import Workspace
from tests.media import CLASS_COLOURS, make_video
from tests.standin_webcam import strict


class Listener:
    def __init__(self) -> None:
        self.frames = 0
        self.failures: list[str] = []
        self.opened: list[str] = []
        self.recording: list[tuple[str, bool]] = []

    def on_frame(self, image): self.frames += 1
    def on_failed(self, message): self.failures.append(message)
    def on_saved(self, *args): pass
    def on_source_opened(self, source): self.opened.append(source)
    def on_recording_changed(self, name, on): self.recording.append((name, on))


def wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def webcam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    video = make_video(tmp_path / "cam.avi", CLASS_COLOURS["blue"], frames=30, size=(32, 24))
    monkeypatch.setenv(strict.ENV, str(video))
    monkeypatch.setattr(cv2, "VideoCapture", strict.make_strict(cv2.VideoCapture))
    return video


def test_a_lent_camera_is_closed_until_taken_back(webcam: Path, tmp_path: Path) -> None:
    listener = Listener()
    session = CaptureSession(listener, str(webcam))
    thread = threading.Thread(target=session.run, daemon=True)
    thread.start()
    try:
        wait(lambda: listener.frames >= 3)
        workspace = Workspace(tmp_path / "ws")
        workspace.create_class("blue")
        session.start_recording(workspace, "blue")
        released = session.lend_camera()
        assert released.wait(5)
        assert not strict.is_busy(str(webcam))
        with open_camera(str(webcam)) as other:      # another program has it now
            other.read()
            frames = listener.frames
            time.sleep(0.3)
            assert listener.frames == frames          # the session does not read nor retry
            assert listener.failures == ["The camera is lent to the Nano: recording of "
                                         "'blue' stopped."]
            assert listener.recording[-1] == ("blue", False)
        session.take_camera_back()
        wait(lambda: listener.frames > frames)
        assert strict.is_busy(str(webcam)) and listener.opened == [str(webcam)] * 2
    finally:
        session.stop()
        thread.join(5)


def test_lending_a_camera_that_is_not_running_is_immediate() -> None:
    session = CaptureSession(Listener(), "")
    assert session.lend_camera().is_set()


def test_which_choices_are_the_same_device_and_need_a_handover(tmp_path: Path) -> None:
    assert same_camera("0", "/dev/video0") and same_camera("v4l2:///dev/video1", "1")
    assert not same_camera("0", "1") and not same_camera("", "0")
    local = MachineConfig(name="nano", role="nano", host="local", transport="local",
                          camera="/dev/video0")
    remote = MachineConfig(name="nano2", role="nano", host="10.0.0.2", camera="/dev/video0")
    assert needs_camera(local, "0") and not needs_camera(remote, "0")
    assert needs_camera(remote, "nano:nano2") and not needs_camera(local, "nano:nano2")


def test_a_task_waits_for_the_camera_and_gives_up_in_one_line() -> None:
    calls: list[int] = []
    released = threading.Event()
    threading.Timer(0.2, released.set).start()
    assert when_released(released, lambda x, report: calls.append(x) or x, 7, report=Report()) == 7
    with pytest.raises(StepError, match="did not release the camera"):
        when_released(threading.Event(), lambda report: calls.append(0), report=Report(),
                      wait_s=0.1)
    assert calls == [7]
