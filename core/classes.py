"""Rename or remove a class: the folder moves, nothing is deleted (core/trash.py).

The split becomes out of date by itself (its fingerprint of images/ holds the class
names), so labels.txt is rewritten by the next split.
"""
from __future__ import annotations

import logging
from pathlib import Path

from core import trash
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.workspace import Workspace, WorkspaceError, validate_class_name

log = logging.getLogger(__name__)


def rename_class(workspace: Workspace, old: str, new: str) -> str:
    """Rename a class folder (its pictures keep their names); return the new name.

    Refused when the new name is taken, so two classes never merge by accident.
    The split becomes out of date (its fingerprint holds the class names) and
    labels.txt is rewritten by the next split.
    """
    new = validate_class_name(new)
    source = workspace.class_dir(old)
    if not source.is_dir():
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Class {name!r} does not exist.").format(
            name=validate_class_name(old)))
    if workspace.class_dir(new).exists() and workspace.class_dir(new) != source:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "A class {name!r} exists already: choose another "
                                               "name.").format(name=new))
    target = workspace.images_dir / new
    try:
        trash.move_no_replace(source, target) if source != target else None
    except OSError as error:
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Cannot rename class {name!r}: {reason}.").format(
            name=old, reason=error.strerror or error)) from error
    with workspace._lock:
        workspace._next_number.clear()
    log.info("renamed class %r to %r", old, new)
    return new


def remove_class(workspace: Workspace, name: str) -> Path:
    """Move a whole class folder to the trash (restorable); return where it went."""
    folder = workspace.class_dir(name)
    if not folder.is_dir():
        raise WorkspaceError(QT_TRANSLATE_NOOP("core", "Class {name!r} does not exist.").format(
            name=validate_class_name(name)))
    try:
        target = trash.move_to_trash(workspace.root, folder, f"class {folder.name} removed")
    except trash.TrashError as error:
        raise WorkspaceError(text_of(error)) from error
    with workspace._lock:
        workspace._next_number.clear()
    return target
