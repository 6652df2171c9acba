"""pytest-qt tests of the camera worker (thread_camera.py) and the recording form.

A generated video file stands in for the webcam; a webcam unplugged mid-recording is
simulated by patching core.capture.open_camera (the only hardware fake here).
"""
from __future__ import annotations



import time
from pathlib import Path

import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication

from core import capture
from core.camera import CameraError, open_camera
from record_images import MAX_THUMBNAILS, RecordImagesForm
from tests.media import CLASS_COLOURS, make_image_folder, make_video
from thread_camera import CameraThread
from core.workspace import Workspace


@pytest.fixture
def video(tmp_path) -> Path:
    return make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=30, size=(160, 120), fps=20)


class Events:
    """What a camera worker reported, connected before its thread starts (a queued
    signal emitted before a connection exists is lost, so waiting afterwards races)."""

    def __init__(self, camera: CameraThread) -> None:
        self.failed: list[str] = []
        self.sources: list[str] = []
        self.frames: list = []
        camera.failed.connect(self.failed.append)
        camera.source_changed.connect(self.sources.append)
        camera.frame.connect(self._on_frame)

    def _on_frame(self, image) -> None:
        self.frames[:] = [image]


@pytest.fixture
def start_camera():
    """start_camera(source, **kw) -> a running CameraThread with .events, stopped at teardown."""
    threads: list[CameraThread] = []

    def start(source: str, **kwargs) -> CameraThread:
        camera = CameraThread(source=source, **kwargs)
        camera.events = Events(camera)
        threads.append(camera)
        camera.start()
        return camera

    yield start
    for camera in threads:
        assert camera.stop(5000), "camera thread did not stop"


def count_frames(qtbot, camera: CameraThread, seconds: float) -> float:
    """Frames per second received by the GUI thread over `seconds`."""
    frames = []
    slot = lambda image: frames.append(time.monotonic())   # noqa: E731
    camera.frame.connect(slot)
    qtbot.wait(int(seconds * 1000))
    camera.frame.disconnect(slot)
    return (len(frames) - 1) / (frames[-1] - frames[0]) if len(frames) > 1 else 0.0


# ----- the camera worker ------------------------------------------------------------------

def test_preview_keeps_its_frame_rate_while_recording(qtbot, tmp_path, start_camera):
    video = make_video(tmp_path / "fast.avi", CLASS_COLOURS["blue"], frames=30, size=(320, 240), fps=30)
    ws = Workspace(tmp_path / "ws")
    ws.create_class("blue")
    real_save = ws.save_image

    def slow_disk_save(class_name, data):      # a slow USB stick: 120 ms per image
        time.sleep(0.12)
        return real_save(class_name, data)

    ws.save_image = slow_disk_save
    camera = start_camera(str(video), images_per_second=5)
    qtbot.wait_until(lambda: bool(camera.events.sources), timeout=5000)
    idle_fps = count_frames(qtbot, camera, 1.5)
    camera.start_recording(ws, "blue")
    recording_fps = count_frames(qtbot, camera, 2.0)
    camera.stop_recording()
    qtbot.wait(300)
    saved = ws.count("blue")
    print(f"preview fps: idle {idle_fps:.1f}, recording {recording_fps:.1f}; saved {saved} images in 2 s")
    assert idle_fps > 20
    assert recording_fps >= 0.8 * idle_fps
    assert 7 <= saved <= 12                 # about 5 per second, never one per frame
    assert all(p.stat().st_size > 1000 for p in ws.images("blue"))


def test_missing_camera_is_a_message(qtbot, start_camera):
    camera = start_camera("/dev/video9")
    qtbot.wait_until(lambda: bool(camera.events.failed), timeout=5000)
    assert camera.events.failed[0].startswith("No camera at /dev/video9")


def test_recording_without_camera_is_refused(qtbot, tmp_path, start_camera):
    ws = Workspace(tmp_path)
    ws.create_class("red")
    camera = start_camera("/dev/video9")
    qtbot.wait_until(lambda: bool(camera.events.failed), timeout=5000)
    camera.start_recording(ws, "red")
    qtbot.wait_until(lambda: len(camera.events.failed) >= 2, timeout=5000)
    assert "No camera: cannot record 'red'" in camera.events.failed[1]
    qtbot.wait_until(lambda: camera.recording_class() is None, timeout=2000)
    assert ws.count("red") == 0


def test_camera_gone_mid_recording_keeps_images_and_recording_resumes(qtbot, tmp_path, video,
                                                                      start_camera, monkeypatch):
    opened = []

    def unplugged_after_frames(source):
        camera = open_camera(source)
        opened.append(camera)
        if len(opened) == 1:               # the first camera dies after 25 frames
            real_read, reads = camera.read, [0]

            def read():
                reads[0] += 1
                if reads[0] > 25:
                    raise CameraError(f"The camera {source} stopped sending images (unplugged?).")
                return real_read()
            camera.read = read
        return camera

    monkeypatch.setattr(capture, "open_camera", unplugged_after_frames)
    ws = Workspace(tmp_path / "ws")
    ws.create_class("red")
    camera = start_camera(str(video), retry_interval_s=0.3)
    events = camera.events
    qtbot.wait_until(lambda: bool(events.sources), timeout=5000)
    camera.start_recording(ws, "red")
    qtbot.wait_until(lambda: bool(events.failed), timeout=8000)
    assert "stopped sending images" in events.failed[0] and "kept" in events.failed[0]
    qtbot.wait_until(lambda: camera.recording_class() is None, timeout=2000)
    qtbot.wait(300)
    before = {p.name: p.read_bytes() for p in ws.images("red")}
    assert len(before) >= 2
    # the camera comes back by itself (retry) and recording resumes after the old images
    qtbot.wait_until(lambda: len(events.sources) >= 2, timeout=5000)
    camera.start_recording(ws, "red")
    qtbot.wait_until(lambda: ws.count("red") >= len(before) + 3, timeout=8000)
    camera.stop_recording()
    after = {p.name: p.read_bytes() for p in ws.images("red")}
    assert all(after[name] == data for name, data in before.items())
    assert len(opened) >= 2


def test_stop_ends_the_loop_promptly(qtbot, video, start_camera):
    camera = start_camera(str(video))
    qtbot.wait_until(lambda: bool(camera.events.frames), timeout=5000)
    start = time.monotonic()
    assert camera.stop(3000)
    assert time.monotonic() - start < 1.0
    assert not camera.is_running()


def test_a_busy_window_gets_no_backlog_of_frames(qtbot, video, start_camera):
    camera = start_camera(str(video))                  # 20 frames per second
    qtbot.wait_until(lambda: bool(camera.events.frames), timeout=5000)
    qtbot.wait(200)
    received: list[float] = []
    camera.frame.connect(lambda image: received.append(time.monotonic()))
    time.sleep(1.0)                                    # the GUI thread busy: 20 frames pass
    QApplication.processEvents()                       # deliver what was queued meanwhile
    assert len(received) <= 1
    qtbot.wait(500)                                    # and the preview goes on afterwards
    assert len(received) >= 5


def test_source_can_be_changed(qtbot, tmp_path, video, start_camera):
    camera = start_camera("/dev/video9")
    qtbot.wait_until(lambda: bool(camera.events.failed), timeout=5000)
    assert not camera.events.frames
    camera.set_source(str(video))
    qtbot.wait_until(lambda: bool(camera.events.sources), timeout=5000)
    assert camera.events.sources == [str(video)]
    qtbot.wait_until(lambda: bool(camera.events.frames), timeout=5000)
    frame = camera.events.frames[0]
    assert (frame.width(), frame.height()) == (160, 120)


# ----- the recording form -----------------------------------------------------------------

def test_form_loads_its_ui_from_any_folder(qtbot, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    form = RecordImagesForm(Workspace(tmp_path / "ws"))
    qtbot.addWidget(form)
    assert form.pushButton_record.text() == "Start" and not form.pushButton_record.isEnabled()


def test_form_refuses_a_bad_name_and_a_taken_one(qtbot, tmp_path):
    form = RecordImagesForm(Workspace(tmp_path / "ws"), taken_names=lambda: ["blue"])
    qtbot.addWidget(form)
    for bad, words in (("../x", "path separator"), ("blue", "Another form")):
        form.lineEdit_class_name.setText(bad)
        with qtbot.wait_signal(form.message, timeout=1000) as blocker:
            qtbot.mouseClick(form.pushButton_create, Qt.LeftButton)
        assert words in blocker.args[0]
    assert form.class_name() is None and not form.pushButton_record.isEnabled()
    assert not (tmp_path / "ws" / "images").exists() or not any((tmp_path / "ws" / "images").iterdir())


def test_form_create_start_count_stop_thumbnails_delete(qtbot, tmp_path, video, start_camera):
    ws = Workspace(tmp_path / "ws")
    camera = start_camera(str(video), images_per_second=10)
    form = RecordImagesForm(ws, camera.worker)
    qtbot.addWidget(form)
    form.lineEdit_class_name.setText("tasse à café")
    with qtbot.wait_signal(form.class_created, timeout=1000):
        qtbot.mouseClick(form.pushButton_create, Qt.LeftButton)
    assert (tmp_path / "ws" / "images" / "tasse à café").is_dir()
    assert form.lineEdit_class_name.isReadOnly() and form.pushButton_record.isEnabled()
    qtbot.mouseClick(form.pushButton_record, Qt.LeftButton)
    assert form.pushButton_record.text() == "Stop"
    qtbot.wait_until(lambda: form.count() >= 4, timeout=8000)
    assert form.label_count.text() == f"{form.count()} images"
    qtbot.mouseClick(form.pushButton_record, Qt.LeftButton)
    assert form.pushButton_record.text() == "Start"
    qtbot.wait(400)                                         # queued images land
    count = ws.count("tasse à café")
    qtbot.wait(400)
    assert ws.count("tasse à café") == count, "still recording after Stop"
    assert form.count() == count
    assert form.listWidget_thumbnails.count() == min(count, MAX_THUMBNAILS)
    newest = form.listWidget_thumbnails.item(0)
    assert Path(newest.data(Qt.UserRole)) == ws.images("tasse à café")[-1]
    # delete the newest image: moved to the trash, count down, thumbnail gone
    newest.setSelected(True)
    assert form.pushButton_delete.isEnabled()
    deleted = Path(newest.data(Qt.UserRole))
    with qtbot.wait_signal(form.log, timeout=1000) as notice:
        qtbot.mouseClick(form.pushButton_delete, Qt.LeftButton)
    assert "trash" in notice.args[0]
    assert not deleted.exists()
    assert (ws.trash_dir / "tasse à café" / deleted.name).exists()
    assert form.count() == count - 1 == ws.count("tasse à café")
    assert form.listWidget_thumbnails.count() == min(count, MAX_THUMBNAILS) - 1


def test_form_for_an_existing_class_loads_count_and_thumbnails(qtbot, tmp_path):
    root = tmp_path / "ws"
    make_image_folder(root / "images", {"red": CLASS_COLOURS["red"]}, per_class=30, size=(32, 24))
    form = RecordImagesForm(Workspace(root), class_name="red")
    qtbot.addWidget(form)
    assert form.class_name() == "red" and form.lineEdit_class_name.isReadOnly()
    assert not form.pushButton_create.isEnabled()
    qtbot.wait_until(lambda: form.count() == 30, timeout=5000)
    assert form.listWidget_thumbnails.count() == MAX_THUMBNAILS
    assert Path(form.listWidget_thumbnails.item(0).data(Qt.UserRole)).stem == "00030"  # newest first
    assert form.label_count.text() == "30 images"


def test_start_without_camera_and_one_recording_at_a_time(qtbot, tmp_path, video, start_camera):
    ws = Workspace(tmp_path / "ws")
    lonely = RecordImagesForm(ws, class_name="solo")
    qtbot.addWidget(lonely)
    with qtbot.wait_signal(lonely.message, timeout=1000) as blocker:
        qtbot.mouseClick(lonely.pushButton_record, Qt.LeftButton)
    assert "No camera" in blocker.args[0] and not lonely.is_recording()

    camera = start_camera(str(video))
    red = RecordImagesForm(ws, camera, class_name="red")
    blue = RecordImagesForm(ws, camera, class_name="blue")
    qtbot.addWidget(red)
    qtbot.addWidget(blue)
    qtbot.mouseClick(red.pushButton_record, Qt.LeftButton)
    qtbot.wait_until(lambda: red.count() >= 1, timeout=8000)
    qtbot.mouseClick(blue.pushButton_record, Qt.LeftButton)
    qtbot.wait_until(lambda: not red.is_recording(), timeout=2000)
    assert blue.is_recording() and red.pushButton_record.text() == "Start"
    qtbot.wait_until(lambda: blue.count() >= 1, timeout=8000)
    blue.stop_recording()
    assert camera.recording_class() is None and not blue.is_recording()
