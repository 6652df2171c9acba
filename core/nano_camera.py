"""The Nano's camera as a camera of the laptop (issue 15): step 2 records from it.

Why: a model trained on the laptop webcam's pictures is judged through the Nano's camera
(another camera, light and angle). Choosing "the Nano's camera" in step 2 records the
training pictures through the very camera that will classify.

`NanoCamera` behaves like core.camera.Camera (read() -> BGR frame, close()): a thread
runs `nano_steps.record_from_nano` (my-imagenet.py --capture-only) and keeps the newest
full-size frame; core.capture's session then shows and records them exactly like a
webcam's (numbered, never overwriting). `open_camera_or_nano` is the session's opener:
a source "nano:<name>" is the Nano's camera, anything else a camera of this computer.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from core import nano_steps
from core.camera import Camera, CameraError, CameraSource, open_camera
from core.config import Config, ConfigError, MachineConfig
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.pipeline import Connector, Report, StepError
from core.protocol import Frame
from core.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)

NANO_PREFIX = "nano:"
FIRST_FRAME_S = 60.0     # deploying the scripts and opening the camera, over Wi-Fi
FRAME_S = 10.0           # then a frame at least every few seconds


def nano_source(name: str) -> str:
    """The camera source that names a Nano's camera."""
    return NANO_PREFIX + name


def nano_of(source: str) -> str | None:
    """The Nano a source names, or None for a camera of this computer."""
    text = str(source).strip()
    return text[len(NANO_PREFIX):] if text.startswith(NANO_PREFIX) else None


class NanoCamera:
    """A Nano's camera, frames from record_from_nano; see the module's docstring."""

    def __init__(self, connect: Connector, nano: MachineConfig, rate: float,
                 first_frame_s: float = FIRST_FRAME_S, frame_s: float = FRAME_S) -> None:
        self.source = CameraSource("url", nano_source(nano.name), nano_source(nano.name))
        self.fps = rate
        self.nano = nano
        self._first_frame_s, self._frame_s = first_frame_s, frame_s
        self._newest: Frame | None = None
        self._seq = -1
        self._error = ""
        self._ended = False
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(connect, rate), daemon=True,
                                        name=f"nano-camera-{nano.name}")
        self._thread.start()

    def _run(self, connect: Connector, rate: float) -> None:
        report = Report(line=lambda text: log.info("%s: %s", self.nano.name, text), stop=self._stop)
        try:
            with connect(self.nano) as conn:
                nano_steps.record_from_nano(conn, report, self._on_frame, rate=rate)
        except Exception as error:   # the thread's boundary: read() says it in one line
            log.info("recording from %s ended: %s", self.nano.name, error)
            self._error = str(error)
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def _on_frame(self, frame: Frame) -> None:
        if frame.kind != "record":      # previews are small: pictures are full size
            return
        with self._changed:
            self._newest = frame
            self._changed.notify_all()

    def read(self) -> np.ndarray:
        """The next full-size frame (BGR); CameraError when the Nano's camera is gone."""
        deadline = time.monotonic() + (self._first_frame_s if self._seq < 0 else self._frame_s)
        with self._changed:
            while (self._newest is None or self._newest.seq == self._seq) and not self._ended:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    raise CameraError(QT_TRANSLATE_NOOP(
                        "core", "The camera of {nano} sends no pictures.").format(
                            nano=self.nano.name))
                self._changed.wait(min(left, 0.5))
            frame = self._newest
            if frame is None or frame.seq == self._seq:
                raise CameraError(QT_TRANSLATE_NOOP("core", "The camera of {nano} stopped: {reason}.")
                                  .format(nano=self.nano.name, reason=self._error or QT_TRANSLATE_NOOP(
                                      "core", "the recording ended")))
            self._seq = frame.seq
        image = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            raise CameraError(QT_TRANSLATE_NOOP(
                "core", "A picture from {nano} does not decode.").format(nano=self.nano.name))
        return image

    def close(self) -> None:
        """Stop the recording on the Nano (its process ends, the camera is free there)."""
        self._stop.set()
        self._thread.join(5.0)

    def __enter__(self) -> "NanoCamera":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def camera_opener(connect: Connector, config: Config,
                  rate: float) -> Callable[[str], Camera | NanoCamera]:
    """The capture session's opener: "nano:<name>" -> that Nano's camera; else a camera
    of this computer (core.camera.open_camera)."""
    def open_camera_or_nano(source: str) -> Camera | NanoCamera:
        name = nano_of(source)
        if name is None:
            return open_camera(source)
        try:
            nano = config.nano(name)
        except ConfigError as error:
            raise CameraError(text_of(error)) from error
        return NanoCamera(connect, nano, rate)
    return open_camera_or_nano


def save_picture_task(workspace: Workspace, class_name: str, jpeg: bytes,
                      report: Report) -> Path:
    """A snapshot of the Nano ("Wrong? It was …") into images/<class>/: the next free
    number, written whole then linked (Workspace.save_image: never an overwrite, never a
    half-written picture). The bytes are the Nano's JPEG as it is."""
    try:
        if not workspace.class_dir(class_name).is_dir():
            raise StepError(QT_TRANSLATE_NOOP(
                "core", "'{name}' is not a class of this project: create it in step 2 first")
                .format(name=class_name))
        return workspace.save_image(class_name, jpeg)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error
