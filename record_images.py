"""One class's form: name, Create, Start/Stop, Import, Rename, Remove, count, thumbnails, Delete.

It never opens a camera (the shared CameraWorker records); thumbnails load in a worker thread;
the GUI thread only renames (create/rename/trash a class folder or a picture). Imports
(button, or files/folders dropped on the form) run in a CommandWorker thread: progress in
the count label, Import turned into Cancel. Problems go out through `message(str)`.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Iterable

from PyQt5 import sip, uic
from PyQt5.QtCore import QCoreApplication, QSize, Qt, pyqtSignal, pyqtSlot
from PyQt5.QtGui import QIcon, QImage, QKeySequence, QPixmap
from PyQt5.QtWidgets import QFileDialog, QListWidgetItem, QShortcut, QWidget

from core import classes, importing, tasks
from core.messages import text_of
from core.workspace import Workspace, WorkspaceError, validate_class_name
from thread_camera import DEFAULT_IMAGES_PER_SECOND, THUMBNAIL_SIZE, CameraThread, CameraWorker
from thread_command import CommandWorker, start_in_thread
from widgets.common import translated

log = logging.getLogger(__name__)

UI_FILE = Path(__file__).resolve().with_name("record_images.ui")
MAX_THUMBNAILS = 24
PATH_ROLE = Qt.UserRole


def load_thumbnails(workspace: Workspace, class_name: str, limit: int,
                    report: object) -> tuple[int, list]:
    """A class's image count and its newest thumbnails as (path, QImage), off the GUI thread
    (QImage, unlike QPixmap, may be made in any thread)."""
    try:
        paths = workspace.images(class_name)
    except (OSError, WorkspaceError) as error:
        raise WorkspaceError(QCoreApplication.translate(   # translate() is thread-safe
            "RecordImagesForm", "Cannot read the images of {0!r}: {1}").format(
                class_name, translated(text_of(error)))) from error
    thumbs = []
    for path in reversed(paths[-limit:]):
        image = QImage(str(path))
        if not image.isNull():
            image = image.scaled(THUMBNAIL_SIZE, THUMBNAIL_SIZE, Qt.KeepAspectRatio,
                                 Qt.SmoothTransformation)
        thumbs.append((str(path), image))
    return len(paths), thumbs


class RecordImagesForm(QWidget):
    """The recording form of one class.

    Args:
        workspace: where images are saved.
        camera: the shared CameraThread (or its CameraWorker); may be set later with set_camera().
        class_name: an existing class (reopened workspace): the name is fixed and its
            count and thumbnails load in the background.
        taken_names: returns the names used by the other forms, to refuse duplicates.
        ask: asks the student a yes/no question (the window's one question route).

    Signals:
        message(object): a problem (a str or a core.messages.Message), for the window's
            single message route, which translates it.
        log(object): an ordinary line for the log ("Start recording red", ...).
        class_created(str): the class folder exists; recording is possible.
        class_renamed(str, str): old name, new name.
        class_removed(str): the class went to the trash; the window drops this form.
    """

    message = pyqtSignal(object)
    log = pyqtSignal(object)
    class_created = pyqtSignal(str)
    class_renamed = pyqtSignal(str, str)
    class_removed = pyqtSignal(str)

    def __init__(self, workspace: Workspace, camera: CameraThread | CameraWorker | None = None,
                 class_name: str | None = "",
                 taken_names: Callable[[], Iterable[str]] | None = None,
                 parent: QWidget | None = None,
                 ask: Callable[[str], bool] | None = None) -> None:
        super().__init__(parent)
        uic.loadUi(str(UI_FILE), self)
        self.workspace = workspace
        self._camera: CameraThread | CameraWorker | None = None
        self._class_name: str | None = None
        self._count = 0
        self._generation = 0
        self._taken_names = taken_names
        self._ask = ask or (lambda _question: True)
        self._renaming = False
        self._import: CommandWorker | None = None
        self._loader: CommandWorker | None = None   # kept alive until it reports
        self.last_used = 0.0   # time.monotonic() of the last Create/Start/Stop (Space's class)
        self.setAcceptDrops(True)
        self.listWidget_thumbnails.setIconSize(QSize(56, 42))   # no captions: they overlapped
        self.pushButton_create.clicked.connect(self._on_create_clicked)
        self.lineEdit_class_name.returnPressed.connect(self._on_create_clicked)
        self.pushButton_record.toggled.connect(self._on_record_toggled)
        self.pushButton_delete.clicked.connect(self._on_delete_clicked)
        self.pushButton_import.clicked.connect(self._on_import_clicked)
        self.pushButton_rename.clicked.connect(self._on_rename_clicked)
        self.pushButton_remove.clicked.connect(self._on_remove_clicked)
        self.listWidget_thumbnails.itemSelectionChanged.connect(self._on_selection_changed)
        QShortcut(QKeySequence.Delete, self.listWidget_thumbnails, self._on_delete_clicked,
                  context=Qt.WidgetShortcut)
        self.set_camera(camera)
        if class_name:
            self.lineEdit_class_name.setText(class_name)
            self._on_create_clicked()

    # ----- public ------------------------------------------------------------------------

    def class_name(self) -> str | None:
        """The created class's name, None before Create."""
        return self._class_name

    def count(self) -> int:
        """The number of images of the class, as last known."""
        return self._count

    def is_recording(self) -> bool:
        return self.pushButton_record.isChecked()

    def stop_recording(self) -> None:
        """Stop recording and any import of this form's class (e.g. the window closes)."""
        if self.pushButton_record.isChecked():
            self.pushButton_record.setChecked(False)
        if self._import is not None:
            self._import.stop()   # each picture is stored whole: stopping loses none
            self._import.done.wait(1.0)

    def import_paths(self, paths: list[str]) -> None:
        """Import pictures, folders and videos into this class, in a worker thread."""
        if self._class_name is None or self._import is not None or not paths:
            return
        rate = getattr(self._camera, "images_per_second", DEFAULT_IMAGES_PER_SECOND)
        worker = CommandWorker(tasks.import_task, self.workspace, self._class_name, list(paths), rate)
        worker.progress.connect(self._on_import_progress)
        worker.failed.connect(self.message)
        worker.succeeded.connect(self._on_import_done)
        worker.finished.connect(self._on_import_finished)
        self.pushButton_import.setText(self.tr("Cancel"))
        self.log.emit(self.tr("Importing {0} item(s) into {1!r}").format(len(paths), self._class_name))
        self._import = worker
        start_in_thread(worker, "import")

    def set_camera(self, camera: CameraThread | CameraWorker | None) -> None:
        """Use another camera worker (its signals are filtered by this form's class)."""
        if self._camera is not None:
            for signal, slot in self._camera_connections():
                try:
                    signal.disconnect(slot)
                except TypeError:
                    pass
        self._camera = camera
        if camera is not None:
            for signal, slot in self._camera_connections():
                signal.connect(slot)

    def reload(self) -> None:
        """Re-read the count and thumbnails in the background (e.g. after files changed)."""
        if self._class_name is None:
            return
        self._generation += 1
        generation = self._generation
        loader = CommandWorker(load_thumbnails, self.workspace, self._class_name, MAX_THUMBNAILS)
        loader.succeeded.connect(lambda result: self._on_thumbnails_loaded(generation, *result))
        loader.failed.connect(lambda text: self._on_thumbnails_failed(generation, text))
        self._loader = loader
        start_in_thread(loader, "thumbnails")

    # ----- slots ---------------------------------------------------------------------------

    def _camera_connections(self) -> list:
        return [(self._camera.image_saved, self._on_camera_image_saved),
                (self._camera.recording_changed, self._on_camera_recording_changed)]

    @pyqtSlot()
    def _on_create_clicked(self) -> None:
        if self._renaming:
            self._on_rename_clicked()
            return
        if self._class_name is not None:
            return
        try:
            name = validate_class_name(self.lineEdit_class_name.text())
            if self._taken_names is not None and name in set(self._taken_names()):
                raise WorkspaceError(self.tr("Another form already records class {0!r}: choose another name.").format(name))
            name = self.workspace.create_class(name)
        except WorkspaceError as error:
            self.message.emit(text_of(error))
            return
        self._class_name = name
        self.last_used = time.monotonic()
        self.lineEdit_class_name.setText(name)
        self.lineEdit_class_name.setReadOnly(True)
        for button in (self.pushButton_record, self.pushButton_import, self.pushButton_rename,
                       self.pushButton_remove):
            button.setEnabled(True)
        if self.pushButton_create.hasFocus():   # not to the next form: no jump of the area
            self.pushButton_record.setFocus()
        self.pushButton_create.setEnabled(False)
        self.class_created.emit(name)
        self.reload()

    @pyqtSlot(bool)
    def _on_record_toggled(self, checked: bool) -> None:
        self.last_used = time.monotonic()
        self.pushButton_record.setText(self.tr("Stop") if checked else self.tr("Start"))
        if self._class_name is None:
            return
        if checked:
            if self._camera is None:
                self.message.emit(self.tr("No camera: choose a camera in the project settings first."))
                self._set_record_button(False)
                return
            self._camera.start_recording(self.workspace, self._class_name)
            self.log.emit(self.tr("Start recording {0}").format(self._class_name))
        elif self._camera is not None and self._camera.recording_class() == self._class_name:
            self._camera.stop_recording()
        if not checked:
            self.log.emit(self.tr("Stop recording {0}").format(self._class_name))

    def _set_record_button(self, checked: bool) -> None:
        self.pushButton_record.blockSignals(True)
        self.pushButton_record.setChecked(checked)
        self.pushButton_record.setText(self.tr("Stop") if checked else self.tr("Start"))
        self.pushButton_record.blockSignals(False)

    @pyqtSlot(str, bool)
    def _on_camera_recording_changed(self, class_name: str, on: bool) -> None:
        if class_name != self._class_name or on == self.pushButton_record.isChecked():
            return
        self._set_record_button(on)            # stopped by a fault or by another form

    @pyqtSlot(str, str, int, QImage)
    def _on_camera_image_saved(self, class_name: str, path: str, count: int, thumbnail: QImage) -> None:
        if class_name != self._class_name:
            return
        self._add_thumbnail(path, thumbnail, at_front=True)
        self._set_count(count)

    @pyqtSlot(int, int, list)
    def _on_thumbnails_loaded(self, generation: int, count: int, thumbs: list) -> None:
        if sip.isdeleted(self) or generation != self._generation:   # closed, or reloaded since
            return
        self.listWidget_thumbnails.clear()
        for path, image in thumbs:
            self._add_thumbnail(path, image, at_front=False)
        self._set_count(count)

    @pyqtSlot(int, object)
    def _on_thumbnails_failed(self, generation: int, text: str) -> None:
        if not sip.isdeleted(self) and generation == self._generation:
            self.message.emit(text)

    @pyqtSlot()
    def _on_selection_changed(self) -> None:
        self.pushButton_delete.setEnabled(bool(self.listWidget_thumbnails.selectedItems()))

    @pyqtSlot()
    def _on_delete_clicked(self) -> None:
        items = self.listWidget_thumbnails.selectedItems()
        moved = 0
        for item in items:
            try:
                self.workspace.delete_image(item.data(PATH_ROLE))
            except WorkspaceError as error:
                self.message.emit(text_of(error))
                continue
            self.listWidget_thumbnails.takeItem(self.listWidget_thumbnails.row(item))
            moved += 1
        if moved:
            self._set_count(max(0, self._count - moved))
            self.log.emit(self.tr("Moved {0} image(s) of {1!r} to the trash ({2}).").format(
                moved, self._class_name, self.workspace.trash_dir / str(self._class_name)))

    @pyqtSlot()
    def _on_import_clicked(self) -> None:
        if self._import is not None:
            self._import.stop()                       # the button says Cancel meanwhile
            return
        patterns = " ".join(f"*{s}" for s in importing.PICTURE_SUFFIXES + importing.VIDEO_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Import into {0}").format(self._class_name), "",
            self.tr("Pictures and videos ({0});;All files (*)").format(patterns))
        self.import_paths(paths)

    @pyqtSlot(int, int)
    def _on_import_progress(self, done: int, total: int) -> None:
        self.label_count.setText(self.tr("importing {0}/{1}").format(done, total))

    def _on_import_done(self, result: importing.ImportResult) -> None:
        self.log.emit(result.summary(str(self._class_name)))
        if result.skipped:
            self.message.emit(self.tr("{0} file(s) not imported into {1!r}: {2}").format(
                len(result.skipped), self._class_name, "; ".join(result.skipped[:5])))

    @pyqtSlot()
    def _on_import_finished(self) -> None:
        self._import = None
        self.pushButton_import.setText(self.tr("Import…"))
        self.reload()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self._class_name is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        event.acceptProposedAction()
        self.import_paths([url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()])

    def _busy_reason(self) -> str | None:
        if self.is_recording():
            return self.tr("Stop recording {0!r} first.").format(self._class_name)
        if self._import is not None:
            return self.tr("Wait for the import into {0!r} to end (or cancel it).").format(self._class_name)
        return None

    @pyqtSlot()
    def _on_rename_clicked(self) -> None:
        if self._class_name is None:
            return
        if not self._renaming:
            if (reason := self._busy_reason()) is not None:
                self.message.emit(reason)
                return
            self._renaming = True
            self.lineEdit_class_name.setReadOnly(False), self.lineEdit_class_name.setFocus()
            self.pushButton_rename.setText(self.tr("Save name"))
            return
        old = self._class_name
        try:
            new = validate_class_name(self.lineEdit_class_name.text())
            if new != old:
                if self._taken_names is not None and new in set(self._taken_names()):
                    raise WorkspaceError(self.tr("Another form already records class {0!r}: choose another name.").format(new))
                new = classes.rename_class(self.workspace, old, new)
        except WorkspaceError as error:
            self.message.emit(text_of(error))
            return
        self._renaming = False
        self._class_name = new
        self.lineEdit_class_name.setText(new)
        self.lineEdit_class_name.setReadOnly(True), self.pushButton_rename.setText(self.tr("Rename"))
        if new != old:
            self.log.emit(self.tr("Renamed class {0!r} to {1!r}: split again before uploading.").format(old, new))
            self.class_renamed.emit(old, new)
            self.reload()

    @pyqtSlot()
    def _on_remove_clicked(self) -> None:
        name = self._class_name
        if name is None:
            return
        if (reason := self._busy_reason()) is not None:
            self.message.emit(reason)
            return
        if not self._ask(self.tr("Remove class {0!r}? Its {1} picture(s) go to the trash "
                                 "(.ai_nano/trash), from where they can be restored.").format(
                                     name, self._count)):
            return
        try:
            where = classes.remove_class(self.workspace, name)
        except WorkspaceError as error:
            self.message.emit(text_of(error))
            return
        self.log.emit(self.tr("Removed class {0!r}: its pictures are in {1}.").format(name, where))
        self.class_removed.emit(name)

    # ----- helpers -------------------------------------------------------------------------

    def _add_thumbnail(self, path: str, image: QImage, at_front: bool) -> None:
        item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), "")
        item.setData(PATH_ROLE, path)
        item.setToolTip(f"{Path(path).stem} ({path})")
        if at_front:
            self.listWidget_thumbnails.insertItem(0, item)
            while self.listWidget_thumbnails.count() > MAX_THUMBNAILS:
                self.listWidget_thumbnails.takeItem(self.listWidget_thumbnails.count() - 1)
        else:
            self.listWidget_thumbnails.addItem(item)

    def _set_count(self, count: int) -> None:
        self._count = count
        self.label_count.setText(self.tr("{0} image").format(count) if count == 1
                                 else self.tr("{0} images").format(count))
