"""Thin Qt adapter around camera.py and workspace.py: preview and recording in a thread.

The capture loop runs in a daemon thread (the app's one idiom, see thread_command.py) and
only reads frames and sends them as QImages
(built here, in the worker; pixmaps are made in the GUI thread). JPEG encoding and
disk writes happen in a separate writer thread, so the preview keeps the camera's
frame rate while recording.

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
import queue
import threading
import time

import cv2
import numpy as np
from PyQt5.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt5.QtGui import QImage

from core.camera import Camera, CameraError, open_camera
from core.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)

DEFAULT_IMAGES_PER_SECOND = 5.0
JPEG_QUALITY = 92
THUMBNAIL_SIZE = 96
WRITE_QUEUE_SIZE = 8


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
    """Reads frames in a loop, sends them, and records at most N images per second.

    Signals:
        frame(QImage): every frame read, at the camera's rate.
        failed(str): one readable line (camera missing or gone, disk full, ...).
        recorded(str, int, QImage): class name, its image count now, a thumbnail.
        image_saved(str, str, int, QImage): class name, saved file path, count, thumbnail.
        source_changed(str): a camera was opened (also after it came back).
        recording_changed(str, bool): class name, recording on/off (also when stopped by a fault).
        finished(): the loop has ended.
    """

    frame = pyqtSignal(QImage)
    failed = pyqtSignal(str)
    recorded = pyqtSignal(str, int, QImage)
    image_saved = pyqtSignal(str, str, int, QImage)
    source_changed = pyqtSignal(str)
    recording_changed = pyqtSignal(str, bool)
    finished = pyqtSignal()

    def __init__(self, source: str = "", images_per_second: float = DEFAULT_IMAGES_PER_SECOND,
                 retry_interval_s: float = 2.0) -> None:
        super().__init__()
        if images_per_second <= 0:
            raise ValueError("images_per_second must be positive")
        self.images_per_second = images_per_second
        self.retry_interval_s = retry_interval_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pending_source: str | None = str(source) if str(source) else None
        self._recording: tuple[Workspace, str] | None = None
        self._writes: queue.Queue = queue.Queue(maxsize=WRITE_QUEUE_SIZE)
        # With throttle_frames, a frame is sent only once the previous one was taken
        # (frame_taken()), so a busy GUI never gets a backlog of queued frames.
        self.throttle_frames = False
        self._frame_in_flight = threading.Event()
        # (width, height) the preview is shown at; None: the camera's own size
        self.preview_size: tuple[int, int] | None = None

    # ----- control: thread-safe, called directly from the GUI thread --------------------

    @pyqtSlot(str)
    def set_source(self, source: str) -> None:
        """Switch to another camera (index, device, file or URL) at the next loop turn."""
        with self._lock:
            self._pending_source = str(source)

    def start_recording(self, workspace: Workspace, class_name: str) -> None:
        """Record images of `class_name` into `workspace` until stop_recording()."""
        with self._lock:
            previous = self._recording
            self._recording = (workspace, class_name)
        if previous and previous[1] != class_name:
            self.recording_changed.emit(previous[1], False)
        self.recording_changed.emit(class_name, True)

    @pyqtSlot()
    def stop_recording(self) -> None:
        """Stop recording; images already queued are still written."""
        with self._lock:
            previous, self._recording = self._recording, None
        if previous:
            self.recording_changed.emit(previous[1], False)

    def recording_class(self) -> str | None:
        """The class being recorded, or None."""
        with self._lock:
            return self._recording[1] if self._recording else None

    def frame_taken(self) -> None:
        """The receiver got the last frame: the next one may be sent (throttle_frames)."""
        self._frame_in_flight.clear()

    @pyqtSlot()
    def stop(self) -> None:
        """Ask the loop to end (it checks this flag every turn)."""
        self._stop.set()

    # ----- the loop (runs in the camera's thread) --------------------------------------------

    def run(self) -> None:
        """Capture loop: open the source, send frames, queue images to record."""
        writer = threading.Thread(target=self._write_loop, name="camera-writer", daemon=True)
        writer.start()
        camera: Camera | None = None
        source = ""
        next_open = 0.0
        reported = False            # one message per outage, not one per retry
        next_save = 0.0
        try:
            while not self._stop.is_set():
                with self._lock:
                    requested, self._pending_source = self._pending_source, None
                    recording = self._recording
                if requested is not None:
                    if camera:
                        camera.close()
                    camera, source, next_open, reported = None, requested, 0.0, False
                if camera is None:
                    if recording and (not source or reported):
                        self._fault(f"No camera: cannot record '{recording[1]}'. "
                                    "Check the camera and press Start again.")
                    if not source or time.monotonic() < next_open:
                        self._stop.wait(0.05)
                        continue
                    try:
                        camera = open_camera(source)
                    except CameraError as error:
                        next_open = time.monotonic() + self.retry_interval_s
                        if not reported:
                            self.failed.emit(str(error))
                            reported = True
                        continue
                    except Exception as error:   # a broken OpenCV build must not kill the thread
                        log.exception("opening camera %s", source)
                        next_open = time.monotonic() + self.retry_interval_s
                        if not reported:
                            self.failed.emit(f"Cannot open the camera {source}: {error}")
                            reported = True
                        continue
                    reported = False
                    self.source_changed.emit(source)
                try:
                    image = camera.read()
                except CameraError as error:
                    camera.close()
                    camera, next_open, reported = None, time.monotonic() + self.retry_interval_s, True
                    self.failed.emit(f"{error} Images already recorded are kept.")
                    if recording:
                        self._fault("")
                    continue
                if not (self.throttle_frames and self._frame_in_flight.is_set()):
                    self._frame_in_flight.set()
                    self.frame.emit(preview_of(image, self.preview_size))
                now = time.monotonic()
                if recording and now >= next_save:
                    interval = 1.0 / self.images_per_second    # steady rhythm; restart after a pause
                    next_save = next_save + interval if now - next_save < interval else now + interval
                    self._queue_write(recording, image)
        except Exception:   # the boundary: log, tell the user, end cleanly
            log.exception("camera loop")
            self.failed.emit("The camera stopped because of an internal error (see the log).")
        finally:
            if camera:
                camera.close()
            self._writes.put(None)
            writer.join(timeout=10)
            self.finished.emit()

    def _fault(self, message: str) -> None:
        """Stop recording because of a problem; `message` is sent when not empty."""
        if message:
            self.failed.emit(message)
        self.stop_recording()

    def _queue_write(self, recording: tuple[Workspace, str], image: np.ndarray) -> None:
        try:
            self._writes.put_nowait((recording[0], recording[1], image.copy()))
        except queue.Full:
            log.warning("image writer behind: one frame of %s not recorded", recording[1])

    def _write_loop(self) -> None:
        """Writer thread: encode, save without overwriting, count, thumbnail, report."""
        while True:
            item = self._writes.get()
            if item is None:
                return
            workspace, class_name, image = item
            try:
                ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
                if not ok:
                    raise WorkspaceError("OpenCV could not encode the image as JPEG.")
                path = workspace.save_image(class_name, encoded.tobytes())
                count = workspace.count(class_name)
                thumbnail = thumbnail_of(image)
            except WorkspaceError as error:
                if self.recording_class() == class_name:
                    self._fault(f"{error} Recording stopped; images already recorded are kept.")
                continue
            except Exception:
                log.exception("saving an image of %s", class_name)
                self._fault("Saving an image failed (see the log). Recording stopped.")
                continue
            self.recorded.emit(class_name, count, thumbnail)
            self.image_saved.emit(class_name, str(path), count, thumbnail)


class CameraThread(QObject):
    """Owns a CameraWorker and its thread, and repeats the worker's signals in the GUI thread.

    The thread starts at start() or at the first set_source(), so signals connected
    right after construction see everything. stop() waits for the loop to end.
    The recording methods are the worker's (thread-safe), so a RecordImagesForm can be
    given either this object or the worker.

    Signals: the same as CameraWorker (frame, failed, recorded, image_saved,
    source_changed, recording_changed), delivered in the thread that owns this object.
    """

    frame = pyqtSignal(QImage)
    failed = pyqtSignal(str)
    recorded = pyqtSignal(str, int, QImage)
    image_saved = pyqtSignal(str, str, int, QImage)
    source_changed = pyqtSignal(str)
    recording_changed = pyqtSignal(str, bool)

    def __init__(self, parent: QObject | None = None, *, source: str = "",
                 images_per_second: float = DEFAULT_IMAGES_PER_SECOND,
                 retry_interval_s: float = 2.0) -> None:
        super().__init__(parent)
        self.worker = CameraWorker(source, images_per_second, retry_interval_s)
        self.thread = threading.Thread(target=self.worker.run, name="camera", daemon=True)
        for name in ("failed", "recorded", "image_saved", "source_changed", "recording_changed"):
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
        self.worker.start_recording(workspace, class_name)

    def stop_recording(self) -> None:
        self.worker.stop_recording()

    def recording_class(self) -> str | None:
        return self.worker.recording_class()

    def stop(self, timeout_ms: int = 8000) -> bool:
        """Stop the loop and wait for the thread; True when it ended in time."""
        self.worker.stop()
        if not self.thread.is_alive():
            return True
        self.thread.join(timeout_ms / 1000)
        ended = not self.thread.is_alive()
        if not ended:
            log.warning("camera thread did not end within %d ms", timeout_ms)
        return ended
