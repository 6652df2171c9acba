"""The window's side of the worker contract: starting tasks, drawing their progress, and
the steps' enabled state, recomputed from the project's state after every change.

A mixin of the main window (ai_nano.GUI_ai_nano), kept in its own module so the window's
file stays readable. It uses the window's `runner` (thread_command.TaskRunner), `state`
(core.steps.ProjectState), step buttons, progress bar and message route.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable

from PyQt5 import sip
from PyQt5.QtCore import QCoreApplication
from PyQt5.QtWidgets import QMessageBox

from core import tasks
from core.machines import UnknownHostKey
from core.messages import text_of
from core.steps import STEP_TASKS, enabled_steps
from thread_command import AtClose, CommandWorker
from widgets.common import translated

log = logging.getLogger(__name__)
#: The window's texts, in the context of the window class (the one PyQt's self.tr() uses at
#: run time for these mixins), so that pylupdate5 files them there too.
_translate = QCoreApplication.translate


class WindowTasks:
    """Mixin: `run_task` and the steps' state for the main window."""

    # --- workers and the steps' state -------------------------------------------------
    def run_task(self, key: str, function: Callable[..., Any], *args: Any, busy: str = "",
                 on_done: Callable[[Any], None] | None = None, quiet: bool = False,
                 at_close: AtClose = AtClose.ABANDON,
                 on_end: Callable[[str | None], None] | None = None,
                 **kwargs: Any) -> CommandWorker | None:
        """Run `function(*args, report=..., **kwargs)` in a worker; one task per key.

        A step's button shows `busy` while its task runs and its state comes back from
        `enabled_steps` when the task ends, whatever the outcome. `on_end` is called after
        `on_done`, whatever the outcome: with None on success, else the failure's text
        (connected before the task starts: a quick task cannot end unseen).
        """
        worker = self.runner.start(key, function, *args, at_close=at_close, **kwargs)
        if worker is None:
            self.show_error(_translate("GUI_ai_nano", "{0} is already running").format(busy or key))
            return None
        self._busy_labels[key] = busy
        if not quiet:
            worker.line.connect(self.update_log)
            worker.progress.connect(self._on_progress)
            worker.failed.connect(self._on_step_failed)
            worker.succeeded.connect(self._on_step_succeeded)
            self.set_status(busy or _translate("GUI_ai_nano", "Working…"))
            self.pb_step.setRange(0, 0)
        worker.failed.connect(self.show_error)
        if not quiet:   # after show_error: the reason, then "✗ failed"
            self._frame_step(worker, key, busy)
        worker.unknown_host.connect(self._on_unknown_host)
        if on_done is not None:
            worker.succeeded.connect(lambda result: None if sip.isdeleted(self) else on_done(result))
        if on_end is not None:
            worker.succeeded.connect(lambda _result: None if sip.isdeleted(self) else on_end(None))
            worker.failed.connect(lambda message: None if sip.isdeleted(self) else on_end(message))
        self.runner.run(key)
        return worker

    def _frame_step(self, worker: CommandWorker, key: str, busy: str) -> None:
        """The step's start and end stand out in the Log."""
        title = _translate("GUI_ai_nano", "Opening the working space") if key == "open" else next(
            (self._step_labels[step] for step, task in STEP_TASKS.items() if task == key),
            busy or key)
        self.log_view.step_started(title)
        worker.succeeded.connect(lambda _: None if sip.isdeleted(self) else self.log_view.step_ended(title, True))
        worker.failed.connect(lambda _: None if sip.isdeleted(self) else self.log_view.step_ended(title, False))

    def _on_step_succeeded(self, _result: Any) -> None:
        self.pb_step.setRange(0, 100)
        self.pb_step.setValue(0)      # idle: empty, as before anything was done
        self.set_status(_translate("GUI_ai_nano", "Ready"))

    def _on_step_failed(self, _message: str) -> None:
        self.pb_step.setRange(0, 100)
        self.pb_step.setValue(0)

    def _on_progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.pb_step.setRange(0, 0)
            return
        self.pb_step.setRange(0, 1000)
        value = int(1000 * done / total)
        if value != self.pb_step.value():  # setValue repaints at once: only on a change
            self.pb_step.setValue(value)

    def _set_state(self, **changes: Any) -> None:
        self.state = dataclasses.replace(self.state, **changes)
        self._refresh_steps()

    def _refresh_steps(self) -> None:
        """The one place that enables the steps: from the project's state and the tasks."""
        if sip.isdeleted(self):
            return
        running = self.runner.running()
        self.state = dataclasses.replace(self.state, running=running,
                                         stoppable=bool(self.runner.stoppable()))
        enabled = enabled_steps(self.state)
        for step, button in self._step_buttons.items():
            key = STEP_TASKS.get(step, "")
            text = (self._busy_labels.get(key) or self._step_labels[step]
                    if key in running else self._step_labels[step])
            if button.isEnabled() != enabled[step]:   # only changes: each one relays out
                button.setEnabled(enabled[step])
            if button.text() != text:
                button.setText(text)
        if self.gb_recording.isEnabled() != enabled["record"]:
            self.gb_recording.setEnabled(enabled["record"])
        self.lbl_hint.setVisible(not self.state.workspace_open)   # the first-start hint

    def stop_running(self) -> None:
        for key in self.runner.stoppable():
            self.update_log(_translate("GUI_ai_nano", "Stopping {0}…").format(key))
            self.runner.stop(key)

    def _on_unknown_host(self, error: UnknownHostKey) -> None:
        if self.ask_trust_host_key(error):
            self.run_task(f"trust-{error.host}:{error.port}", tasks.remember_host_key_task,
                          self.known_hosts, error, quiet=True,
                          on_done=lambda _: (self.update_log(
                              _translate("GUI_ai_nano", "Host key of {0} remembered; press the "
                                         "step again.").format(error.host)),
                              self.check_machines()))

    def ask_trust_host_key(self, error: UnknownHostKey) -> bool:
        """Ask once, showing the fingerprint, whether to trust a new machine."""
        answer = QMessageBox.question(
            self, _translate("GUI_ai_nano", "Unknown machine"),
            _translate("GUI_ai_nano", "{0}\n\nThe key's fingerprint is\n{1} {2}\n\nCompare it with "
                       "the one your instructor gave. Trust this machine?").format(
                translated(text_of(error)), error.key_type, error.fingerprint),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes
