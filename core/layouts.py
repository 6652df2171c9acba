"""Reopen any layout: find pictures a working space holds outside images/ and adopt them.

Three layouts are met in practice (doc/recording.md, "Reopening an older project"):

* the original tool's working spaces: its split *moved* the pictures into
  `train|val|test/<class>/`, leaving `images/` empty;
* jetson-inference's dataset layout (camera-capture): `train|val|test/<class>/` and
  `labels.txt`, no `images/`;
* a plain folder of class folders: `<root>/<class>/*.jpg`.

`find_pictures()` lists every picture that is not already in `images/<class>/` (same
file, i.e. same inode, or same content); `adopt()` brings each into `images/<class>/`
as the next number (a hard link, else a copy), leaving the original where it was. Both
are Qt-free; the window asks the student first and runs `adopt()` in a worker.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from core.messages import QT_TRANSLATE_NOOP
from core.workspace import (IMAGE_SUFFIXES, PARTS, Workspace, WorkspaceError,
                            validate_class_name)

log = logging.getLogger(__name__)

NOT_CLASSES = {"images", *PARTS, "models", "trash"}
DERIVED_TRASH = tuple(f"-{reason}" for reason in ("re-split", "interrupted-split"))


@dataclass
class Found:
    """Pictures outside images/: (class, path) pairs, and a name for the layout."""
    layout: str
    pictures: list[tuple[str, Path]] = field(default_factory=list)

    def classes(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name, _ in self.pictures:
            counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))

    def question(self) -> str:
        """What the window asks, e.g. '3 classes, 214 pictures: bring them into this project?'."""
        classes = self.classes()
        listed = ", ".join(f"{name} ({count})" for name, count in classes.items())
        return QT_TRANSLATE_NOOP("core", "This folder looks like {layout}: {classes} class(es), "
                                 "{pictures} picture(s) outside images/ ({listed}). Bring them "
                                 "into this project? (they are linked or copied into images/; "
                                 "the originals stay)").format(
            layout=self.layout, classes=len(classes), pictures=len(self.pictures), listed=listed)


def _pictures_in(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries
                  if not e.name.startswith(".") and e.name.lower().endswith(IMAGE_SUFFIXES)
                  and e.is_file(follow_symlinks=False))


def _class_folders(folder: Path) -> list[tuple[str, Path]]:
    """(cleaned class name, folder) of the sub-folders of `folder` whose name is a class name."""
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            found.append((validate_class_name(entry.name), Path(entry.path)))
        except WorkspaceError as error:
            log.warning("ignoring folder %s: %s", entry.path, error)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Known:
    """Pictures images/ holds, or the student deleted (in the trash): by inode (cheap) and,
    only for files no inode matches (copies on FAT), by content.

    A deleted picture's hard link left in train/ is therefore not brought back.
    """

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.inodes: set[tuple[int, int]] = set()
        self._hashes: dict[str, set[str]] = {}
        self._trashed: set[str] | None = None
        for path in self._trash_files() + [p for n in workspace.classes() for p in workspace.images(n)]:
            stat = path.stat()
            self.inodes.add((stat.st_dev, stat.st_ino))

    def _trash_files(self) -> list[Path]:
        """Deleted pictures and removed classes; not the old train/val/test of earlier
        splits (links of pictures that were in images/, or deleted, hence here anyway),
        which would make every split slower than the one before."""
        found = []
        for folder, dirs, names in os.walk(self._workspace.trash_dir):
            if Path(folder) == self._workspace.trash_dir:
                dirs[:] = [d for d in dirs if not d.endswith(DERIVED_TRASH)]
            found += [Path(folder) / n for n in names if n.lower().endswith(IMAGE_SUFFIXES)]
        return found

    def has(self, class_name: str, path: Path) -> bool:
        stat = path.stat()
        if (stat.st_dev, stat.st_ino) in self.inodes:
            return True
        if class_name not in self._hashes:
            self._hashes[class_name] = {_sha256(p) for p in self._workspace.images(class_name)}
        if self._trashed is None:
            self._trashed = {_sha256(p) for p in self._trash_files()}
        content = _sha256(path)
        return content in self._hashes[class_name] or content in self._trashed


def find_pictures(workspace: Workspace, plain_folders: bool = True) -> Found:
    """Every picture of the working space that images/<class>/ does not hold yet.

    `plain_folders=False` looks in train/val/test only (what the split adopts by itself).
    """
    root = workspace.root
    candidates: list[tuple[str, Path]] = []
    parts = [part for part in PARTS if (root / part).is_dir()]
    for part in parts:
        for name, folder in _class_folders(root / part):
            candidates += [(name, path) for path in _pictures_in(folder)]
    plain = []
    if plain_folders:
        for name, folder in _class_folders(root):
            if unicodedata.normalize("NFC", folder.name) not in NOT_CLASSES:
                plain += [(name, path) for path in _pictures_in(folder)]
    known = _Known(workspace)
    missing, seen = [], set()
    for name, path in candidates + plain:
        try:
            if known.has(name, path):
                continue
            content = _sha256(path)
        except OSError as error:
            log.warning("cannot read %s: %s", path, error)
            continue
        if (name, content) not in seen:      # the same picture in train/ and in a copy
            seen.add((name, content))
            missing.append((name, path))
    if parts and (root / "labels.txt").is_file() and not (root / "images").is_dir():
        layout = QT_TRANSLATE_NOOP("core", "a jetson-inference dataset (train/val/test and "
                                           "labels.txt)")
    elif parts and any(name for name, path in missing if path.parent.parent.name in PARTS):
        layout = QT_TRANSLATE_NOOP("core", "a working space of the original tool (pictures in "
                                           "train/val/test)")
    else:
        layout = QT_TRANSLATE_NOOP("core", "a folder of class folders")
    return Found(layout, missing)


def store_copy(workspace: Workspace, class_name: str, source: Path) -> Path:
    """Bring `source` into images/<class>/ as the next number, keeping its suffix.

    A hard link when the file system allows it (no extra space, the original stays),
    else a complete copy under a temporary name; then numbered like a recording.
    """
    folder = workspace.class_dir(workspace.create_class(class_name))
    temp = folder / f".{uuid.uuid4().hex}.tmp"
    try:
        try:
            os.link(source, temp)
        except OSError:
            shutil.copy2(source, temp)
        suffix = source.suffix.lower() if source.suffix.lower() in IMAGE_SUFFIXES else ".jpg"
        return workspace.claim_number(class_name, temp, suffix)
    finally:
        try:
            temp.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove %s: %s", temp, error)


def adopt(workspace: Workspace, found: Found,
          on_progress: Callable[[int, int], None] | None = None,
          stop: threading.Event | None = None) -> int:
    """Bring every found picture into images/<class>/; return how many were brought.

    Safe to interrupt (or kill) at any point: each picture is either fully in images/
    or not at all, and a second run skips those already brought (same inode/content).
    """
    done = 0
    for index, (name, path) in enumerate(found.pictures, 1):
        if stop is not None and stop.is_set():
            break
        try:
            store_copy(workspace, name, path)
            done += 1
        except OSError as error:
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Cannot bring {file} into images/{name}: "
                                                   "{reason}").format(
                file=path.name, name=name, reason=error.strerror or error)) from error
        if on_progress:
            on_progress(index, len(found.pictures))
    log.info("adopted %d picture(s) into %s", done, workspace.images_dir)
    return done
