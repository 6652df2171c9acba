"""A stand-in webcam as strict as a V4L2 device: one opener at a time.

Why: on Linux most USB webcams serve one streaming opener; a second one gets EBUSY, which
OpenCV reports as ``VideoCapture(...).isOpened() == False``. The suite's usual "webcams"
are video files, which any number of readers can open, so a program that opens the
camera twice (the window's preview and a Nano on the same computer) would pass unnoticed.

A video file named in ``AI_NANO_STRICT_CAMERAS`` (paths separated by ``os.pathsep``)
becomes such a device for every ``cv2.VideoCapture`` made through this module:

- opening it takes an exclusive, non-blocking ``flock`` on the file; when another opener
  (this process or another one) holds it, the capture is not opened (``isOpened()`` is
  False, ``read()`` gives ``(False, None)``), as EBUSY;
- ``release()`` (or the process ending) drops the lock, as closing the device does;
- it never ends (it loops) and gives its frames in real time (``read()`` waits for the
  next frame's time, never bursts to catch up), like a live camera.

Every other source goes to OpenCV's own VideoCapture unchanged.

Two ways in: ``install(cv2)`` replaces ``cv2.VideoCapture`` in a process that already
imported OpenCV (pytest: use monkeypatch), and the folder ``site/`` put first on
PYTHONPATH of a child process holds a ``cv2`` package that loads the real OpenCV and
installs this (the Nano's script started as a local process).

Kept Python 3.6 compatible and free of the app's imports: it runs inside nano_scripts'
processes.
"""
import fcntl
import logging
import os
import threading
import time

log = logging.getLogger(__name__)

ENV = "AI_NANO_STRICT_CAMERAS"
DEFAULT_FPS = 30.0


def strict_paths():
    """The real paths of the files that stand in for exclusive webcams."""
    text = os.environ.get(ENV, "")
    return {os.path.realpath(part) for part in text.split(os.pathsep) if part}


def _device_path(source):
    """The registered stand-in device `source` names, or None ("file://" accepted)."""
    if not isinstance(source, str):
        return None
    text = source[len("file://"):] if source.startswith("file://") else source
    path = os.path.realpath(os.path.expanduser(text))
    return path if path in strict_paths() else None


def make_strict(real_capture_class):
    """A VideoCapture class: strict for the registered files, OpenCV's own otherwise."""

    class StrictVideoCapture(object):
        """See the module's docstring; the registered files only."""

        def __new__(cls, *args, **kwargs):
            if args and _device_path(args[0]) is not None:
                return object.__new__(cls)
            return real_capture_class(*args, **kwargs)

        def __init__(self, source, *args, **kwargs):
            self.device = _device_path(source)
            self._lock_fd = -1
            self._capture = None
            self._mutex = threading.Lock()
            self._next_frame = 0.0
            self._interval = 1.0 / DEFAULT_FPS
            self._take(real_capture_class)

        def _take(self, real_class):
            fd = os.open(self.device, os.O_RDONLY)   # not inherited by child processes
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                log.warning("stand-in webcam %s is busy (EBUSY)", self.device)
                return
            capture = real_class(self.device)
            if not capture.isOpened():
                capture.release()
                os.close(fd)
                return
            fps = capture.get(5)  # CAP_PROP_FPS
            if 1.0 <= fps <= 240.0:
                self._interval = 1.0 / fps
            self._lock_fd, self._capture = fd, capture

        def isOpened(self):  # noqa: N802 (OpenCV's name)
            return self._capture is not None

        def _wait_frame_time(self):
            now = time.monotonic()
            if self._next_frame > now:
                time.sleep(self._next_frame - now)
                now = self._next_frame
            self._next_frame = max(self._next_frame + self._interval, now)

        def read(self, image=None):
            with self._mutex:
                if self._capture is None:
                    return False, None
                self._wait_frame_time()
                ok, frame = self._capture.read()
                if not ok or frame is None:           # a live camera has no end: loop
                    self._capture.set(1, 0)           # CAP_PROP_POS_FRAMES
                    ok, frame = self._capture.read()
                return (True, frame) if ok and frame is not None else (False, None)

        def grab(self):
            with self._mutex:
                if self._capture is None:
                    return False
                if not self._capture.grab():
                    self._capture.set(1, 0)
                    return self._capture.grab()
                return True

        def retrieve(self, image=None, flag=0):
            with self._mutex:
                if self._capture is None:
                    return False, None
                return self._capture.retrieve()

        def get(self, prop):
            return self._capture.get(prop) if self._capture is not None else 0.0

        def set(self, prop, value):
            return self._capture.set(prop, value) if self._capture is not None else False

        def release(self):
            with self._mutex:
                if self._capture is not None:
                    self._capture.release()
                    self._capture = None
                if self._lock_fd >= 0:
                    os.close(self._lock_fd)     # drops the flock: the device is free
                    self._lock_fd = -1

        def __del__(self):
            try:
                self.release()
            except Exception:  # interpreter shutting down
                pass

    StrictVideoCapture.real = real_capture_class
    return StrictVideoCapture


def install(cv2_module):
    """Replace cv2_module.VideoCapture with the strict one (once); returns it."""
    current = cv2_module.VideoCapture
    if getattr(current, "real", None) is not None:
        return current
    strict = make_strict(current)
    cv2_module.VideoCapture = strict
    return strict


def is_busy(path):
    """Whether an opener holds the stand-in webcam `path` now (a probe, no frames)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False
