"""Thin Qt adapter around core/capture.py: preview and recording in a thread.

The capture session (opening, reopening, the recording rhythm, the JPEG writer) is
Qt-free; here it runs in a daemon thread (the app's one idiom, see thread_command.py) and
its reports become signals. Frames are sent as QImages built in the camera's thread;
pixmaps are made in the GUI thread.

Usage from the window::

    camera = CameraThread(window)
    camera.frame.connect(show_frame)      # signals repeated in the GUI thread
    camera.failed.connect(window.show_message)
    camera.set_source("0")                # or "/dev/video0", a video file, an rtsp:// URL;
                                          # starts the thread (connect signals first)
    camera.start_recording(workspace, "red")   # thread-safe direct calls
    ...
    camera.stop()                         # waits for the loop to end

The control methods (set_source, start_recording, stop_recording, stop) only set
requests under a lock, so they are called directly from the GUI thread: the capture
loop does not run an event loop, so queued slot calls would wait until it ends.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np
from PyQt5.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt5.QtGui import QImage

from core.capture import DEFAULT_IMAGES_PER_SECOND, CaptureSession
from core.workspace import Workspace

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 96


def frame_to_qimage(frame: np.ndarray) -> QImage:
    """A QImage that owns a copy of a BGR frame (safe to send to another thread)."""
    height, width = frame.shape[:2]
    frame = np.ascontiguousarray(frame)
    return QImage(frame.data, width, height, frame.strides[0], QImage.Format_BGR888).copy()


def preview_of(frame: np.ndarray, size: tuple[int, int] | None) -> QImage:
    """The frame fitted into `size` (width, height), as a 32-bit image.

    Made in the camera thread so the window only has to show it: scaling and converting
    a frame in the GUI thread, 30 times a second, was its biggest cost.
    """
    height, width = frame.shape[:2]
    if size is not None and size[0] > 0 and size[1] > 0:
        scale = min(size[0] / width, size[1] / height)
        if abs(scale - 1.0) > 0.01:
            frame = cv2.resize(frame, (max(1, round(width * scale)), max(1, round(height * scale))),
                               interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    bgra = cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA)  # = QImage's RGB32 byte order
    height, width = bgra.shape[:2]
    return QImage(bgra.data, width, height, bgra.strides[0], QImage.Format_RGB32).copy()


def thumbnail_of(frame: np.ndarray, size: int = THUMBNAIL_SIZE) -> QImage:
    """A small QImage of a frame, keeping its aspect ratio, longest side `size`."""
    height, width = frame.shape[:2]
    scale = size / max(height, width)
    small = cv2.resize(frame, (max(1, round(width * scale)), max(1, round(height * scale))),
                       interpolation=cv2.INTER_AREA)
    return frame_to_qimage(small)


class CameraWorker(QObject):
    """The Qt face of a `core.capture.CaptureSession`: its reports become signals.

    Frames are fitted to the preview and converted to QImages here, in the camera's
    thread, so the GUI thread only shows them.

    Signals:
        frame(QImage): every frame read, at the camera's rate.
        failed(str): one readable line (camera missing or gone, disk full, ...).
        image_saved(str, str, int, QImage): class name, saved file path, count, thumbnail.
        source_changed(str): a camera was opened (also after it came back).
        recording_changed(str, bool): class name, recording on/off (also when stopped by a fault).
        finished(): the loop has ended.
    """

    frame = pyqtSignal(QImage)
    failed = pyqtSignal(object)   # a str or a core.messages.Message
    image_saved = pyqtSignal(str, str, int, QImage)
    source_changed = pyqtSignal(str)
    recording_changed = pyqtSignal(str, bool)
    finished = pyqtSignal()

    def __init__(self, source: str = "", images_per_second: float = DEFAULT_IMAGES_PER_SECOND,
                 retry_interval_s: float = 2.0, opener: Callable[[str], Any] | None = None) -> None:
        super().__init__()
        self.session = CaptureSession(self, source, images_per_second, retry_interval_s, opener)
        # With throttle_frames, a frame is sent only once the previous one was taken
        # (frame_taken()), so a busy GUI never gets a backlog of queued frames.
        self.throttle_frames = False
        self._frame_in_flight = threading.Event()
        # (width, height) the preview is shown at; None: the camera's own size
        self.preview_size: tuple[int, int] | None = None
        self._muted = False             # mute(): nothing is sent any more
        self._send_lock = threading.RLock()
        self.set_source = self.session.set_source
        self.start_recording = self.session.start_recording
        self.stop_recording = self.session.stop_recording
        self.recording_class = self.session.recording_class
        self.lend_camera = self.session.lend_camera
        self.take_camera_back = self.session.take_camera_back
        self.stop = self.session.stop

    def run(self) -> None:
        """The capture loop (core.capture); called in the camera's thread."""
        try:
            self.session.run()
        finally:
            self._send(self.finished)

    def _send(self, signal, *args) -> None:
        """Emit, unless muted (a camera that did not stop in time, the window gone)."""
        with self._send_lock:
            if not self._muted:
                signal.emit(*args)

    def mute(self) -> None:
        """Send nothing more; once this returns no signal is on its way."""
        with self._send_lock:
            self._muted = True

    def frame_taken(self) -> None:
        """The receiver got the last frame: the next one may be sent (throttle_frames)."""
        self._frame_in_flight.clear()

    # ----- the session's listener: called in the camera's threads ---------------------------
    def on_frame(self, image: np.ndarray) -> None:
        if not (self.throttle_frames and self._frame_in_flight.is_set()):
            self._frame_in_flight.set()
            self._send(self.frame, preview_of(image, self.preview_size))

    def on_failed(self, message: str) -> None:
        self._send(self.failed, message)

    def on_saved(self, class_name: str, path: Path, count: int, image: np.ndarray) -> None:
        thumbnail = thumbnail_of(image)
        self._send(self.image_saved, class_name, str(path), count, thumbnail)

    def on_source_opened(self, source: str) -> None:
        self._send(self.source_changed, source)

    def on_recording_changed(self, class_name: str, recording: bool) -> None:
        self._send(self.recording_changed, class_name, recording)


class CameraThread(QObject):
    """Owns a CameraWorker and its thread, and repeats the worker's signals in the GUI thread.

    The thread starts at start() or at the first set_source(), so signals connected
    right after construction see everything. stop() waits for the loop to end.
    The recording methods are the worker's (thread-safe), so a RecordImagesForm can be
    given either this object or the worker.

    Signals: the same as CameraWorker (frame, failed, image_saved,
    source_changed, recording_changed), delivered in the thread that owns this object.
    """

    frame = pyqtSignal(QImage)
    failed = pyqtSignal(object)   # a str or a core.messages.Message
    image_saved = pyqtSignal(str, str, int, QImage)
    source_changed = pyqtSignal(str)
    recording_changed = pyqtSignal(str, bool)

    def __init__(self, parent: QObject | None = None, *, source: str = "",
                 images_per_second: float = DEFAULT_IMAGES_PER_SECOND,
                 retry_interval_s: float = 2.0, opener: Callable[[str], Any] | None = None) -> None:
        super().__init__(parent)
        self.worker = CameraWorker(source, images_per_second, retry_interval_s, opener)
        self.thread = threading.Thread(target=self.worker.run, name="camera", daemon=True)
        for name in ("failed", "image_saved", "source_changed", "recording_changed"):
            getattr(self.worker, name).connect(getattr(self, name))
        self.worker.throttle_frames = True      # at most one preview frame queued for the GUI
        self.worker.frame.connect(self._on_worker_frame)

    @pyqtSlot(QImage)
    def _on_worker_frame(self, image: QImage) -> None:
        self.worker.frame_taken()
        self.frame.emit(image)

    def start(self) -> None:
        """Start the capture thread (once; later calls do nothing)."""
        if self.thread.ident is None:
            self.thread.start()

    def is_running(self) -> bool:
        return self.thread.is_alive()

    def set_source(self, source: str) -> None:
        """Use this camera (index, device, file or URL); starts the thread if needed."""
        self.worker.set_source(source)
        self.start()

    def set_preview_size(self, width: int, height: int) -> None:
        """Frames are sent already fitted into this size (a plain attribute: thread-safe)."""
        self.worker.preview_size = (int(width), int(height))

    def start_recording(self, workspace: Workspace, class_name: str) -> None:
        """Record; with no camera chosen yet the loop starts anyway, to say so at once."""
        self.worker.start_recording(workspace, class_name)
        self.start()

    def stop_recording(self) -> None:
        self.worker.stop_recording()

    def recording_class(self) -> str | None:
        return self.worker.recording_class()

    def lend_camera(self) -> threading.Event:
        """Close the camera for another program (a Nano on this computer); the event is
        set once it is closed. See core.capture.CaptureSession.lend_camera."""
        return self.worker.lend_camera()

    def take_camera_back(self) -> None:
        """Open the camera again after lend_camera()."""
        self.worker.take_camera_back()

    def stop(self, timeout_ms: int = 8000) -> bool:
        """Stop the loop and wait for the thread; True when it ended in time."""
        self.worker.stop()
        if not self.thread.is_alive():
            return True
        self.thread.join(timeout_ms / 1000)
        ended = not self.thread.is_alive()
        if not ended:   # e.g. a stream read still blocked: it goes on, silent
            self.worker.mute()
            log.warning("camera thread did not end within %d ms", timeout_ms)
        return ended


class NanoFrames(QObject):
    """The Nano's camera frames during step 8 (issue 15): decoded and fitted to the preview
    in the worker's thread that reads them (`accept`), shown by the window.

    Signals:
        preview(QImage, object): a preview frame fitted to `preview_size`, and its Frame
            (class_id and confidence of that frame's result).
        snapshot(object): a snapshot Frame whose JPEG decodes (its bytes are saved as
            they are).
        bad_frame(): a snapshot that does not decode (nothing is saved).
    """

    preview = pyqtSignal(QImage, object)
    snapshot = pyqtSignal(object)
    bad_frame = pyqtSignal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.preview_size: tuple[int, int] | None = None   # a plain attribute: thread-safe
        self._in_flight = threading.Event()     # at most one preview queued for the GUI
        self.preview.connect(lambda *_: self._in_flight.clear())

    def accept(self, frame: Any) -> None:
        """A core.protocol.Frame; called in the worker's thread (not a slot)."""
        if frame.kind == "preview":
            if self._in_flight.is_set():
                return
            image = decode_jpeg(frame.jpeg)
            if image is None:
                log.info("a preview frame of the Nano does not decode: skipped")
                return
            self._in_flight.set()
            self.preview.emit(preview_of(image, self.preview_size), frame)
        elif frame.kind == "snapshot":
            if decode_jpeg(frame.jpeg) is None:
                self.bad_frame.emit()
            else:
                self.snapshot.emit(frame)


def decode_jpeg(data: bytes) -> np.ndarray | None:
    """A BGR image, or None for bytes that are not a whole JPEG."""
    try:
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None
