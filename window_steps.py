"""Steps 3 to 8 as the window runs them, and the choice of Nano and model they use.

A mixin of the main window (ai_nano.GUI_ai_nano): each step checks what it needs, then
runs a plain function of core/ in a worker through `run_task` (window_tasks.py); what the
step changes in the project goes through `_set_state`, so the buttons follow.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable

from PyQt5.QtCore import QCoreApplication
from PyQt5.QtWidgets import QMessageBox

from core import jobs, tasks
from thread_command import AtClose
from widgets.common import translated

log = logging.getLogger(__name__)
#: The window's texts, in the context of the window class (the one PyQt's self.tr() uses at
#: run time for these mixins), so that pylupdate5 files them there too.
_translate = QCoreApplication.translate


class WindowSteps:
    """Mixin: steps 3-8, the Nano and the model they work on."""

    # --- machines -----------------------------------------------------------------
    def check_machines(self) -> None:
        if self.runner.is_running("check"):
            return
        # Said before the worker starts: with no machine to check it may be finished and
        # deleted before run_task returns. set_rows ends the "Checking…" state.
        self.machines_panel.set_checking(True)
        self.run_task("check", tasks.check_machines_task, self.config,
                      known_hosts=self.known_hosts, quiet=True,
                      on_done=self.machines_panel.set_rows)

    def selected_nano(self):
        index = self.cb_nano_name.currentIndex()
        return self.config.nanos[index] if 0 <= index < len(self.config.nanos) else None

    def _on_nano_chosen(self, _index: int) -> None:
        self._set_state(nano=self.selected_nano() is not None, nano_models=False)
        self.refresh_nano_models()

    def refresh_nano_models(self) -> None:
        """List the models already on the selected Nano, in the background."""
        nano = self.selected_nano()
        if nano is None:
            return
        self.run_task(f"models-{nano.name}", tasks.list_models_task, self.connect, nano,
                      quiet=True, on_done=self._show_nano_models)

    def _show_nano_models(self, models: list[str]) -> None:
        keep = self.cb_select_model.currentText()
        self.cb_select_model.blockSignals(True)
        self.cb_select_model.clear()
        names = list(dict.fromkeys(([self.model_name] if self.model_name else []) + models))
        self.cb_select_model.addItems(names)
        self.cb_select_model.blockSignals(False)
        if keep in names:
            self.cb_select_model.setCurrentText(keep)
        self._on_model_selected(self.cb_select_model.currentText())
        self._set_state(nano_models=bool(models))

    def _on_model_selected(self, name: str) -> None:
        if name:
            self.model_name = name

    @property
    def model_name(self) -> str:
        """The model the steps 5 to 8 work on (the project's, or one chosen on the Nano)."""
        return self.state.model_name

    @model_name.setter
    def model_name(self, name: str) -> None:
        self._set_state(model_name=name)

    # --- steps 3 to 8 --------------------------------------------------------------------
    def split_images(self) -> None:
        """Check the dataset first: a student is warned before, not after, the split."""
        if self.workspace is None:
            return
        self.run_task("split", tasks.split_warnings_task, self.workspace,
                      busy=_translate("GUI_ai_nano", "3 - checking the pictures…"),
                      on_done=self._split_after_warnings)

    def _split_after_warnings(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.update_log(_translate("GUI_ai_nano", "Warning: {0}").format(translated(warning)))
        if warnings and not self.confirm_split(warnings):
            self.set_status(_translate("GUI_ai_nano",
                                       "Split cancelled: record more images, then split again"))
            return
        self.run_task("split", tasks.split_task, self.workspace,
                      busy=_translate("GUI_ai_nano", "3 - splitting…"),
                      on_done=lambda _: self._set_state(split_done=True))

    def confirm_split(self, warnings: list[str]) -> bool:
        """Ask whether to split a dataset with problems anyway."""
        answer = QMessageBox.question(
            self, _translate("GUI_ai_nano", "Split anyway?"),
            "\n".join(map(translated, warnings)) + "\n\n"
            + _translate("GUI_ai_nano", "Split the images anyway?"),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def upload_to_dl(self) -> None:
        if self.workspace is None or self._need_dl() is None:
            return
        self.run_task("upload", tasks.upload_dataset_task, self.connect, self.config.dl_server,
                      self.workspace, busy=_translate("GUI_ai_nano", "4 - uploading…"),
                      at_close=AtClose.STOP,
                      on_done=self._on_uploaded)

    def _on_uploaded(self, model_name: str) -> None:
        self.model_name = model_name
        self._show_nano_models([self.cb_select_model.itemText(i)
                                for i in range(self.cb_select_model.count())])
        self.cb_select_model.setCurrentText(model_name)
        self._set_state(trained=False, converted=False)
        self.results.record(model_name, with_counts=True, dl_server=self.config.dl_server.name)

    def train_model(self) -> None:
        if self._need_dl() is None or not self._need_model():
            return
        self._run_training(jobs.train_model, self.connect, self.config.dl_server,
                           self.model_name, self.config.training)
        self.results.record(self.model_name, settings=dataclasses.asdict(self.config.training))

    def _run_training(self, function: Callable[..., Any], *args: Any,
                      switch_tab: bool = True) -> None:
        """A new training, or a re-attachment to one: the curves follow its log."""
        self.training_panel.reset()
        if switch_tab:
            self.tabs.setCurrentWidget(self.tab_training)
        worker = self.run_task("train", function, *args, busy=_translate("GUI_ai_nano", "5 - training…"),
                               at_close=AtClose.DETACH, on_done=self._on_trained)
        if worker is not None:
            worker.line.connect(self.training_panel.feed_line)

    def _on_trained(self, _: Any) -> None:
        self._set_state(trained=True)

    def convert_to_onnx(self) -> None:
        if self._need_dl() is None or not self._need_model():
            return
        worker = self.run_task("convert", jobs.convert_to_onnx, self.connect,
                               self.config.dl_server, self.model_name,
                               busy=_translate("GUI_ai_nano", "6 - converting…"), at_close=AtClose.DETACH,
                               on_done=lambda _: self._after_conversion())
        if worker is not None:
            worker.line.connect(self.results_panel.feed_line)

    def _after_conversion(self) -> None:
        self._set_state(converted=True)
        self.tabs.setCurrentWidget(self.tab_results)

    def upload_to_nano(self) -> None:
        nano = self.selected_nano()
        if nano is None or self._need_dl() is None or not self._need_model():
            self.show_error(_translate("GUI_ai_nano", "Choose a Nano first")) if nano is None else None
            return
        self.run_task("upload-nano", tasks.upload_model_task, self.connect,
                      self.config.dl_server, nano, self.model_name, self.config.training.arch,
                      busy=_translate("GUI_ai_nano", "7 - uploading to the Nano…"), at_close=AtClose.STOP,
                      on_done=lambda _: (self._set_state(nano_models=True),
                                         self.refresh_nano_models(),
                                         self.results.record(self.model_name, nano=nano.name)))

    def inference(self) -> None:
        nano = self.selected_nano()
        if nano is None:
            self.show_error(_translate("GUI_ai_nano", "Choose a Nano first"))
            return
        if not self._need_model():
            return
        self.live_panel.set_pins(nano.pins)
        self.tabs.setCurrentWidget(self.tab_live)
        self._led_nanos[nano.name] = nano       # its LEDs are switched off at close
        # window_nano_view.py: the Nano's view, the webcam lent to a Nano on this computer
        self._run_inference(nano, take_over=getattr(self, "_take_over", False))
        self._take_over = False

    def _on_inference_end(self, result: Any) -> None:
        """Another laptop holds the Nano (issue 13): offer to take it over."""
        if isinstance(result, tasks.nano_steps.NanoInUse) and self.ask(result.question()):
            self._take_over = True
            self.inference()

    def _need_dl(self):
        if self.config.dl_server is None:
            self.show_error(_translate("GUI_ai_nano", "No DL server in config.json"))
        return self.config.dl_server

    def _need_model(self) -> bool:
        if not self.model_name:
            self.show_error(_translate("GUI_ai_nano", "No model yet: upload the data to the DL "
                                       "server first (step 4)"))
        return bool(self.model_name)
