"""Step 8 as the student sees it (issue 15): the Nano's camera in the preview, the Live
tab back to "nothing running" when the inference ends, and one webcam shared with a Nano
on this computer.

A mixin of the main window (ai_nano.GUI_ai_nano). It uses the window's camera
(thread_camera.CameraThread), `runner`, `live_panel`, `lbl_image` and message route.
When the Nano is this computer and opens the camera the preview holds, the preview lends
it (a webcam serves one opener) and takes it back when the inference ends, whatever the
end: Stop, the end of a video, an error, a lost link.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from PyQt5.QtCore import QCoreApplication, QRect, Qt
from PyQt5.QtGui import QColor, QFont, QImage, QPainter, QPixmap

from core import handover, nano_camera, tasks
from thread_camera import NanoFrames
from thread_command import AtClose, CommandWorker
from widgets.common import percent

log = logging.getLogger(__name__)
#: The window's texts, in the context of the window class (see window_steps.py).
_translate = QCoreApplication.translate


class WindowNanoView:
    """Mixin: the Nano's view during step 8 and the webcam hand-over."""

    _camera_lent = False        # the preview lent its webcam to a Nano on this computer
    _nano_view = False          # the preview shows the Nano's camera, not the webcam
    _requests: queue.Queue | None = None   # lines for the running inference's stdin
    _inference_nano = ""        # the Nano of the running inference

    def _init_nano_view(self) -> None:
        """Connect the Nano's frames and the Live tab's "Wrong? It was …" buttons."""
        self._snapshot_classes: list[str] = []   # one per snapshot asked, in order
        self.nano_frames = NanoFrames(self)
        self.nano_frames.preview.connect(self._on_nano_preview)
        self.nano_frames.snapshot.connect(self._on_nano_snapshot)
        self.nano_frames.bad_frame.connect(self._on_bad_snapshot)
        self.live_panel.correction_requested.connect(self.ask_nano_picture)
        self.cb_nano_name.currentIndexChanged.connect(self._show_nano_camera_choice)
        self._show_nano_camera_choice()

    def _show_nano_camera_choice(self, *_: Any) -> None:
        """Step 2's camera list offers the selected Nano's camera ("nano:<name>")."""
        nano = self.selected_nano()
        box = self.cb_camera
        index = next((i for i in range(box.count())
                      if nano_camera.nano_of(str(box.itemData(i) or "")) is not None), -1)
        if nano is None:
            if index >= 0:
                box.removeItem(index)
            return
        label = _translate("GUI_ai_nano", "The Nano's camera ({0})").format(nano.name)
        text, chosen = box.currentText(), index >= 0 and box.currentIndex() == index
        if index < 0:
            box.addItem(label, nano_camera.nano_source(nano.name))
            box.setCurrentIndex(-1)        # offered, not chosen
            box.setEditText(text)
        else:
            box.setItemText(index, label)
            box.setItemData(index, nano_camera.nano_source(nano.name))
        if chosen:
            box.setCurrentIndex(index)
            self._on_camera_chosen()

    def _run_inference(self, nano: Any, take_over: bool) -> CommandWorker | None:
        """Start step 8 on `nano`; the preview lends its camera first when it must."""
        if self.runner.is_running("inference"):
            self.show_error(_translate("GUI_ai_nano", "{0} is already running").format(
                _translate("GUI_ai_nano", "8 - running on the Nano…")))
            return None
        self.live_panel.show_starting()
        released = self._lend_camera(nano)
        self._show_nano_view_waiting()
        self._requests, self._inference_nano = queue.Queue(), nano.name
        self._snapshot_classes.clear()
        worker = self.run_task(
            "inference", handover.when_released, released, tasks.inference_task, self.connect,
            nano, self.model_name, take_over=take_over, requests=self._requests,
            on_frame=self.nano_frames.accept, on_done=self._on_inference_end,
            busy=_translate("GUI_ai_nano", "8 - running on the Nano…"), at_close=AtClose.STOP,
            on_end=self._inference_over)
        return worker

    def _lend_camera(self, nano: Any) -> threading.Event | None:
        """Close the preview's webcam when the Nano (this computer) is about to open it."""
        if not handover.needs_camera(nano, self._camera_source):
            return None
        self._camera_lent = True
        self.update_log(_translate("GUI_ai_nano", "The webcam {0} is lent to {1} while it runs; "
                                   "the preview shows the Nano's camera").format(
            self._camera_source, nano.name))
        return self.camera.lend_camera()

    def _show_nano_view_waiting(self) -> None:
        self._nano_view = True
        size = self.lbl_image.size()
        self.nano_frames.preview_size = (size.width(), size.height())
        self.lbl_image.clear()
        self.lbl_image.setText(_translate("GUI_ai_nano", "Nano camera: waiting for its pictures…"))

    def _inference_over(self, failure: str | None) -> None:
        """The inference's command ended, however (`failure`: its text, None on success):
        nothing runs any more; the webcam comes back to the preview (unless a new
        inference already started: a take-over)."""
        if self.runner.is_running("inference"):
            return
        self._requests = None
        self._snapshot_classes.clear()
        self.live_panel.show_ended("error" if failure is not None else "", failure or "")
        self._nano_view = False
        self.lbl_image.clear()
        self.lbl_image.setText(_translate("GUI_ai_nano", "No camera") if not self._camera_source
                               else _translate("GUI_ai_nano", "Opening the camera…"))
        if self._camera_lent:
            self._camera_lent = False
            self.camera.take_camera_back()
            self.update_log(_translate("GUI_ai_nano", "The webcam {0} is back in the preview").format(
                self._camera_source))

    # --- the Nano's view ---------------------------------------------------------------
    def _on_nano_preview(self, image: QImage, frame: Any) -> None:
        """A preview frame of the Nano (decoded and fitted in the worker): drawn with its
        class and confidence, labelled "Nano camera"."""
        if not self._nano_view:
            return
        size = self.lbl_image.size()
        self.nano_frames.preview_size = (size.width(), size.height())
        if image.width() > size.width() or image.height() > size.height():
            image = image.scaled(size, Qt.KeepAspectRatio, Qt.FastTransformation)
        label = self.live_panel.label_of(frame.class_id)
        answer = "" if not label or frame.confidence is None else (
            f"{label}  {percent(frame.confidence)}")
        self.lbl_image.setPixmap(QPixmap.fromImage(
            annotated(image, _translate("GUI_ai_nano", "Nano camera"), answer)))

    # --- "Wrong? It was …": the Nano's picture into images/<class>/ ---------------------------
    def ask_nano_picture(self, class_name: str) -> None:
        """Ask the running inference for its current full-size frame, for `class_name`."""
        if self._requests is None or not self.runner.is_running("inference"):
            self.show_error(_translate("GUI_ai_nano", "No inference running: start step 8 first"))
            return
        if self.workspace is None:
            self.show_error(_translate("GUI_ai_nano", "Choose a working space first"))
            return
        self._snapshot_classes.append(class_name)
        self._requests.put("snapshot")
        self.update_log(_translate("GUI_ai_nano", "Asking {0} for its picture of '{1}'…").format(
            self._inference_nano, class_name))

    def _on_nano_snapshot(self, frame: Any) -> None:
        if not self._snapshot_classes or self.workspace is None:
            log.info("a snapshot nobody asked for: ignored")
            return
        class_name = self._snapshot_classes.pop(0)
        self.run_task(f"snapshot-{frame.seq}", nano_camera.save_picture_task, self.workspace,
                      class_name, frame.jpeg, quiet=True,
                      on_done=lambda path: self._on_nano_picture_saved(class_name, path))

    def _on_nano_picture_saved(self, class_name: str, path: Any) -> None:
        self._set_state(split_done=False)     # images/ changed: split again before training
        self.update_log(_translate("GUI_ai_nano", "The Nano's picture was saved as {0} (class "
                                   "'{1}'); split again before the next training").format(
            f"{path.parent.name}/{path.name}", class_name))
        for form in self.forms:
            if form.class_name() == class_name:
                form.reload()

    def _on_bad_snapshot(self) -> None:
        if self._snapshot_classes:
            self._snapshot_classes.pop(0)
        self.show_error(_translate("GUI_ai_nano", "The Nano's picture does not decode: not saved"))


def annotated(image: QImage, title: str, answer: str) -> QImage:
    """A copy of `image` with `title` in its top-left corner and `answer` along its bottom
    (small images: a few tenths of a millisecond on the GUI thread)."""
    image = image.convertToFormat(QImage.Format_RGB32)
    painter = QPainter(image)
    font = QFont()
    font.setPointSize(9)
    font.setBold(True)
    painter.setFont(font)
    metrics = painter.fontMetrics()
    for text, top in ((title, True), (answer, False)):
        if not text:
            continue
        width, height = metrics.horizontalAdvance(text) + 10, metrics.height() + 4
        box = QRect(0, 0 if top else image.height() - height, width, height)
        painter.fillRect(box, QColor(0, 0, 0, 160))
        painter.setPen(QColor("#ffffff") if top else QColor("#ffd000"))
        painter.drawText(box, Qt.AlignCenter, text)
    painter.end()
    return image
