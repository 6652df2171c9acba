"""A capture session: the camera loop's logic, without Qt.

One thread runs `CaptureSession.run()`: it opens the chosen camera (and opens it again
when it comes back after an outage), hands every frame to its listener, and while a class
is being recorded queues at most `images_per_second` frames to a writer thread, which
encodes them as JPEG and saves them through the workspace (numbered, never overwriting).
The Qt adapter (thread_camera.py) is only a listener that turns frames into QImages and
calls into signals; tests drive this class with a plain listener.

The control methods (set_source, start_recording, stop_recording, lend_camera,
take_camera_back, stop) only set requests under a lock, so any thread may call them.

Lending (issue 15): a webcam serves one opener at a time, so before a Nano on this
computer opens the camera the preview holds, `lend_camera()` closes it (the returned event
is set once it is closed) and the loop keeps it closed until `take_camera_back()`.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path
from typing import Callable, Protocol

import cv2
import numpy as np

from core.camera import Camera, CameraError, open_camera
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)

DEFAULT_IMAGES_PER_SECOND = 5.0
JPEG_QUALITY = 92
WRITE_QUEUE_SIZE = 8


class CaptureListener(Protocol):
    """What a session reports; called from the session's threads."""

    def on_frame(self, image: np.ndarray) -> None: ...
    def on_failed(self, message: str) -> None: ...
    def on_saved(self, class_name: str, path: Path, count: int, image: np.ndarray) -> None: ...
    def on_source_opened(self, source: str) -> None: ...
    def on_recording_changed(self, class_name: str, recording: bool) -> None: ...


class CaptureSession:
    """Preview and recording from one camera; see the module's docstring."""

    def __init__(self, listener: CaptureListener, source: str = "",
                 images_per_second: float = DEFAULT_IMAGES_PER_SECOND,
                 retry_interval_s: float = 2.0,
                 opener: Callable[[str], Camera] | None = None) -> None:
        if images_per_second <= 0:
            raise ValueError("images_per_second must be positive")
        self.listener = listener
        self.images_per_second = images_per_second
        self.retry_interval_s = retry_interval_s
        self._opener = opener
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pending_source: str | None = str(source) if str(source) else None
        self._recording: tuple[Workspace, str] | None = None
        self._lent = False
        self._released = threading.Event()   # set while lent and closed (or not running)
        self._running = False
        self._writes: queue.Queue = queue.Queue(maxsize=WRITE_QUEUE_SIZE)
        # The loop's own state: only the loop's thread touches it.
        self._camera: Camera | None = None
        self._source = ""
        self._next_open = 0.0
        self._reported = False      # one message per outage, not one per retry
        self._next_save = 0.0

    # ----- control: any thread ---------------------------------------------------------
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
            self.listener.on_recording_changed(previous[1], False)
        self.listener.on_recording_changed(class_name, True)

    def stop_recording(self) -> None:
        """Stop recording; images already queued are still written."""
        with self._lock:
            previous, self._recording = self._recording, None
        if previous:
            self.listener.on_recording_changed(previous[1], False)

    def recording_class(self) -> str | None:
        with self._lock:
            return self._recording[1] if self._recording else None

    def lend_camera(self) -> threading.Event:
        """Close the camera and keep it closed until take_camera_back().

        Returns an event that is set once the device is closed (at once when the loop
        does not run): wait for it before another program opens the camera.
        """
        with self._lock:
            self._lent = True
            if self._running:
                self._released.clear()
            else:
                self._released.set()
            return self._released

    def take_camera_back(self) -> None:
        """Open the chosen camera again after lend_camera() (at the next loop turn)."""
        with self._lock:
            self._lent = False

    def is_lent(self) -> bool:
        with self._lock:
            return self._lent

    def stop(self) -> None:
        """Ask the loop to end (it checks this flag every turn)."""
        self._stop.set()

    # ----- the loop -----------------------------------------------------------------------
    def run(self) -> None:
        """Capture loop: open the source, hand out frames, queue images to record."""
        writer = threading.Thread(target=self._write_loop, name="camera-writer", daemon=True)
        writer.start()
        with self._lock:
            self._running = True
        try:
            while not self._stop.is_set():
                self._turn()
        except Exception:   # the boundary: log, tell the user, end cleanly
            log.exception("camera loop")
            self.listener.on_failed(QT_TRANSLATE_NOOP("core", "The camera stopped because of an "
                                                      "internal error (see the log)."))
        finally:
            if self._camera:
                self._camera.close()
            with self._lock:
                self._running = False
                self._released.set()
            self._writes.put(None)
            writer.join(timeout=10)

    def _turn(self) -> None:
        with self._lock:
            requested, self._pending_source = self._pending_source, None
            recording = self._recording
            lent = self._lent
        if lent:
            self._keep_lent(recording)
            if requested is not None:
                self._source, self._reported = requested, False
            return
        if requested is not None:
            if self._camera:
                self._camera.close()
            self._camera, self._source, self._next_open, self._reported = None, requested, 0.0, False
        if self._camera is None and not self._open(recording):
            return
        try:
            image = self._camera.read()
        except CameraError as error:
            self._camera.close()
            self._camera, self._reported = None, True
            self._next_open = time.monotonic() + self.retry_interval_s
            self.listener.on_failed(QT_TRANSLATE_NOOP("core", "{reason} Images already recorded are "
                                                      "kept.").format(reason=text_of(error)))
            if recording:
                self._fault("")
            return
        self.listener.on_frame(image)
        now = time.monotonic()
        if recording and now >= self._next_save:
            interval = 1.0 / self.images_per_second    # steady rhythm; restart after a pause
            gap = now - self._next_save
            self._next_save = self._next_save + interval if gap < interval else now + interval
            self._queue_write(recording, image)

    def _keep_lent(self, recording: tuple[Workspace, str] | None) -> None:
        """The camera is lent to another program: closed, and not opened again yet."""
        if self._camera:
            self._camera.close()
            self._camera = None
            log.info("camera %s lent (closed)", self._source)
        self._next_open, self._reported = 0.0, False
        self._released.set()
        if recording:
            self._fault(QT_TRANSLATE_NOOP(
                "core", "The camera is lent to the Nano: recording of '{name}' stopped.").format(
                    name=recording[1]))
        self._stop.wait(0.05)

    def _open(self, recording: tuple[Workspace, str] | None) -> bool:
        """Open the chosen camera when it is time to try; True when one is open."""
        if recording and (not self._source or self._reported):
            self._fault(QT_TRANSLATE_NOOP("core", "No camera: cannot record '{name}'. Check the camera "
                                          "and press Start again.").format(name=recording[1]))
        if not self._source or time.monotonic() < self._next_open:
            self._stop.wait(0.05)
            return False
        try:
            self._camera = (self._opener or open_camera)(self._source)
        except Exception as error:   # CameraError, or a broken OpenCV build
            if not isinstance(error, CameraError):
                log.exception("opening camera %s", self._source)
                error = CameraError(QT_TRANSLATE_NOOP("core", "Cannot open the camera {source}: "
                                                      "{reason}").format(source=self._source, reason=error))
            self._next_open = time.monotonic() + self.retry_interval_s
            if not self._reported:
                self.listener.on_failed(text_of(error))
                self._reported = True
            return False
        self._reported = False
        self.listener.on_source_opened(self._source)
        return True

    def _fault(self, message: str) -> None:
        """Stop recording because of a problem; `message` is sent when not empty."""
        if message:
            self.listener.on_failed(message)
        self.stop_recording()

    def _queue_write(self, recording: tuple[Workspace, str], image: np.ndarray) -> None:
        try:
            self._writes.put_nowait((recording[0], recording[1], image.copy()))
        except queue.Full:
            log.warning("image writer behind: one frame of %s not recorded", recording[1])

    def _write_loop(self) -> None:
        """Writer thread: encode, save without overwriting, count, report."""
        while (item := self._writes.get()) is not None:
            workspace, class_name, image = item
            try:
                ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
                if not ok:
                    raise WorkspaceError(QT_TRANSLATE_NOOP("core", "OpenCV could not encode the image as "
                                                           "JPEG."))
                path = workspace.save_image(class_name, encoded.tobytes())
                count = workspace.count(class_name)
            except WorkspaceError as error:
                if self.recording_class() == class_name:
                    self._fault(QT_TRANSLATE_NOOP("core", "{reason} Recording stopped; images already "
                                                  "recorded are kept.").format(reason=text_of(error)))
                continue
            except Exception:
                log.exception("saving an image of %s", class_name)
                self._fault(QT_TRANSLATE_NOOP("core", "Saving an image failed (see the log). Recording "
                                              "stopped."))
                continue
            self.listener.on_saved(class_name, Path(path), count, image)
