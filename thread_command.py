"""Run one step of `pipeline.py` in a worker thread and report through Qt signals.

A thin adapter: the worker receives a plain function and its data (never a widget),
calls it with a `pipeline.Report` whose callbacks emit signals, and turns every
exception into one readable `failed` message. The window alone decides how to show it.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from PyQt5.QtCore import QObject, Qt, QThread, pyqtSignal, pyqtSlot

from core.machines import MachineError, UnknownHostKey
from core.pipeline import Report, StepError

log = logging.getLogger(__name__)


class CommandWorker(QObject):
    """Calls `function(*args, report=Report, **kwargs)` once, off the GUI thread.

    Signals:
        line(str): one line of output for the log.
        progress(int, int): bytes or items done, total.
        failed(str): the step failed; the text is for the user.
        unknown_host(object): a machine showed a host key never seen (UnknownHostKey).
        finished(object): the function's return value (also after a failure: None).
    """

    line = pyqtSignal(str)
    progress = pyqtSignal(int, int)
    failed = pyqtSignal(str)
    unknown_host = pyqtSignal(object)
    finished = pyqtSignal(object)

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self.stop_event = threading.Event()
        self.detached_event = threading.Event()
        self._last_progress = 0.0

    @pyqtSlot()
    def run(self) -> None:
        report = Report(line=self.line.emit, progress=self._emit_progress, stop=self.stop_event,
                        detached=self.detached_event)
        result = None
        try:
            result = self._function(*self._args, report=report, **self._kwargs)
        except UnknownHostKey as error:
            self.unknown_host.emit(error)
            self.failed.emit(str(error))
        except (StepError, MachineError) as error:
            log.info("step failed: %s", error)
            self.failed.emit(str(error))
        except Exception as error:  # the worker's boundary: never let it kill the app
            log.exception("unexpected error in %s", getattr(self._function, "__name__", "step"))
            self.failed.emit(f"Unexpected error: {error}")
        finally:
            self.finished.emit(result)

    def _emit_progress(self, done: int, total: int) -> None:
        """At most 20 progress signals a second (an SFTP copy reports every 32 KB)."""
        now = time.monotonic()
        if done >= total or now - self._last_progress >= 0.05:
            self._last_progress = now
            self.progress.emit(done, total)

    def stop(self) -> None:
        """Ask the step to end (the remote process is terminated by the step)."""
        self.stop_event.set()

    def detach(self) -> None:
        """Stop following, but leave a detached job (a training) running on its server."""
        self.detached_event.set()
        self.stop_event.set()


def start_worker(parent: QObject, worker: CommandWorker) -> QThread:
    """Move `worker` to a new thread and start it; the thread is deleted when it ends."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # Direct: the thread ends as soon as the work does, not when the GUI thread gets to
    # it, so a window closing in between never leaves a thread running.
    worker.finished.connect(thread.quit, Qt.DirectConnection)
    # No worker.deleteLater: that deletes the worker in its own thread, whose destructor
    # then calls into Python (PyQt's QThread wrapper) while holding Qt's connection lock;
    # with the GUI thread holding the GIL and wanting that lock, both waited forever.
    # The worker stays alive with the thread's wrapper and is freed in the GUI thread.
    thread.worker = worker  # type: ignore[attr-defined]
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
