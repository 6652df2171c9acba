"""Unit tests of camera.py: source parsing, camera listing, opening errors, video looping."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.camera import CameraError, CameraSource, list_cameras, open_camera, parse_source
from tests.media import CLASS_COLOURS, make_video


@pytest.mark.parametrize("text, kind, value", [
    ("0", "index", 0), (" 2 ", "index", 2), (1, "index", 1),
    ("/dev/video0", "device", "/dev/video0"),
    ("rtsp://10.0.0.5:8554/cam", "url", "rtsp://10.0.0.5:8554/cam"),
    ("HTTP://host/video.mjpg", "url", "HTTP://host/video.mjpg"),
    ("/tmp/my clip.avi", "file", "/tmp/my clip.avi"),
    ("clip.mp4", "file", "clip.mp4"),
])
def test_parse_source(text, kind, value):
    source = parse_source(text)
    assert (source.kind, source.value) == (kind, value)


def test_parse_source_expands_home():
    assert parse_source("~/v.avi").value == str(Path.home() / "v.avi")


def test_empty_source_is_a_clear_error():
    with pytest.raises(CameraError, match="No camera chosen"):
        parse_source("  ")


def test_list_cameras_reads_names_without_opening(tmp_path):
    dev, sys_dir = tmp_path / "dev", tmp_path / "sys"
    dev.mkdir()
    for name in ("video0", "video1", "video10", "video2", "videodev"):
        (dev / name).write_text("")          # plain files: opening them would not hang, but we never do
    for name, label, index in (("video0", "HD Webcam", "0"), ("video1", "HD Webcam", "1"),
                               ("video2", "USB Cam", "0")):
        (sys_dir / name).mkdir(parents=True)
        (sys_dir / name / "name").write_text(label + "\n")
        (sys_dir / name / "index").write_text(index + "\n")
    cameras = list_cameras(dev, sys_dir)
    assert [(c.source, c.name) for c in cameras] == [
        (str(dev / "video0"), "HD Webcam"), (str(dev / "video2"), "USB Cam"), (str(dev / "video10"), "")]
    assert cameras[0].label == f"{dev / 'video0'} (HD Webcam)"
    assert list_cameras(tmp_path / "nothing", sys_dir) == []


def test_missing_camera_messages(tmp_path):
    with pytest.raises(CameraError, match=r"No camera number 7 .*/dev/video7 does not exist"):
        open_camera("7")
    with pytest.raises(CameraError, match=r"No camera at /dev/video42"):
        open_camera("/dev/video42")
    with pytest.raises(CameraError, match="Video file not found"):
        open_camera(str(tmp_path / "none.avi"))
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"not a video at all")
    with pytest.raises(CameraError, match="Cannot open the video file"):
        open_camera(str(broken))


def test_unreachable_stream_fails_within_the_timeout():
    start = time.monotonic()
    with pytest.raises(CameraError, match="Cannot open the stream"):
        open_camera("rtsp://127.0.0.1:9/none")       # port 9: refused at once
    assert time.monotonic() - start < 10


def test_video_file_loops_and_is_paced(tmp_path):
    video = make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=5, size=(32, 24), fps=25)
    with open_camera(CameraSource("file", str(video), str(video))) as camera:
        assert camera.fps == pytest.approx(25)
        start = time.monotonic()
        frames = [camera.read() for _ in range(13)]       # more than the file holds: loops
        elapsed = time.monotonic() - start
    assert all(f.shape == (24, 32, 3) for f in frames)
    assert 0.35 < elapsed < 1.5                            # 12 intervals of 40 ms
    with pytest.raises(CameraError, match="closed"):
        camera.read()
