"""The dataset archive sent to the DL server: train/ val/ test/ labels.txt in one tar.

Qt-free; `Workspace.archive_members()` and `Workspace.build_archive()` call these.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tarfile
import threading
from pathlib import Path

from core.messages import QT_TRANSLATE_NOOP
from core.workspace import (MIN_IMAGES_PER_CLASS, PARTS, ProgressCallback, Workspace,
                       WorkspaceError, validate_class_name)

log = logging.getLogger(__name__)


def archive_members(workspace: Workspace) -> list[tuple[str, Path]]:
    """(member name, file) pairs of the dataset archive, after checking the split."""
    record = workspace._read_split_record()
    if record is None or not workspace.labels_file.is_file():
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The dataset is not split (or the split was "
                                               "interrupted): run Split first."))
    if record.get("images") != workspace._image_set_digest():   # upload_dataset re-splits first
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "The pictures changed since the split: run Split "
                                               "again, so that new pictures are trained and "
                                               "deleted ones are not."))
    labels = workspace.labels_file.read_text(encoding="utf-8").splitlines()
    members = [("labels.txt", workspace.labels_file)]
    for part in PARTS:
        for name in labels:
            folder = workspace.root / part / validate_class_name(name)
            files = sorted(folder.iterdir()) if folder.is_dir() else []
            files = [f for f in files if f.is_file() and not f.name.startswith(".")]
            if not files:
                raise WorkspaceError(QT_TRANSLATE_NOOP("core", "{part}/ has no image of class {name!r}: "
                                                       "record at least {least} images per class "
                                                       "and split again.").format(
                    part=part, name=name, least=MIN_IMAGES_PER_CLASS))
            members += [(f"{part}/{name}/{f.name}", f) for f in files]
    return members


def build_archive(workspace: Workspace, dest: Path | str,
                  on_progress: ProgressCallback | None = None,
                  stop: threading.Event | None = None) -> tuple[Path, str, int]:
    """Write train/ val/ test/ labels.txt into one uncompressed tar; return (path, sha256, size).

    Member names are relative (`train/red/00001.jpg`) and every member is a regular
    file (no directory or hard-link members), so the server's unpacker can refuse
    anything else. The tar is written to `<dest>.part` and renamed when complete;
    `on_progress(done_bytes, total_bytes)` follows the image bytes. Setting `stop`
    cancels (WorkspaceError) and removes the partial file (an archive, not a picture).
    """
    dest = Path(dest)
    members = archive_members(workspace)
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
                        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Building the archive was "
                                                               "cancelled."))
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
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Cannot write the archive {file}: {reason}.").format(
            file=dest, reason=error.strerror or error)) from error
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
