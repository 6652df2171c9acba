"""The wrong test pictures and what went wrong, in the Test results tab.

Passive: the window gives it the wrong pictures (data), their thumbnails (QImages made
off the GUI thread) and the diagnosis sentences; the student's "Move to class …" comes
back as `move_requested(path, class)`; the window moves the file and calls
`picture_moved`. No disk, no network here.
"""
from __future__ import annotations

import logging
from typing import Any, Sequence

from PyQt5.QtCore import QSize, Qt, pyqtSignal
from PyQt5.QtGui import QIcon, QImage, QPixmap
from PyQt5.QtWidgets import (QHBoxLayout, QLabel, QListView, QListWidget, QListWidgetItem, QMenu,
                             QPushButton, QVBoxLayout, QWidget)

from widgets.common import percent, translated

log = logging.getLogger(__name__)

ICON_SIZE = 80
PREVIEW_SIZE = 256               # the thumbnails' decoded size (the window decodes them)
PREVIEW_BOX = (160, 120)         # the enlarged picture, beside the list
PATH_ROLE = Qt.UserRole
INDEX_ROLE = Qt.UserRole + 1


class MistakesPanel(QWidget):
    """Every misclassified test picture, worst first, and the findings above them.

    Signals:
        move_requested(str, str): path of a picture in images/ and the class to move it to.
    """

    move_requested = pyqtSignal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setTextFormat(Qt.RichText)
        self.title_label = QLabel()
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #8a5a00;")
        self.list = QListWidget()
        self.list.setViewMode(QListView.IconMode)
        self.list.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.list.setResizeMode(QListView.Adjust)
        self.list.setMovement(QListView.Static)
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(ICON_SIZE + 20)
        self.preview = QLabel(self.tr("Click a picture to see it larger."))
        self.preview.setAlignment(Qt.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setFixedSize(PREVIEW_BOX[0], PREVIEW_BOX[1])
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.move_button = QPushButton(self.tr("Move to class …"))
        self.move_button.setToolTip(self.tr("The picture is in the wrong class folder: move it "
                                            "(it gets a new number there; the next upload "
                                            "splits again)."))
        self.move_menu = QMenu(self)
        self.move_button.setMenu(self.move_menu)
        row = QHBoxLayout()
        row.addWidget(self.list, 3)
        row.addWidget(self.preview, 0, Qt.AlignTop)
        below = QHBoxLayout()
        below.addWidget(self.caption, 1)
        below.addWidget(self.move_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.findings_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.notes_label)
        layout.addLayout(row, 1)
        layout.addLayout(below)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self._classes: list[str] = []
        self._pictures: list[Any] = []
        self._images: dict[str, QImage] = {}
        self.clear()

    def clear(self) -> None:
        """No evaluation shown."""
        self.list.clear()
        self._pictures = []
        self._images = {}
        self.findings_label.setText("")
        self.title_label.setText("")
        self.notes_label.setText("")
        self._on_current_changed(None, None)

    def show_findings(self, texts: Sequence[str]) -> None:
        """What went wrong, in plain words (core/diagnosis.py's sentences)."""
        items = "".join(f"<li>{_html(translated(text))}</li>" for text in texts)
        title = self.tr("What went wrong")
        self.findings_label.setText(f"<b>{_html(title)}</b><ul>{items}</ul>" if items else "")

    def set_pictures(self, pictures: Sequence[Any], classes: Sequence[str],
                     notes: Sequence[str] = ()) -> None:
        """The wrong pictures (objects with file, true_class, predicted, confidence, path),
        worst first as given; their thumbnails follow through `set_thumbnail`."""
        self.list.clear()
        self._images = {}
        self._pictures = list(pictures)
        self._classes = list(classes)
        for index, picture in enumerate(self._pictures):
            item = QListWidgetItem(f"{picture.true_class} → {picture.predicted}\n"
                                   f"{percent(picture.confidence, 0)}")
            item.setData(PATH_ROLE, str(picture.path) if picture.path else "")
            item.setData(INDEX_ROLE, index)
            item.setToolTip(self.tr("test/{0}: a '{1}' picture answered as '{2}' with {3:.0f} % "
                                    "confidence").format(picture.file, picture.true_class,
                                                         picture.predicted,
                                                         picture.confidence * 100))
            item.setSizeHint(QSize(ICON_SIZE + 24, ICON_SIZE + 44))
            self.list.addItem(item)
        count = len(self._pictures)
        self.title_label.setText(
            self.tr("{0} wrong test picture(s), the most confident mistakes first:").format(count)
            if count else self.tr("No wrong test picture."))
        self.notes_label.setText("\n".join(map(translated, notes)))
        self._on_current_changed(None, None)

    def set_thumbnail(self, path: str, image: QImage) -> None:
        """The picture at `path`, loaded and scaled in a worker (PREVIEW_SIZE at most)."""
        if image.isNull():
            return
        self._images[path] = image
        icon = QIcon(QPixmap.fromImage(image.scaled(ICON_SIZE, ICON_SIZE, Qt.KeepAspectRatio,
                                                    Qt.SmoothTransformation)))
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(PATH_ROLE) == path:
                item.setIcon(icon)
        current = self.list.currentItem()
        if current is not None and current.data(PATH_ROLE) == path:
            self._on_current_changed(current, None)

    def count(self) -> int:
        """The number of wrong pictures shown."""
        return self.list.count()

    def select(self, row: int) -> None:
        """Show picture `row` enlarged (as a click does)."""
        self.list.setCurrentRow(row)

    def request_move(self, class_name: str) -> None:
        """Ask to move the enlarged picture to `class_name` (the menu's actions call this)."""
        item = self.list.currentItem()
        if item is not None and item.data(PATH_ROLE):
            self.move_requested.emit(item.data(PATH_ROLE), class_name)

    def picture_moved(self, path: str) -> None:
        """The window moved the picture: it is no longer a mislabelled one to look at."""
        for row in range(self.list.count()):
            if self.list.item(row).data(PATH_ROLE) == path:
                self.list.takeItem(row)
                break
        self.title_label.setText(self.tr("{0} wrong test picture(s) left to look at (moved "
                                         "pictures count at the next training).")
                                 .format(self.list.count()))

    def _on_current_changed(self, item: QListWidgetItem | None, _previous: Any) -> None:
        self.move_menu.clear()
        if item is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("Click a picture to see it larger."))
            self.caption.setText("")
            self.move_button.setEnabled(False)
            return
        picture = self._pictures[item.data(INDEX_ROLE)]
        path = item.data(PATH_ROLE)
        image = self._images.get(path)
        if image is not None:
            self.preview.setPixmap(QPixmap.fromImage(image.scaled(
                PREVIEW_BOX[0], PREVIEW_BOX[1], Qt.KeepAspectRatio, Qt.SmoothTransformation)))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("(picture not on this computer any more)")
                                 if not path else "…")
        self.caption.setText(self.tr("{0}: labelled '{1}', the model answered '{2}' ({3:.0f} %). "
                                     "Is the label wrong? Move it.")
                             .format(picture.file, picture.true_class, picture.predicted,
                                     picture.confidence * 100))
        for name in self._classes:
            if name != picture.true_class:
                action = self.move_menu.addAction(name)
                action.triggered.connect(lambda _=False, n=name: self.request_move(n))
        self.move_button.setEnabled(bool(path) and len(self._classes) > 1)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
