"""The laptop-side workspace: recorded images, the train/val/test split, labels.txt, the archive.

Layout (doc/ARCHITECTURE.md, "Workspace on the laptop")::

    <root>/images/<class>/00001.jpg ...   source of truth: never moved, never overwritten
    <root>/train|val|test/<class>/*.jpg   derived by split() (hard links, else copies)
    <root>/labels.txt                     sorted class names, one per line
    <root>/.ai_nano/                      app state (trash/, split.json, project.json, ...)

Everything here is plain Python (no Qt) so the window's workers and the tests call it
directly. Every file this module writes is written under a temporary name and then
renamed or linked into place, so an interrupted run never leaves a half file in use.
"""
from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from core import trash
from core.messages import QT_TRANSLATE_NOOP, text_of

log = logging.getLogger(__name__)

MAX_CLASS_NAME_LENGTH = 64
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
PARTS = ("train", "val", "test")
SPLIT_FRACTIONS = {"val": 0.1, "test": 0.1}   # the rest goes to train
MIN_IMAGES_PER_CLASS = 3                      # one each for train, val and test
STATE_DIR = ".ai_nano"
SPLIT_RECORD = "split.json"

ProgressCallback = Callable[[int, int], None]


class WorkspaceError(Exception):
    """A problem with the workspace, worded as one line for the user."""


def validate_class_name(name: str) -> str:
    """Return `name` cleaned (NFC, surrounding spaces removed) or raise WorkspaceError.

    A class name becomes a folder name here and on two other computers, and a line of
    labels.txt, so it must be a single harmless path component: not empty, no path
    separator, no leading dot, no control character, at most MAX_CLASS_NAME_LENGTH
    characters. Spaces, quotes and non-ASCII letters are fine (never given to a shell).
    """
    if not isinstance(name, str):
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "A class name must be text."))
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The class name is empty: type a name such as "
                                               "'red'."))
    if len(cleaned) > MAX_CLASS_NAME_LENGTH:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The class name is {length} characters long: at "
                                               "most {most} allowed.").format(
            length=len(cleaned), most=MAX_CLASS_NAME_LENGTH))
    if "/" in cleaned or "\\" in cleaned:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The class name {name!r} contains a path separator "
                                               "('/' or '\\').").format(name=cleaned))
    if cleaned.startswith("."):
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The class name {name!r} starts with a dot: choose "
                                               "another name.").format(name=cleaned))
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in cleaned):
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The class name {name!r} contains a control "
                                               "character.").format(name=cleaned))
    return cleaned


def _image_number(path: Path) -> int | None:
    """The number of a recorded image (00042.jpg -> 42), None for other names."""
    stem = path.stem
    return int(stem) if stem.isdigit() and path.suffix.lower() in IMAGE_SUFFIXES else None


def _clean_or_none(folder_name: str) -> str | None:
    try:
        return validate_class_name(folder_name)
    except WorkspaceError:
        return None


def _is_image(entry: os.DirEntry) -> bool:
    return (not entry.name.startswith(".") and entry.name.lower().endswith(IMAGE_SUFFIXES)
            and entry.is_file(follow_symlinks=False))


def _link_or_reserve(source: Path, target: Path) -> None:
    """Put `source`'s content at `target` without ever replacing an existing `target`.

    A hard link is atomic and fails with FileExistsError when `target` exists. Where
    the file system has no hard links (FAT USB sticks), the name is reserved with
    O_EXCL first, then the complete temporary file is renamed over the reservation.
    """
    try:
        os.link(source, target)
        os.unlink(source)
        return
    except FileExistsError:
        raise
    except OSError as error:
        log.debug("hard link %s -> %s failed (%s): reserving the name instead", source, target, error)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)   # FileExistsError if taken
    os.close(fd)
    os.replace(source, target)


def _discard_temporary(temp: Path) -> None:
    """Remove a temporary file never linked to a picture name; a failure is only logged."""
    try:
        temp.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not remove the temporary file %s: %s", temp, error)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename."""
    path = Path(path)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@dataclass(frozen=True)
class ProjectInfo:
    """What a reopened workspace holds: classes with their image counts, split state."""
    classes: dict[str, int]
    split_done: bool
    split_current: bool


@dataclass(frozen=True)
class SplitResult:
    """Images per class in each part, e.g. counts["train"]["red"] == 16."""
    seed: int
    counts: dict[str, dict[str, int]]
    linked: bool            # False when at least one file had to be copied
    warnings: tuple[str, ...]


class Workspace:
    """One student project folder on the laptop.

    Thread-safety: save_image() may run in a writer thread while the GUI thread calls
    count() or delete_image(); file names are claimed atomically by the file system.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser().absolute()
        self.images_dir = self.root / "images"
        self.state_dir = self.root / STATE_DIR
        self.trash_dir = self.state_dir / "trash"
        self.labels_file = self.root / "labels.txt"
        self._next_number: dict[str, int] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    # ----- classes and images -------------------------------------------------------------

    def class_dir(self, name: str) -> Path:
        """The folder of class `name` under images/, after checking the name is safe.

        Folder names are matched as the student sees them (NFC, no surrounding spaces), so
        a folder copied from a Mac (NFD) or named "red " is the class "red", not a second one.
        """
        cleaned = validate_class_name(name)
        exact = self.images_dir / cleaned
        if exact.is_dir() or not self.images_dir.is_dir():
            return exact
        for entry in os.scandir(self.images_dir):
            if entry.is_dir(follow_symlinks=False) and _clean_or_none(entry.name) == cleaned:
                return Path(entry.path)
        return exact

    def classes(self) -> list[str]:
        """Class folders under images/ by their cleaned names, sorted (the label order)."""
        if not self.images_dir.is_dir():
            return []
        names = set()
        for entry in os.scandir(self.images_dir):
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                cleaned = _clean_or_none(entry.name)
                if cleaned is None:
                    log.warning("ignoring folder %s: not a usable class name", entry.path)
                else:
                    names.add(cleaned)
        return sorted(names)

    def images(self, name: str) -> list[Path]:
        """The images of a class, numbered ones first in number order, then other names."""
        folder = self.class_dir(name)
        if not folder.is_dir():
            return []
        paths = [Path(e.path) for e in os.scandir(folder) if _is_image(e)]
        return sorted(paths, key=lambda p: (_image_number(p) is None, _image_number(p) or 0, p.name))

    def count(self, name: str) -> int:
        """Number of images of a class (a directory scan: about 1 ms per thousand images)."""
        folder = self.class_dir(name)
        if not folder.is_dir():
            return 0
        return sum(1 for e in os.scandir(folder) if _is_image(e))

    def create_class(self, name: str) -> str:
        """Create images/<name> (fine if it exists) and return the cleaned name."""
        cleaned = validate_class_name(name)
        folder = self.class_dir(cleaned)          # an existing "red " or NFD folder is reused
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Cannot create the folder for class {name!r}: "
                                                   "{reason}.").format(
                name=cleaned, reason=error.strerror)) from error
        self._remove_stale_temporaries(folder)
        return cleaned

    @staticmethod
    def _remove_stale_temporaries(folder: Path, older_than_s: float = 60.0) -> None:
        """Remove half-written `.<hex>.tmp` files left by an app killed while saving.
        They were never linked to an image name, so no image is lost."""
        limit = time.time() - older_than_s
        for temp in folder.glob(".*.tmp"):
            try:
                if temp.stat().st_mtime < limit:
                    temp.unlink()
                    log.info("removed leftover %s", temp)
            except OSError:
                pass

    def _highest_number(self, folder: Path) -> int:
        numbers = [n for e in os.scandir(folder) if (n := _image_number(Path(e.name))) is not None]
        return max(numbers, default=0)

    def save_image(self, name: str, jpeg_bytes: bytes) -> Path:
        """Store one encoded image as the next number after the highest one; return its path.

        Never overwrites: the data go to a temporary file that claim_number() links to
        the final name. A failure names its own cause: the cleanup of the temporary file
        cannot hide it (on a file system turned read-only, the unlink fails too).
        """
        name = validate_class_name(name)
        folder = self.class_dir(name)
        if not folder.is_dir():
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Class {name!r} does not exist: press Create "
                                                   "first.").format(name=name))
        temp = folder / f".{uuid.uuid4().hex}.tmp"
        try:
            with open(temp, "xb") as handle:
                handle.write(jpeg_bytes)
            return self.claim_number(name, temp, ".jpg")
        except OSError as error:
            text = (QT_TRANSLATE_NOOP("core", "Cannot save an image of class {name!r}: {reason} (the "
                                      "working space became read-only).")
                    if error.errno == errno.EROFS else
                    QT_TRANSLATE_NOOP("core", "Cannot save an image of class {name!r}: {reason}."))
            raise WorkspaceError(text.format(name=name, reason=error.strerror or error)) from error
        finally:
            _discard_temporary(temp)

    def claim_number(self, name: str, temp: Path, suffix: str = ".jpg") -> Path:
        """Give the complete file `temp` (in the class folder) the next free number.

        The link to the final name fails if that name exists (another writer, an older
        file); the number is then re-read from the folder and the next one tried.
        """
        name = validate_class_name(name)
        folder = self.class_dir(name)
        for _attempt in range(1000):
            with self._lock:
                number = self._next_number.get(name) or self._highest_number(folder) + 1
                self._next_number[name] = number + 1
            target = folder / f"{number:05d}{suffix}"
            try:
                _link_or_reserve(temp, target)
                return target
            except FileExistsError:
                with self._lock:   # someone else wrote there: read the folder again
                    self._next_number[name] = self._highest_number(folder) + 1
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Could not find a free image number in "
                                               "{folder}.").format(folder=folder))

    def delete_image(self, path: Path | str) -> Path:
        """Move a recorded image to .ai_nano/trash/<class>/ (restorable); return where it went."""
        path = Path(path)
        try:
            resolved = path.resolve(strict=True)
        except OSError:
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The image {file} no longer exists.").format(
                file=path.name)) from None
        images_dir = self.images_dir.resolve()
        if resolved.parent.parent != images_dir or not resolved.is_file():
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "{path} is not a recorded image of this "
                                                   "workspace.").format(path=path))
        class_name = resolved.parent.name
        try:
            target = trash.move_to_trash(self.root.resolve(), resolved, "deleted")
        except trash.TrashError as error:
            raise WorkspaceError(text_of(error)) from error
        with self._lock:
            self._next_number.pop(class_name, None)
        return target

    # ----- project state ------------------------------------------------------------------

    def has_project(self) -> bool:
        """True when the folder already holds a project (a class folder or app state)."""
        return bool(self.classes()) or (self.state_dir / "project.json").is_file()

    def project_info(self) -> ProjectInfo:
        """Classes with their counts and whether the split is done and up to date."""
        record = self._read_split_record()
        return ProjectInfo(classes={c: self.count(c) for c in self.classes()},
                           split_done=record is not None,
                           split_current=record is not None and record.get("images") == self._image_set_digest())

    def read_state(self, name: str = "project.json") -> dict:
        """A JSON state file of .ai_nano/ ({} when missing or unreadable, logged)."""
        path = self.state_dir / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("ignoring unreadable %s: %s", path, error)
            return {}

    def write_state(self, data: dict, name: str = "project.json") -> None:
        """Write a JSON state file of .ai_nano/ atomically."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.state_dir / name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    # ----- split --------------------------------------------------------------------------

    def split_warnings(self) -> list[str]:
        """Problems to show before the split; [] when the dataset looks fine (core/split.py)."""
        from core.split import split_warnings
        return split_warnings(self)

    def _image_set_digest(self) -> str:
        digest = hashlib.sha256()
        for name in self.classes():
            for path in self.images(name):      # a replaced file changes size or mtime
                try:
                    stat = path.stat()
                except OSError:                  # deleted meanwhile
                    continue
                digest.update(f"{name}\0{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        return digest.hexdigest()

    def _read_split_record(self) -> dict | None:
        record = self.read_state(SPLIT_RECORD)
        return record or None

    def split_is_current(self) -> bool:
        """True when a split exists and images/ has not changed since (split freshness)."""
        record = self._read_split_record()
        return record is not None and record.get("images") == self._image_set_digest()

    def split(self, seed: int = 0, on_progress: ProgressCallback | None = None) -> SplitResult:
        """Split every class 80/10/10 into train/ val/ test/ and write labels.txt (core/split.py)."""
        from core.split import split_workspace   # core.split imports this module
        return split_workspace(self, seed, on_progress)

    # ----- archive ------------------------------------------------------------------------

    def archive_members(self) -> list[tuple[str, Path]]:
        """(member name, file) pairs of the dataset archive (core/archive.py)."""
        from core.archive import archive_members
        return archive_members(self)

    def build_archive(self, dest: Path | str, on_progress: ProgressCallback | None = None,
                      stop: threading.Event | None = None) -> tuple[Path, str, int]:
        """One uncompressed tar of the split; return (path, sha256, size) (core/archive.py)."""
        from core.archive import build_archive
        return build_archive(self, dest, on_progress, stop)
