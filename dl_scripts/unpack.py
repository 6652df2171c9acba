#!/usr/bin/env python3
"""Unpack a dataset archive uploaded by ai_nano, after checking it arrived whole.

The laptop sends one tar file by SFTP; the DL server may have neither `unzip` nor `tar`
the app can rely on, but it has Python. The archive is checked (size and SHA-256) before
anything is extracted, so a truncated upload is never used, and every member must be a
plain file or folder inside the destination.

    python3 unpack.py models/NAME/data.tar models/NAME --sha256 HEX --size BYTES
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tarfile
from pathlib import Path, PurePosixPath

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dl_common import ArgumentParser, ScriptError, file_sha256, run_main, say  # noqa: E402

log = logging.getLogger(__name__)

# The only top-level names a dataset archive may hold.
ALLOWED_TOP = {"train", "val", "test", "labels.txt"}


class UnpackError(ScriptError):
    """A problem with the archive, told in one line (exit status 2, as before)."""

    exit_code = 2


def check_archive(archive: Path, sha256: str, size: int) -> None:
    if not archive.is_file():
        raise UnpackError(f"{archive} is missing")
    actual = archive.stat().st_size
    if actual != size:
        raise UnpackError(f"{archive} is {actual} bytes, expected {size}: the upload is incomplete")
    if file_sha256(archive) != sha256.lower():
        raise UnpackError(f"{archive} does not match its SHA-256: the upload is corrupt")


def safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every member, refused unless it is a plain file or folder under an allowed name."""
    members = archive.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise UnpackError(f"archive member {member.name!r} points outside the dataset")
        if path.parts[0] not in ALLOWED_TOP:
            raise UnpackError(f"archive member {member.name!r} is not part of a dataset")
        if not (member.isfile() or member.isdir()):
            raise UnpackError(f"archive member {member.name!r} is not a plain file")
    return members


def has_extraction_filters() -> bool:
    """tarfile's `filter=` exists from 3.12, and in 3.8.17+/3.9.17+/3.10.12+/3.11.4+ only."""
    return hasattr(tarfile, "data_filter")


def extract(tar: tarfile.TarFile, members: list[tarfile.TarInfo], staging: Path) -> None:
    """Extract with tarfile's "data" filter, or the same checks by hand where it is missing.

    Why a fallback: Debian 12's Python 3.11.2 (a DL server as labs install it) has no
    `filter=` argument. safe_members() has already refused absolute paths, `..`, links and
    devices; here each file is written by us, never through a name that resolves outside
    `staging` (a folder replaced by a link in between), with plain permissions.
    """
    if has_extraction_filters():
        tar.extractall(staging, members=members, filter="data")
        return
    root = staging.resolve()
    for member in members:
        target = (staging / member.name).resolve()
        if target != root and root not in target.parents:
            raise UnpackError(f"archive member {member.name!r} points outside the dataset")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:
            raise UnpackError(f"archive member {member.name!r} is not a plain file")
        with source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        os.chmod(target, 0o644 | (0o111 if member.mode & 0o100 else 0))


def unpack(archive: Path, dest: Path) -> int:
    """Extract into a temporary folder, then swap the dataset folders in place.

    Earlier train/val/test folders of the same model are replaced as a whole, so a
    re-upload after a new split never mixes old and new images.
    """
    staging = dest / ".unpack-tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with tarfile.open(archive, "r:") as tar:
            members = safe_members(tar)
            extract(tar, members, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for name in sorted(ALLOWED_TOP):
        source = staging / name
        if not source.exists():
            continue
        target = dest / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        os.replace(source, target)
    shutil.rmtree(staging, ignore_errors=True)
    return sum(1 for m in members if m.isfile())


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--sha256", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the archive after unpacking")
    args = parser.parse_args(argv)
    try:
        check_archive(args.archive, args.sha256, args.size)
        count = unpack(args.archive, args.dest)
    except (tarfile.TarError, OSError) as error:
        raise UnpackError(str(error)) from None
    finally:  # a broken archive is never used again: the retry uploads a new one
        if not args.keep:
            try:
                args.archive.unlink()
            except OSError:
                pass
    say(f"Unpacked {count} files into {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
