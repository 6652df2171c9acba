"""Import pictures (and videos) from elsewhere into a class, stored as recorded ones.

A class's form (record_images.py) offers an Import button and takes dropped files or
folders; the work runs here, in a worker thread, Qt-free. Each picture is decoded,
scaled down when larger than a camera frame, encoded as JPEG and stored through
`Workspace.save_image()` (temporary name, then the next free number: never
overwriting). A video becomes frames at the recording rate. A file that is not a
readable picture or video is listed and skipped; each picture is stored whole or not
at all, and the originals are only read.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import cv2
import numpy as np

from core.messages import QT_TRANSLATE_NOOP, concat
from core.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg")
MAX_SIDE = 1280            # longer side of a stored picture: a webcam frame's (1280x720)
JPEG_QUALITY = 92          # as thread_camera.JPEG_QUALITY
IMAGES_PER_SECOND = 5.0    # as thread_camera.DEFAULT_IMAGES_PER_SECOND (the recording rate)


@dataclass
class ImportResult:
    """What an import did: pictures stored, files skipped (one line each), cancelled or not."""
    imported: int = 0
    skipped: list[str] = field(default_factory=list)
    cancelled: bool = False

    def summary(self, class_name: str) -> str:
        parts = [QT_TRANSLATE_NOOP("core", "Imported {count} picture(s) into {name!r}").format(
            count=self.imported, name=class_name)]
        if self.cancelled:
            parts.append(QT_TRANSLATE_NOOP("core", " (cancelled: the rest was not imported)"))
        if self.skipped:
            parts.append(QT_TRANSLATE_NOOP("core", "; skipped {count}: {files}").format(
                count=len(self.skipped), files=concat(*self.skipped[:10], sep="; ")))
            if len(self.skipped) > 10:
                parts.append(QT_TRANSLATE_NOOP("core", "; … and {count} more").format(
                    count=len(self.skipped) - 10))
        return concat(*parts)


def expand(paths: Iterable[Path | str]) -> list[Path]:
    """Files given or found in given folders (recursively, sorted, hidden ones left out)."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [Path(folder) / n for n in sorted(names) if not n.startswith(".")]
        else:
            files.append(path)
    return files


def fit(frame: np.ndarray, max_side: int = MAX_SIDE) -> np.ndarray:
    """The frame scaled down (aspect kept) so its longer side is at most max_side."""
    height, width = frame.shape[:2]
    scale = max_side / max(height, width)
    if scale >= 1.0:
        return frame
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _encode(frame: np.ndarray, max_side: int) -> bytes:
    ok, encoded = cv2.imencode(".jpg", fit(frame, max_side), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "OpenCV could not encode the picture as JPEG"))
    return encoded.tobytes()


def read_picture(path: Path) -> np.ndarray | None:
    """A BGR frame, or None when the file is not a picture OpenCV can decode."""
    try:
        data = np.fromfile(str(path), dtype=np.uint8)      # any file name, NFD included
    except OSError:
        return None
    if data.size == 0:
        return None
    try:
        frame = cv2.imdecode(data, cv2.IMREAD_COLOR)
    except cv2.error:                                       # e.g. too many pixels
        return None
    return frame if frame is not None and frame.size else None


def video_frames(path: Path, rate: float, stop: threading.Event | None) -> Iterable[np.ndarray]:
    """Frames of a video at `rate` per second of video (every frame if it is slower)."""
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            return
        fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
        step = fps / rate if 1.0 <= fps <= 1000.0 and fps > rate else 1.0
        index, next_index = 0, 0.0
        while not (stop is not None and stop.is_set()):
            if not capture.grab():
                return
            if index >= next_index - 1e-6:
                ok, frame = capture.retrieve()
                if ok and frame is not None:
                    yield frame
                next_index += step
            index += 1
    finally:
        capture.release()


def import_files(workspace: Workspace, class_name: str, paths: Iterable[Path | str],
                 rate: float = IMAGES_PER_SECOND, max_side: int = MAX_SIDE,
                 on_progress: Callable[[int, int], None] | None = None,
                 stop: threading.Event | None = None) -> ImportResult:
    """Import pictures, folders of pictures and videos into `class_name`.

    Raises WorkspaceError only when the class cannot be written at all (missing class,
    read-only disk); a single bad file is listed in `skipped` and the import goes on.
    """
    files = expand(paths)
    result = ImportResult()
    for index, path in enumerate(files, 1):
        if stop is not None and stop.is_set():
            result.cancelled = True
            break
        suffix = path.suffix.lower()
        if suffix in VIDEO_SUFFIXES:
            frames = 0
            for frame in video_frames(path, rate, stop):
                workspace.save_image(class_name, _encode(frame, max_side))
                frames += 1
            result.imported += frames
            if frames == 0 and not (stop is not None and stop.is_set()):
                result.skipped.append(QT_TRANSLATE_NOOP("core", "{file}: not a readable video").format(
                    file=path.name))
        elif suffix in PICTURE_SUFFIXES:
            frame = read_picture(path)
            if frame is None:
                result.skipped.append(QT_TRANSLATE_NOOP("core", "{file}: not a readable picture").format(
                    file=path.name))
            else:
                workspace.save_image(class_name, _encode(frame, max_side))
                result.imported += 1
        else:
            result.skipped.append(QT_TRANSLATE_NOOP("core", "{file}: not a picture (JPEG, PNG, BMP, "
                                                    "WebP) or a video").format(file=path.name))
        if on_progress:
            on_progress(index, len(files))
    if stop is not None and stop.is_set():
        result.cancelled = True
    log.info("%s", result.summary(class_name))
    return result
