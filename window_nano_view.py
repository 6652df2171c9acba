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
import threading
from typing import Any

from PyQt5.QtCore import QCoreApplication

from core import handover, tasks
from thread_command import AtClose, CommandWorker

log = logging.getLogger(__name__)
#: The window's texts, in the context of the window class (see window_steps.py).
_translate = QCoreApplication.translate


class WindowNanoView:
    """Mixin: the Nano's view during step 8 and the webcam hand-over."""

    _camera_lent = False        # the preview lent its webcam to a Nano on this computer
    _nano_view = False          # the preview shows the Nano's camera, not the webcam

    def _run_inference(self, nano: Any, take_over: bool) -> CommandWorker | None:
        """Start step 8 on `nano`; the preview lends its camera first when it must."""
        if self.runner.is_running("inference"):
            self.show_error(_translate("GUI_ai_nano", "{0} is already running").format(
                _translate("GUI_ai_nano", "8 - running on the Nano…")))
            return None
        self.live_panel.show_starting()
        released = self._lend_camera(nano)
        self._show_nano_view_waiting()
        worker = self.run_task(
            "inference", handover.when_released, released, tasks.inference_task, self.connect,
            nano, self.model_name, take_over=take_over, on_done=self._on_inference_end,
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
        self.lbl_image.clear()
        self.lbl_image.setText(_translate("GUI_ai_nano", "Nano camera: waiting for its pictures…"))

    def _inference_over(self, failure: str | None) -> None:
        """The inference's command ended, however (`failure`: its text, None on success):
        nothing runs any more; the webcam comes back to the preview (unless a new
        inference already started: a take-over)."""
        if self.runner.is_running("inference"):
            return
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
