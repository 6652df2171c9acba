"""Camera frames for the app: JPEG frame lines, their rate, and the requests read on stdin.

Why a sender thread: a frame line is tens of kilobytes. Written from the classification
loop, a slow link (a class of Nanos on one Wi-Fi) would block the loop on a full pipe and
the LEDs would lag. The loop only hands a picture over, at most --preview-rate times a
second; the sender encodes it (OpenCV releases the GIL) and writes it. A preview not taken
yet is replaced by the newer one; a snapshot or a recorded frame is never dropped.

Lines (doc/ARCHITECTURE.md): `@ai_nano {"event": "frame", "kind": "preview"|"snapshot"|
"record", "seq", "width", "height", "class_id", "confidence", "jpeg": <base64>}`.
Requests on stdin, one per line: `snapshot`. Python 3.6 compatible.
"""
import base64
import logging
import os
import threading
import time
from typing import Any, Callable, List, Optional, Tuple

from nano_common import NanoError, record, write_line

log = logging.getLogger(__name__)

PREVIEW_QUALITY = 70
FULL_QUALITY = 90          # snapshots and recorded pictures become training pictures
MAX_PENDING = 4            # snapshots/records waiting for the sender before the loop waits
KINDS = ("preview", "snapshot", "record")


class FrameError(NanoError):
    """A picture that cannot be turned into a JPEG frame line."""


def check_encoder() -> None:
    """FrameError when OpenCV or numpy is missing (said once, before the loop starts)."""
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as error:
        raise FrameError("%s is not installed here (pip3 install opencv-python numpy)"
                         % error.name) from error


def encode_jpeg(image: Any, width: int, quality: int) -> Tuple[bytes, int, int]:
    """(JPEG bytes, width, height) of a BGR (or grey) picture, scaled down to `width`
    (0: full size, aspect ratio kept); FrameError when it cannot be encoded."""
    import cv2
    import numpy as np

    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0 \
            or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise FrameError("not a picture: %s" % (getattr(image, "shape", type(image).__name__),))
    try:
        if image.dtype != np.uint8:     # jetson-utils' float formats hold 0..255 values
            image = np.clip(image, 0, 255).astype(np.uint8)
        height, full_width = image.shape[:2]
        if 0 < width < full_width:
            size = (width, max(1, int(round(height * width / float(full_width)))))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        ok, data = cv2.imencode(".jpg", image, [int(cv2.IMWRITE_JPEG_QUALITY), int(quality)])
    except cv2.error as error:
        raise FrameError(str(error).strip().splitlines()[-1]) from error
    if not ok:
        raise FrameError("OpenCV could not encode it")
    return data.tobytes(), image.shape[1], image.shape[0]


def frame_line(kind: str, seq: int, jpeg: bytes, width: int, height: int,
               class_id: Optional[int], confidence: Optional[float]) -> None:
    """Write one frame line (flushed)."""
    record("frame", kind=kind, seq=seq, width=width, height=height, class_id=class_id,
           confidence=None if confidence is None else round(float(confidence), 6),
           jpeg=base64.b64encode(jpeg).decode("ascii"))


class RateGate:
    """At most `rate` openings per second (0: never); keeps to the schedule without drift,
    so frames of a 30 frames/s camera go out at the asked rate, not a little below it."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate if rate > 0 else None
        self._clock = clock
        self._next = float("-inf")

    def ready(self) -> bool:
        if self._interval is None:
            return False
        now = self._clock()
        if now < self._next:
            return False
        behind = now - self._next
        self._next = (self._next if behind < self._interval else now) + self._interval
        return True


class FrameSender(threading.Thread):
    """Encodes and writes frame lines in its own thread (see the module's docstring)."""

    def __init__(self, preview_width: int, quality: int,
                 write: Callable[..., None] = frame_line) -> None:
        super().__init__(name="frame-sender", daemon=True)
        self._preview_width = preview_width
        self._quality = quality
        self._write = write
        self._cond = threading.Condition()
        self._preview: Optional[tuple] = None
        self._kept: List[tuple] = []
        self._closing = False
        self._seq = 0
        self.previews_off = False
        self.failure: Optional[FrameError] = None   # a record frame failed: capture ends

    def put(self, kind: str, image: Any, class_id: Optional[int],
            confidence: Optional[float]) -> None:
        """Hand a picture over; waits only while MAX_PENDING kept frames are queued."""
        item = (kind, image, class_id, confidence)
        with self._cond:
            if kind == "preview":
                self._preview = item
            else:
                while len(self._kept) >= MAX_PENDING and not self._closing:
                    self._cond.wait(0.1)
                self._kept.append(item)
            self._cond.notify_all()

    def run(self) -> None:
        while True:
            with self._cond:
                while not self._kept and self._preview is None and not self._closing:
                    self._cond.wait()
                if self._kept:
                    item = self._kept.pop(0)
                elif self._preview is not None:
                    item, self._preview = self._preview, None
                else:
                    return
                self._cond.notify_all()
            self._send(*item)

    def _send(self, kind: str, image: Any, class_id: Optional[int],
              confidence: Optional[float]) -> None:
        if kind == "preview" and self.previews_off:
            return
        preview = kind == "preview"
        try:
            jpeg, width, height = encode_jpeg(image, self._preview_width if preview else 0,
                                              self._quality if preview else FULL_QUALITY)
        except FrameError as error:
            self.failed(kind, error)
            return
        self._seq += 1
        self._write(kind, self._seq, jpeg, width, height, class_id, confidence)

    def failed(self, kind: str, error: FrameError) -> None:
        """One line per problem: previews stop, a snapshot is skipped, recording ends."""
        if kind == "record":
            self.failure = FrameError("cannot encode a camera frame as JPEG: %s" % error)
        elif kind == "snapshot":
            write_line("warning: snapshot skipped: cannot encode the camera frame as "
                       "JPEG: %s" % error)
        elif not self.previews_off:
            self.previews_off = True
            write_line("warning: no more preview frames: cannot encode the camera frame as "
                       "JPEG: %s" % error)

    def close(self, wait_s: float, drop_previews: bool) -> bool:
        """Send what is kept (and the last preview unless dropped); True when all went."""
        with self._cond:
            self._closing = True
            if drop_previews:
                self._preview = None
            self._cond.notify_all()
        if self.is_alive():
            self.join(wait_s)
        return not self.is_alive()


class FrameOutput:
    """What the loop calls once per frame: which frames go out (preview at --preview-rate,
    record at --capture-rate, a snapshot when asked); only those are turned into pictures."""

    def __init__(self, sender: FrameSender, preview_rate: float, capture_rate: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sender = sender
        self._preview = RateGate(preview_rate, clock)
        self._record = RateGate(capture_rate, clock)
        self._snapshot = threading.Event()

    def request_snapshot(self) -> None:
        """Thread-safe: the next frame goes out at full resolution."""
        self._snapshot.set()

    def after_frame(self, picture: Callable[[], Any], class_id: Optional[int],
                    confidence: Optional[float]) -> None:
        kinds = []
        if self._snapshot.is_set():
            self._snapshot.clear()
            kinds.append("snapshot")
        if self._record.ready():
            kinds.append("record")
        if not self.sender.previews_off and self._preview.ready():
            kinds.append("preview")
        if not kinds:
            return
        try:
            image = picture()
        except Exception as error:  # e.g. cudaToNumpy missing from an old jetson-utils
            log.debug("no picture of this frame", exc_info=True)
            for kind in kinds:
                self.sender.failed(kind, FrameError("%s: %s" % (type(error).__name__, error)))
            return
        for kind in kinds:
            self.sender.put(kind, image, class_id, confidence)

    def check(self) -> None:
        """Raise the recording's failure (the capture loop calls it every frame)."""
        if self.sender.failure is not None:
            raise self.sender.failure

    def close(self, wait_s: float = 2.0, drop_previews: bool = False) -> bool:
        return self.sender.close(wait_s, drop_previews)


class RequestReader(threading.Thread):
    """Reads the app's requests on stdin, one per line, in a daemon thread.

    stdin at its end or absent means no requests: the script goes on. It reads the file
    descriptor itself (os.read), never sys.stdin's buffer: a daemon thread blocked holding
    that buffer's lock can abort the interpreter's exit. The app's connections switch the
    terminal's echo off before writing, so a request is never read back as output.
    """

    def __init__(self, fd: int, on_snapshot: Callable[[], None]) -> None:
        super().__init__(name="requests", daemon=True)
        self._fd = fd
        self._on_snapshot = on_snapshot

    def run(self) -> None:
        pending = b""
        while True:
            try:
                data = os.read(self._fd, 4096)
            except OSError as error:     # EIO: the terminal went away
                log.info("requests: stdin unreadable (%s)", error)
                return
            if not data:
                log.info("requests: stdin closed, no more requests")
                return
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                self.handle(line.decode("utf-8", "replace").strip())
            pending = pending[-4096:]    # a line without end is not a request

    def handle(self, request: str) -> None:
        if request == "snapshot":
            self._on_snapshot()
        elif request:
            log.warning("unknown request ignored: %.60s", request)


def start_requests(stream: Any, output: FrameOutput) -> Optional[RequestReader]:
    """Read requests from `stream` (sys.stdin) when there is one."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):   # None, closed, or not a real file
        log.info("requests: no stdin")
        return None
    reader = RequestReader(fd, output.request_snapshot)
    reader.start()
    return reader
