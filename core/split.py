"""The train/val/test split of a working space, safe for every picture it touches.

* images/ is only read: train/ val/ test/ are rebuilt from it as hard links (copies
  where links are refused) in a build folder under .ai_nano/, then swapped in.
* The old train/ val/ test/ go to the trash (core/trash.py), never rmtree'd: a
  picture that existed only there (copied by hand, an older tool's layout) is adopted
  into images/<class>/ first (core/layouts.py), and stays restorable in the trash.
* Two windows splitting at once: an flock on .ai_nano/split.lock makes one wait.
* .ai_nano/split.json is written last with a fingerprint of images/: an interrupted
  split leaves no record (the archive refuses), and a changed images/ makes the split
  out of date (the upload splits again).
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from core import layouts, trash
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.workspace import (MIN_IMAGES_PER_CLASS, PARTS, SPLIT_FRACTIONS, SPLIT_RECORD,
                       ProgressCallback, SplitResult, Workspace, WorkspaceError,
                       write_text_atomic)

log = logging.getLogger(__name__)

LOCK_FILE = "split.lock"


@contextmanager
def split_lock(workspace: Workspace) -> Iterator[None]:
    """Hold .ai_nano/split.lock: a second window's split waits for the first one."""
    workspace.state_dir.mkdir(parents=True, exist_ok=True)
    with open(workspace.state_dir / LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def part_sizes(total: int) -> dict[str, int]:
    """80/10/10, with at least one image in val and test once there are 3 images."""
    if total < MIN_IMAGES_PER_CLASS:
        return {"train": total, "val": 0, "test": 0}
    val = max(1, round(total * SPLIT_FRACTIONS["val"]))
    test = max(1, round(total * SPLIT_FRACTIONS["test"]))
    return {"train": total - val - test, "val": val, "test": test}


def shuffled(seed: int, class_name: str, paths: list[Path]) -> list[Path]:
    """A seeded order that depends only on the seed, the class and the file names."""
    def key(path: Path) -> str:
        return hashlib.sha256(f"{seed}\0{class_name}\0{path.name}".encode()).hexdigest()
    return sorted(paths, key=key)


def split_warnings(workspace: Workspace) -> list[str]:
    """Problems to show before the split; an empty list when the dataset looks fine."""
    counts = {c: workspace.count(c) for c in workspace.classes()}
    filled = {c: n for c, n in counts.items() if n > 0}
    warnings = []
    if len(filled) < 2:
        warnings.append(QT_TRANSLATE_NOOP("core", "Only {count} class(es) with images: a classifier "
                                          "needs at least 2.").format(count=len(filled)))
    for name, number in counts.items():
        if number == 0:
            warnings.append(QT_TRANSLATE_NOOP("core", "Class {name!r} has no images: it is left out of "
                                              "the split.").format(name=name))
        elif number < MIN_IMAGES_PER_CLASS:
            warnings.append(QT_TRANSLATE_NOOP("core", "Class {name!r} has {number} image(s): at least "
                                              "{least} are needed so that val/ and test/ each get "
                                              "one.").format(
                name=name, number=number, least=MIN_IMAGES_PER_CLASS))
    if len(filled) >= 2:
        smallest = min(filled, key=lambda c: (filled[c], c))
        for name, number in sorted(filled.items()):
            if number > 2 * filled[smallest]:
                warnings.append(QT_TRANSLATE_NOOP("core", "Class {name!r} has {number} images, more than "
                                                  "twice class {smallest!r} ({smallest_number}): the "
                                                  "model will favour {name!r}.").format(
                    name=name, number=number, smallest=smallest, smallest_number=filled[smallest]))
    return warnings


def orphans_warning(workspace: Workspace) -> list[str]:
    """A warning when train/val/test hold pictures images/ lacks (the split adopts them)."""
    found = layouts.find_pictures(workspace, plain_folders=False)
    if not found.pictures:
        return []
    return [QT_TRANSLATE_NOOP("core", "{count} picture(s) in train/, val/ or test/ are not in "
                              "images/: they are brought into images/ first, so the split keeps "
                              "them.").format(count=len(found.pictures))]


def _plan(workspace: Workspace, seed: int, classes: list[str]) -> dict[tuple[str, str], list[Path]]:
    plan = {}
    for name in classes:
        ordered = shuffled(seed, name, workspace.images(name))
        sizes = part_sizes(len(ordered))
        start = 0
        for part in PARTS:
            plan[(part, name)] = ordered[start:start + sizes[part]]
            start += sizes[part]
    return plan


def _build(build: Path, plan: dict, on_progress: ProgressCallback | None) -> bool:
    """Link (else copy) every planned picture under `build`; False when one was copied."""
    total = sum(len(paths) for paths in plan.values())
    done, linked = 0, True
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
    return linked


def split_workspace(workspace: Workspace, seed: int = 0,
                    on_progress: ProgressCallback | None = None) -> SplitResult:
    """Split every class 80/10/10 into train/ val/ test/ and write labels.txt.

    The same seed and image set always give the same split. See the module docstring
    for why no picture can be lost, even when the app is killed half-way.
    """
    with split_lock(workspace):
        orphans = layouts.find_pictures(workspace, plain_folders=False)
        adopted = layouts.adopt(workspace, orphans) if orphans.pictures else 0
        warnings = tuple(workspace.split_warnings())
        if adopted:
            warnings += (QT_TRANSLATE_NOOP("core", "{count} picture(s) found only in train/, val/ or "
                                           "test/ were brought into images/.").format(count=adopted),)
        classes = [c for c in workspace.classes() if workspace.count(c) > 0]
        if not classes:
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "No images recorded yet: record some images "
                                                   "of each class first."))
        (workspace.state_dir / SPLIT_RECORD).unlink(missing_ok=True)   # state, not a picture
        try:
            for leftover in workspace.state_dir.glob("split-*"):      # of an interrupted split
                trash.move_to_trash(workspace.root, leftover, "interrupted split")
            build = workspace.state_dir / f"split-{uuid.uuid4().hex[:8]}"
            plan = _plan(workspace, seed, classes)
            linked = _build(build, plan, on_progress)
            for part in PARTS:
                old = workspace.root / part
                if old.exists() or old.is_symlink():
                    trash.move_to_trash(workspace.root, old, "re-split")
                os.rename(build / part, old)
            build.rmdir()                                              # empty by now
            write_text_atomic(workspace.labels_file, "".join(f"{n}\n" for n in sorted(classes)))
            counts = {part: {name: len(plan[(part, name)]) for name in classes} for part in PARTS}
            workspace.write_state({"seed": seed, "counts": counts,
                                   "images": workspace._image_set_digest(),
                                   "time": time.strftime("%Y-%m-%dT%H:%M:%S")}, SPLIT_RECORD)
        except trash.TrashError as error:
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The split failed: {reason}.").format(
                reason=text_of(error))) from error
        except OSError as error:
            raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The split failed: {reason} ({file}).").format(
                reason=error.strerror or error, file=error.filename)) from error
    total = sum(len(paths) for paths in plan.values())
    log.info("split %d images of %d classes (seed %d, links: %s)", total, len(classes), seed, linked)
    return SplitResult(seed=seed, counts=counts, linked=linked, warnings=warnings)
