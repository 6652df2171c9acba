"""What a student types or chooses in step 1 is what the window uses (issue 16).

Small helpers of the main window, kept out of ai_nano.py: the camera of the camera box
(chosen from the list or typed, Enter not needed), the working space typed in its field,
and the folder dialog, which opens in the last working space or the home folder (never
in the app's own folder) and lets the student make a new folder.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PyQt5.QtCore import QCoreApplication
from PyQt5.QtWidgets import QComboBox, QFileDialog, QWidget

from record_images import RecordImagesForm

log = logging.getLogger(__name__)


def camera_source(box: QComboBox) -> str:
    """The source of the camera shown in `box`: a listed camera's own source, or the text.

    A listed camera shows a label ("Camera 0 (/dev/video0)") and keeps its source as item
    data; any other text (an index, a device, a file, a URL) is the source itself.
    """
    text = box.currentText().strip()
    index = box.findText(text)
    if index >= 0 and box.itemData(index) is not None:
        return str(box.itemData(index))
    return text


def typed_folder(text: str, current: object | None) -> Path | None:
    """The folder typed in the working-space field, or None when nothing changed."""
    text = text.strip()
    if not text:
        return None
    folder = Path(text).expanduser()
    root = getattr(current, "root", None)
    if root is not None and Path(root) == folder.absolute():
        return None
    return folder


def start_folder(typed: str) -> str:
    """Where the folder dialog opens: the typed or last working space, else the home folder.

    A working space that does not exist yet opens its nearest existing parent.
    """
    folder = Path(typed.strip()).expanduser() if typed.strip() else Path.home()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return str(folder if folder.is_dir() else Path.home())


def choose_folder(parent: QWidget, typed: str) -> str:
    """Ask for a working space: an existing folder, or a new one made in the dialog."""
    title = QCoreApplication.translate(
        "window", "Choose the working space (or make a new folder)")
    return QFileDialog.getExistingDirectory(
        parent, title, start_folder(typed),
        QFileDialog.ShowDirsOnly | QFileDialog.DontUseNativeDialog)


def selected_form(forms: list[RecordImagesForm], focus: QWidget | None) -> RecordImagesForm | None:
    """The class Space records: the form holding the focus, else the one recording, else
    the last one that recorded or was made (a form remembers when it was last used)."""
    created = [form for form in forms if form.class_name() is not None]
    for form in created:
        if focus is not None and (focus is form or form.isAncestorOf(focus)):
            return form
    for form in created:
        if form.is_recording():
            return form
    return max(created, key=lambda form: form.last_used, default=None)
