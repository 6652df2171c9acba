"""Generated images and videos that stand in for a webcam in the tests.

Each class gets a distinct dominant colour plus noise and a moving shape, so a small
network learns it in a few epochs and a video of one class is classified as that class.
"""
from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

# BGR colours, far apart so that even a network trained from scratch separates them.
CLASS_COLOURS: dict[str, tuple[int, int, int]] = {
    "blue": (200, 60, 30),
    "red": (30, 40, 210),
    "yellow": (30, 210, 230),
}


def make_frame(colour: tuple[int, int, int], index: int, size: tuple[int, int] = (160, 120),
               rng: np.random.Generator | None = None) -> np.ndarray:
    """One BGR frame of the given colour with noise and a moving dark square."""
    rng = rng or np.random.default_rng(index)
    width, height = size
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = colour
    noise = rng.integers(-25, 26, size=frame.shape, dtype=np.int16)
    frame = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    side = max(4, min(width, height) // 5)
    x = (index * 7) % max(1, width - side)
    y = (index * 5) % max(1, height - side)
    frame[y:y + side, x:x + side] //= 3
    return frame


def make_video(path: Path, colour: tuple[int, int, int], frames: int = 60,
               size: tuple[int, int] = (160, 120), fps: float = 15.0) -> Path:
    """Write an MJPG .avi (readable by every OpenCV build) of one colour class."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path}")
    rng = np.random.default_rng(len(path.name))
    try:
        for i in range(frames):
            writer.write(make_frame(colour, i, size, rng))
    finally:
        writer.release()
    return path


def make_image_folder(root: Path, classes: dict[str, tuple[int, int, int]] | None = None,
                      per_class: int = 20, size: tuple[int, int] = (96, 72),
                      seed: int = 0) -> Path:
    """Write `root/<class>/NNNNN.jpg` images, the layout of a workspace's images/."""
    classes = classes or {k: CLASS_COLOURS[k] for k in ("blue", "red")}
    rng = np.random.default_rng(seed)
    for name, colour in classes.items():
        folder = Path(root) / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            frame = make_frame(colour, i + 1, size, rng)
            cv2.imwrite(str(folder / f"{i + 1:05d}.jpg"), frame)
    return Path(root)


def make_split_dataset(root: Path, classes: dict[str, tuple[int, int, int]] | None = None,
                       counts: tuple[int, int, int] = (24, 6, 6),
                       size: tuple[int, int] = (96, 72), seed: int = 0) -> Path:
    """Write a ready `root/{train,val,test}/<class>/*.jpg` dataset plus labels.txt."""
    classes = classes or {k: CLASS_COLOURS[k] for k in ("blue", "red")}
    for part, count, offset in zip(("train", "val", "test"), counts, (0, 1000, 2000)):
        make_image_folder(Path(root) / part, classes, count, size, seed + offset)
    (Path(root) / "labels.txt").write_text("".join(f"{n}\n" for n in sorted(classes)))
    return Path(root)


class _MjpegStream(http.server.BaseHTTPRequestHandler):
    """An endless MJPEG stream of one class's frames: a network camera that never ends.

    The path /stall.mjpg sends 5 frames, then nothing: a camera that hangs mid-stream.
    """

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        server = self.server
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        index = 0
        try:
            while not server.closing.is_set():  # type: ignore[attr-defined]
                if self.path == "/stall.mjpg" and index >= 5:
                    server.closing.wait()  # type: ignore[attr-defined]
                    break
                frame = make_frame(server.colour, index, server.size)  # type: ignore[attr-defined]
                data = cv2.imencode(".jpg", frame)[1].tobytes()
                self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                 + str(len(data)).encode() + b"\r\n\r\n" + data + b"\r\n")
                index += 1
                server.closing.wait(1 / server.fps)  # type: ignore[attr-defined]
        except OSError:
            pass  # the client went away

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def mjpeg_stream(colour: tuple[int, int, int] = CLASS_COLOURS["blue"],
                 size: tuple[int, int] = (64, 48), fps: float = 30.0) -> Iterator[str]:
    """Serve an endless MJPEG camera on 127.0.0.1; yields its URL (…/camera.mjpg)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MjpegStream)
    server.daemon_threads = True
    server.closing = threading.Event()  # type: ignore[attr-defined]
    server.colour, server.size, server.fps = colour, size, fps  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/camera.mjpg"
    finally:
        server.closing.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
