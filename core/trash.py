"""The one place where ai_nano removes anything from a working space: the trash.

The rule (README, "Reliability"): the app never deletes or overwrites a picture. Every
picture, class folder or old train/val/test folder the app takes away is *moved* here,
under `<workspace>/.ai_nano/trash/`, and a line of `manifest.jsonl` records where it
came from and when, so `restore()` can put it back. Nothing else in the app calls
rmtree/unlink on a picture (tests/test_never_lose.py counts every picture's content).

Where things go (entries made by whole operations start with '~' and a time stamp, so
they do not mix with the per-class folders of deleted pictures):

    images/<class>/<file>   ->  trash/<class>/<file>          (a deleted picture)
    anything else           ->  trash/~<time>-<reason>/<path relative to the workspace>
"""
from __future__ import annotations

import json
import logging
import os
import time
import uuid
from pathlib import Path
from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

STATE_DIR = ".ai_nano"
MANIFEST = "manifest.jsonl"


class TrashError(Exception):
    """Something could not be moved to (or back from) the trash; one line for the user."""


def trash_dir(root: Path) -> Path:
    return Path(root) / STATE_DIR / "trash"


def _free_name(target: Path) -> Path:
    """`target`, or `name-1.ext`, `name-2.ext`, ... : the first name not taken."""
    if not os.path.lexists(target):
        return target
    for number in range(1, 100000):
        candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise TrashError(QT_TRANSLATE_NOOP("core", "No free name for {file} in {folder}").format(
        file=target.name, folder=target.parent))


def move_no_replace(source: Path, target: Path) -> Path:
    """Move `source` to `target` or to the next free numbered name; never replaces anything.

    A file is hard-linked to the new name (fails if the name is taken, atomically) and
    only then unlinked from the old one; where links are refused (FAT) the name is
    reserved with O_EXCL and the file renamed over its own reservation. A folder is
    renamed to a name checked free just before (rename(2) could only replace an
    *empty* folder, so no picture can be lost even in that race).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(1000):
        target = _free_name(target)
        if source.is_dir() and not source.is_symlink():
            os.rename(source, target)
            return target
        try:
            os.link(source, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            try:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                continue
            os.replace(source, target)
            return target
        os.unlink(source)          # the content now lives at `target`
        return target
    raise TrashError(QT_TRANSLATE_NOOP("core", "Could not move {file} to {folder}").format(
        file=source.name, folder=target.parent))


def _record(root: Path, entry: dict) -> None:
    """Append one JSON line (one write(2) with O_APPEND: lines never interleave)."""
    path = trash_dir(root) / MANIFEST
    data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def move_to_trash(root: Path | str, path: Path | str, reason: str) -> Path:
    """Move `path` (a file or folder inside the workspace `root`) to the trash; return where.

    `reason` is a short word recorded with it ("deleted", "re-split", "class removed").
    Raises TrashError when `path` is outside the workspace or cannot be moved.
    """
    root = Path(root).absolute()
    path = Path(path).absolute()
    try:
        relative = path.relative_to(root)
    except ValueError:
        raise TrashError(QT_TRANSLATE_NOOP("core", "{path} is not inside the working space {root}").format(
            path=path, root=root)) from None
    if relative.parts[:1] == (STATE_DIR,) and relative.parts[1:2] == ("trash",):
        raise TrashError(QT_TRANSLATE_NOOP("core", "{file} is already in the trash").format(file=path.name))
    if relative.parts[:1] == ("images",) and len(relative.parts) == 3 and not path.is_dir():
        target = trash_dir(root) / relative.parts[1] / relative.parts[2]
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        slug = "".join(ch if ch.isalnum() else "-" for ch in reason)[:30]
        target = trash_dir(root) / f"~{stamp}-{uuid.uuid4().hex[:6]}-{slug}" / relative
    try:
        placed = move_no_replace(path, target)
        _record(root, {"trashed": str(placed.relative_to(trash_dir(root))),
                       "original": str(relative), "reason": reason,
                       "time": time.strftime("%Y-%m-%dT%H:%M:%S")})
    except OSError as error:
        raise TrashError(QT_TRANSLATE_NOOP("core", "Cannot move {file} to the trash: {reason}").format(
            file=path.name, reason=error.strerror or error)) from error
    log.info("moved %s to %s (%s)", path, placed, reason)
    return placed


def entries(root: Path | str) -> list[dict]:
    """The manifest's entries still in the trash, oldest first (unreadable lines skipped)."""
    path = trash_dir(Path(root)) / MANIFEST
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for text in lines:
        try:
            entry = json.loads(text)
        except ValueError:
            log.warning("skipping a damaged line of %s", path)
            continue
        if isinstance(entry, dict) and os.path.lexists(trash_dir(Path(root)) / str(entry.get("trashed"))):
            found.append(entry)
    return found


def restore(root: Path | str, trashed: Path | str) -> Path:
    """Put a trashed file or folder back where it came from (a numbered name if taken)."""
    root = Path(root).absolute()
    trashed = Path(trashed).absolute()
    try:
        relative = str(trashed.relative_to(trash_dir(root)))
    except ValueError:
        raise TrashError(QT_TRANSLATE_NOOP("core", "{file} is not in the trash of {root}").format(
            file=trashed, root=root)) from None
    matches = [e for e in entries(root) if e.get("trashed") == relative]
    if not matches:
        raise TrashError(QT_TRANSLATE_NOOP("core", "{file} is not in the trash's manifest").format(
            file=trashed.name))
    original = root / matches[-1]["original"]
    try:
        placed = move_no_replace(trashed, original)
    except OSError as error:
        raise TrashError(QT_TRANSLATE_NOOP("core", "Cannot restore {file}: {reason}").format(
            file=trashed.name, reason=error.strerror or error)) from error
    _record(root, {"restored": relative, "to": str(placed.relative_to(root)),
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S")})
    return placed
