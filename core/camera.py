"""Camera capture with OpenCV from an index, a device path, a video file or a stream URL.

Qt-free: thread_camera.py runs it in a worker thread. A video file stands in for a
webcam (tests, demos): it loops forever and is paced to its own frame rate.
"""
from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "rtmp://", "udp://", "tcp://")
OPEN_TIMEOUT_MS = 5000      # OpenCV's FFmpeg default is 30 s: too long to wait for a typo
READ_TIMEOUT_MS = 5000
DEFAULT_FILE_FPS = 30.0


class CameraError(Exception):
    """A camera that cannot be opened or stopped sending images: one line for the user."""


@dataclass(frozen=True)
class CameraSource:
    """A parsed camera choice. kind: "index" | "device" | "file" | "url"."""
    kind: str
    value: str | int
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CameraInfo:
    """A camera found on this computer: its device path and the driver's name for it."""
    source: str
    name: str

    @property
    def label(self) -> str:
        """What a camera list shows: "/dev/video0 (HD Webcam)"."""
        return f"{self.source} ({self.name})" if self.name else self.source


def parse_source(text: str | int) -> CameraSource:
    """Turn what the user typed or picked into a CameraSource (CameraError if empty).

    "0" -> index 0; "/dev/video0" -> device; "rtsp://..." or "http://..." -> URL;
    anything else is a video file path ("~" expanded).
    """
    raw = str(text).strip()
    if not raw:
        raise CameraError(QT_TRANSLATE_NOOP("core", "No camera chosen: pick one from the list or type 0, "
                                            "/dev/video0, a video file or a URL."))
    if re.fullmatch(r"\d{1,3}", raw):
        return CameraSource("index", int(raw), raw)
    if raw.lower().startswith(STREAM_SCHEMES):
        return CameraSource("url", raw, raw)
    if raw.startswith("/dev/"):
        return CameraSource("device", raw, raw)
    return CameraSource("file", str(Path(raw).expanduser()), raw)


def device_key(text: str | int) -> str:
    """What identifies the device behind a camera choice: "0", "/dev/video0" and
    "v4l2:///dev/video0" name the same webcam; a file by its real path; "" for nothing.

    Why: one webcam serves one opener (issue 15); the window must know whether the Nano
    on this computer is about to open the camera its preview holds."""
    raw = str(text).strip()
    raw = raw[len("v4l2://"):] if raw.startswith("v4l2://") else raw
    raw = raw[len("file://"):] if raw.startswith("file://") else raw
    if not raw:
        return ""
    source = parse_source(raw)
    if source.kind == "index":
        return f"/dev/video{source.value}"
    if source.kind in ("device", "file"):
        return os.path.realpath(str(source.value))
    return source.text


def same_camera(first: str | int, second: str | int) -> bool:
    """Whether two camera choices open the same device (see device_key)."""
    key = device_key(first)
    return bool(key) and key == device_key(second)


def list_cameras(dev_dir: Path | str = "/dev",
                 sys_dir: Path | str = "/sys/class/video4linux") -> list[CameraInfo]:
    """The V4L2 capture devices, found from file names only (no device is opened,
    because opening a busy or broken device can hang). Metadata nodes (index > 0 in
    sysfs, which many webcams add as a second /dev/videoN) are left out."""
    cameras = []
    for path in sorted(Path(dev_dir).glob("video*"), key=lambda p: (len(p.name), p.name)):
        if not re.fullmatch(r"video\d+", path.name):
            continue
        info_dir = Path(sys_dir) / path.name
        name = _read_small(info_dir / "name")
        index = _read_small(info_dir / "index")
        if index not in ("", "0"):
            continue
        cameras.append(CameraInfo(str(path), name))
    return cameras


def _read_small(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:200]
    except OSError:
        return ""


class Camera:
    """An open capture. read() returns one BGR frame or raises CameraError.

    A video file loops and is paced to its frame rate, so it behaves like a webcam.
    Not thread-safe: one thread reads it.
    """

    def __init__(self, source: CameraSource, capture: cv2.VideoCapture) -> None:
        self.source = source
        self._capture = capture
        fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
        self.fps = fps if 1.0 <= fps <= 240.0 else (DEFAULT_FILE_FPS if source.kind == "file" else 0.0)
        self._next_frame_time = 0.0

    def read(self) -> np.ndarray:
        """The next frame (BGR). A file waits for its frame time and restarts at its end."""
        if self._capture is None:
            raise CameraError(QT_TRANSLATE_NOOP("core", "The camera {source} is closed.").format(
                source=self.source))
        if self.source.kind == "file":
            self._wait_for_frame_time()
        ok, frame = self._capture.read()
        if (not ok or frame is None) and self.source.kind == "file":
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)       # loop like a live camera
            ok, frame = self._capture.read()
        if not ok or frame is None:
            raise CameraError(_gone_message(self.source))
        return frame

    def _wait_for_frame_time(self) -> None:
        """Play a file in real time, like a live camera: wait for the next frame's time,
        and when the reader fell behind, drop the frames it missed instead of bursting."""
        interval = 1.0 / self.fps
        now = time.monotonic()
        if self._next_frame_time > now:
            time.sleep(self._next_frame_time - now)
        elif self._next_frame_time:
            missed = min(int((now - self._next_frame_time) / interval), int(self.fps * 2))
            for _ in range(missed):
                if not self._capture.grab():
                    self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            if missed:
                self._next_frame_time = now
        if not self._next_frame_time:
            self._next_frame_time = now
        self._next_frame_time += interval

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def __enter__(self) -> "Camera":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _gone_message(source: CameraSource) -> str:
    if source.kind == "url":
        return QT_TRANSLATE_NOOP("core", "The stream {source} stopped sending images (network or "
                                 "server down?).").format(source=source)
    if source.kind == "file":
        return QT_TRANSLATE_NOOP("core", "The video file {source} cannot be read any more.").format(
            source=source)
    return QT_TRANSLATE_NOOP("core", "The camera {source} stopped sending images "
                             "(unplugged?).").format(source=source)


def open_camera(choice: str | int | CameraSource) -> Camera:
    """Open a camera from an index, a device, a file or a URL; CameraError explains failures.

    Can block up to OPEN_TIMEOUT_MS for a URL: call it from a worker thread.
    """
    source = choice if isinstance(choice, CameraSource) else parse_source(choice)
    if source.kind == "index":
        device = f"/dev/video{source.value}"
        if os.name == "posix" and Path("/dev").is_dir() and not Path(device).exists():
            raise CameraError(QT_TRANSLATE_NOOP("core", "No camera number {number} on this computer "
                                                "({device} does not exist).").format(
                number=source.value, device=device))
        capture = cv2.VideoCapture(int(source.value))
    elif source.kind == "device":
        if not Path(str(source.value)).exists():
            raise CameraError(QT_TRANSLATE_NOOP("core", "No camera at {device}: the device does not "
                                                "exist (plugged in?).").format(device=source.value))
        if not os.access(str(source.value), os.R_OK):
            raise CameraError(QT_TRANSLATE_NOOP("core", "No permission to read {device}: add your user "
                                                "to the 'video' group.").format(device=source.value))
        capture = cv2.VideoCapture(str(source.value), cv2.CAP_V4L2)
    elif source.kind == "file":
        path = Path(str(source.value))
        if not path.is_file():
            raise CameraError(QT_TRANSLATE_NOOP("core", "Video file not found: {path}.").format(path=path))
        capture = cv2.VideoCapture(str(path))
    else:
        capture = cv2.VideoCapture(str(source.value), cv2.CAP_FFMPEG,
                                   [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS,
                                    cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS])
    if not capture.isOpened():
        capture.release()
        what = {"index": QT_TRANSLATE_NOOP("core", "Cannot open camera number {source}."),
                "device": QT_TRANSLATE_NOOP("core", "Cannot open the camera {source}."),
                "file": QT_TRANSLATE_NOOP("core", "Cannot open the video file {source} (format not "
                                          "supported?)."),
                "url": QT_TRANSLATE_NOOP("core", "Cannot open the stream {source} (wrong address, or "
                                         "server not answering).")}
        raise CameraError(what[source.kind].format(source=source.value))
    log.info("opened camera %s (%s)", source, source.kind)
    return Camera(source, capture)
