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

import hashlib
import json
import logging
import os
import re
import shutil
import tarfile
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

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
        raise WorkspaceError("A class name must be text.")
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise WorkspaceError("The class name is empty: type a name such as 'red'.")
    if len(cleaned) > MAX_CLASS_NAME_LENGTH:
        raise WorkspaceError(
            f"The class name is {len(cleaned)} characters long: at most {MAX_CLASS_NAME_LENGTH} allowed.")
    if "/" in cleaned or "\\" in cleaned:
        raise WorkspaceError(f"The class name {cleaned!r} contains a path separator ('/' or '\\').")
    if cleaned.startswith("."):
        raise WorkspaceError(f"The class name {cleaned!r} starts with a dot: choose another name.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in cleaned):
        raise WorkspaceError(f"The class name {cleaned!r} contains a control character.")
    return cleaned


def suggest_model_name(workspace_root: Path, now: datetime | None = None,
                       existing: Iterable[str] = ()) -> str:
    """A unique, readable model name: `<workspace folder slug>-<YYYYMMDD-HHMMSS>`.

    The slug is ASCII letters, digits and '-', so the name is safe as a remote folder.
    `existing` lists names already taken (e.g. the models on the DL server); a suffix
    `-2`, `-3`, ... is added until the name is free.
    """
    folder = Path(workspace_root).expanduser().resolve().name
    ascii_name = unicodedata.normalize("NFKD", folder).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "model"
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{slug}-{stamp}"
    taken = set(existing)
    name, number = base, 2
    while name in taken:
        name = f"{base}-{number}"
        number += 1
    return name


def _image_number(path: Path) -> int | None:
    """The number of a recorded image (00042.jpg -> 42), None for other names."""
    stem = path.stem
    return int(stem) if stem.isdigit() and path.suffix.lower() in IMAGE_SUFFIXES else None


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
        """images/<name>, after checking that the name is a safe single folder name."""
        return self.images_dir / validate_class_name(name)

    def classes(self) -> list[str]:
        """Class folders under images/, in Python sorted order (the label order)."""
        if not self.images_dir.is_dir():
            return []
        names = []
        for entry in os.scandir(self.images_dir):
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
                try:
                    names.append(validate_class_name(entry.name))
                except WorkspaceError as error:
                    log.warning("ignoring folder %s: %s", entry.path, error)
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
        folder = self.images_dir / cleaned
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WorkspaceError(f"Cannot create the folder for class {cleaned!r}: {error.strerror}.") from error
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

        Never overwrites: the data go to a temporary file that is then linked to the
        final name, which fails if that name exists (another writer, an older file);
        the number is then re-read from the folder and the next one tried.
        """
        name = validate_class_name(name)
        folder = self.images_dir / name
        if not folder.is_dir():
            raise WorkspaceError(f"Class {name!r} does not exist: press Create first.")
        temp = folder / f".{uuid.uuid4().hex}.tmp"
        try:
            with open(temp, "xb") as handle:
                handle.write(jpeg_bytes)
            for _attempt in range(1000):
                with self._lock:
                    number = self._next_number.get(name) or self._highest_number(folder) + 1
                    self._next_number[name] = number + 1
                target = folder / f"{number:05d}.jpg"
                try:
                    _link_or_reserve(temp, target)
                    return target
                except FileExistsError:
                    with self._lock:   # someone else wrote there: read the folder again
                        self._next_number[name] = self._highest_number(folder) + 1
            raise WorkspaceError(f"Could not find a free image number in {folder}.")
        except OSError as error:
            raise WorkspaceError(f"Cannot save an image of class {name!r}: {error.strerror or error}.") from error
        finally:
            temp.unlink(missing_ok=True)

    def delete_image(self, path: Path | str) -> Path:
        """Move a recorded image to .ai_nano/trash/<class>/ (recoverable); return where it went."""
        path = Path(path)
        try:
            resolved = path.resolve(strict=True)
        except OSError:
            raise WorkspaceError(f"The image {path.name} no longer exists.") from None
        images_dir = self.images_dir.resolve()
        if resolved.parent.parent != images_dir or not resolved.is_file():
            raise WorkspaceError(f"{path} is not a recorded image of this workspace.")
        class_name = resolved.parent.name
        trash = self.trash_dir / class_name
        trash.mkdir(parents=True, exist_ok=True)
        stem, suffix = resolved.stem, resolved.suffix
        for attempt in range(10000):
            target = trash / (f"{stem}{suffix}" if attempt == 0 else f"{stem}-{attempt}{suffix}")
            try:
                _link_or_reserve(resolved, target)
                with self._lock:
                    self._next_number.pop(class_name, None)
                log.info("moved %s to %s", resolved, target)
                return target
            except FileExistsError:
                continue
        raise WorkspaceError(f"Could not move {path.name} to the trash.")

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
        """Problems to show before the split; an empty list when the dataset looks fine."""
        counts = {c: self.count(c) for c in self.classes()}
        filled = {c: n for c, n in counts.items() if n > 0}
        warnings = []
        if len(filled) < 2:
            warnings.append(f"Only {len(filled)} class(es) with images: a classifier needs at least 2.")
        for name, number in counts.items():
            if number == 0:
                warnings.append(f"Class {name!r} has no images: it is left out of the split.")
            elif number < MIN_IMAGES_PER_CLASS:
                warnings.append(f"Class {name!r} has {number} image(s): at least {MIN_IMAGES_PER_CLASS} "
                                "are needed so that val/ and test/ each get one.")
        if len(filled) >= 2:
            smallest = min(filled, key=lambda c: (filled[c], c))
            for name, number in sorted(filled.items()):
                if number > 2 * filled[smallest]:
                    warnings.append(f"Class {name!r} has {number} images, more than twice class "
                                    f"{smallest!r} ({filled[smallest]}): the model will favour {name!r}.")
        return warnings

    @staticmethod
    def _part_sizes(total: int) -> dict[str, int]:
        """80/10/10, with at least one image in val and test once there are 3 images."""
        if total < MIN_IMAGES_PER_CLASS:
            return {"train": total, "val": 0, "test": 0}
        val = max(1, round(total * SPLIT_FRACTIONS["val"]))
        test = max(1, round(total * SPLIT_FRACTIONS["test"]))
        return {"train": total - val - test, "val": val, "test": test}

    @staticmethod
    def _shuffled(seed: int, class_name: str, paths: list[Path]) -> list[Path]:
        """A seeded order that depends only on the seed, the class and the file names."""
        def key(path: Path) -> str:
            return hashlib.sha256(f"{seed}\0{class_name}\0{path.name}".encode()).hexdigest()
        return sorted(paths, key=key)

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

    def split(self, seed: int = 0, on_progress: ProgressCallback | None = None) -> SplitResult:
        """Split every class 80/10/10 into train/ val/ test/ and write labels.txt.

        Files are hard-linked from images/ (copied when the file system refuses links);
        images/ itself is only read. The derived folders are built under .ai_nano/ and
        swapped in at the end, and .ai_nano/split.json is written last: an interrupted
        split leaves no split record, so build_archive() refuses until it is redone.
        The same seed and image set always give the same split.
        """
        warnings = tuple(self.split_warnings())
        classes = [c for c in self.classes() if self.count(c) > 0]
        if not classes:
            raise WorkspaceError("No images recorded yet: record some images of each class first.")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / SPLIT_RECORD).unlink(missing_ok=True)
        for leftover in self.state_dir.glob("split-*"):   # from an interrupted split
            shutil.rmtree(leftover, ignore_errors=True)
        build = self.state_dir / f"split-{uuid.uuid4().hex[:8]}"
        plan = {}
        for name in classes:
            ordered = self._shuffled(seed, name, self.images(name))
            sizes = self._part_sizes(len(ordered))
            start = 0
            for part in PARTS:
                plan[(part, name)] = ordered[start:start + sizes[part]]
                start += sizes[part]
        total = sum(len(paths) for paths in plan.values())
        done, linked = 0, True
        try:
            for (part, name), paths in plan.items():
                folder = build / part / name
                folder.mkdir(parents=True)
                for path in paths:
                    target = folder / path.name
                    try:
                        os.link(path, target)
                    except OSError:
                        shutil.copy2(path, target)
                        linked = False
                    done += 1
                    if on_progress:
                        on_progress(done, total)
            for part in PARTS:
                old = self.root / part
                if old.exists() or old.is_symlink():
                    trash = build / f"old-{part}"
                    os.rename(old, trash)
                os.rename(build / part, old)
            write_text_atomic(self.labels_file, "".join(f"{name}\n" for name in sorted(classes)))
            counts = {part: {name: len(plan[(part, name)]) for name in classes} for part in PARTS}
            self.write_state({"seed": seed, "counts": counts, "images": self._image_set_digest(),
                              "time": time.strftime("%Y-%m-%dT%H:%M:%S")}, SPLIT_RECORD)
        except OSError as error:
            raise WorkspaceError(f"The split failed: {error.strerror or error} ({error.filename}).") from error
        finally:
            shutil.rmtree(build, ignore_errors=True)
        log.info("split %d images of %d classes (seed %d, links: %s)", total, len(classes), seed, linked)
        return SplitResult(seed=seed, counts=counts, linked=linked, warnings=warnings)

    # ----- archive ------------------------------------------------------------------------

    def archive_members(self) -> list[tuple[str, Path]]:
        """(member name, file) pairs of the dataset archive, after checking the split."""
        record = self._read_split_record()
        if record is None or not self.labels_file.is_file():
            raise WorkspaceError("The dataset is not split (or the split was interrupted): run Split first.")
        labels = self.labels_file.read_text(encoding="utf-8").splitlines()
        members = [("labels.txt", self.labels_file)]
        for part in PARTS:
            for name in labels:
                folder = self.root / part / validate_class_name(name)
                files = sorted(folder.iterdir()) if folder.is_dir() else []
                files = [f for f in files if f.is_file() and not f.name.startswith(".")]
                if not files:
                    raise WorkspaceError(f"{part}/ has no image of class {name!r}: record at least "
                                         f"{MIN_IMAGES_PER_CLASS} images per class and split again.")
                members += [(f"{part}/{name}/{f.name}", f) for f in files]
        return members

    def build_archive(self, dest: Path | str, on_progress: ProgressCallback | None = None,
                      stop: threading.Event | None = None) -> tuple[Path, str, int]:
        """Write train/ val/ test/ labels.txt into one uncompressed tar; return (path, sha256, size).

        Member names are relative (`train/red/00001.jpg`) and every member is a regular
        file (no directory or hard-link members), so the server's unpacker can refuse
        anything else. The tar is written to `<dest>.part` and renamed when complete;
        `on_progress(done_bytes, total_bytes)` follows the image bytes. Setting `stop`
        cancels (WorkspaceError) and removes the partial file.
        """
        dest = Path(dest)
        members = self.archive_members()
        total = sum(path.stat().st_size for _, path in members)
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".part")
        digest = hashlib.sha256()
        done = 0
        try:
            with open(partial, "wb") as raw:
                hashing = _HashingWriter(raw, digest)
                with tarfile.open(fileobj=hashing, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    for member_name, path in members:
                        if stop is not None and stop.is_set():
                            raise WorkspaceError("Building the archive was cancelled.")
                        info = tarfile.TarInfo(member_name)
                        info.type = tarfile.REGTYPE
                        info.size = path.stat().st_size
                        info.mtime = int(path.stat().st_mtime)
                        info.mode = 0o644
                        with open(path, "rb") as handle:
                            tar.addfile(info, handle)
                        done += info.size
                        if on_progress:
                            on_progress(done, total)
                raw.flush()
                os.fsync(raw.fileno())
            size = partial.stat().st_size
            os.replace(partial, dest)
        except OSError as error:
            raise WorkspaceError(f"Cannot write the archive {dest}: {error.strerror or error}.") from error
        finally:
            partial.unlink(missing_ok=True)
        log.info("archive %s: %d files, %d bytes", dest, len(members), size)
        return dest, digest.hexdigest(), size


class _HashingWriter:
    """A write-only file object that hashes what passes through (tarfile writes to it)."""

    def __init__(self, raw, digest) -> None:
        self._raw = raw
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._raw.write(data)

    def tell(self) -> int:
        return self._raw.tell()
