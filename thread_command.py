"""Run the app's plain functions off the GUI thread and report through Qt signals.

One contract for every task the window starts (a step, a machine check, a list of
models): `CommandWorker` calls one plain function with a `pipeline.Report` whose callbacks
emit signals, and ends with exactly one of `succeeded(result)` or `failed(message)`, then
`finished()`. `TaskRunner` owns the running workers: one per key, their stop and detach,
and the short wait when the window closes.

Workers run in daemon Python threads (the one concurrency idiom of the app's Qt layer; the
camera uses it too). A daemon thread can never hold the process open nor abort it at exit
the way a QThread destroyed while running does ("QThread: Destroyed while thread is still
running"), so closing the window is always safe: a task that does not end within the
close's short wait goes on quietly until the process ends.
"""
from __future__ import annotations

import enum
import logging
import threading
import time
from typing import Any, Callable

from PyQt5 import sip
from PyQt5.QtCore import QObject, pyqtSignal, pyqtSlot

from core.machines import MachineError, UnknownHostKey
from core.messages import text_of
from core.pipeline import Report, StepError
from core.workspace import WorkspaceError

log = logging.getLogger(__name__)

#: How long closing the window waits, in all, for the stopped tasks to end.
CLOSE_WAIT_S = 1.0


class AtClose(enum.Enum):
    """What a running task does when the window closes (or Stop is pressed)."""

    STOP = "stop"          # ends promptly and cleans up (an upload removes its partial file)
    DETACH = "detach"      # a server job goes on (training, conversion); a reopened project re-attaches
    ABANDON = "abandon"    # short reads (lists, checks): nothing to clean up, not stoppable


class CommandWorker(QObject):
    """Calls `function(*args, report=Report, **kwargs)` once, off the GUI thread.

    Signals:
        line(object): one line of output for the log: a str, or a core.messages.Message
            (a str the window translates; `object` keeps it whole across threads).
        progress(int, int): bytes or items done, total.
        succeeded(object): the function's return value.
        failed(object): the task failed; the text (a str or a Message) is for the user.
        unknown_host(object): a machine showed a host key never seen (UnknownHostKey);
            followed by failed.
        finished(): after succeeded or failed, always last.
    """

    line = pyqtSignal(object)
    progress = pyqtSignal(int, int)
    succeeded = pyqtSignal(object)
    failed = pyqtSignal(object)
    unknown_host = pyqtSignal(object)
    finished = pyqtSignal()

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self.stop_event = threading.Event()
        self.detached_event = threading.Event()
        self.done = threading.Event()   # set once `finished` has been sent
        self._last_progress = 0.0
        self._muted = False             # mute(): nothing is sent any more
        self._send_lock = threading.RLock()

    @property
    def name(self) -> str:
        return getattr(self._function, "__name__", "task")

    def run(self) -> None:
        """The whole task; called in the worker's thread."""
        report = Report(line=lambda text: self._send(self.line, text),
                        progress=self._emit_progress, stop=self.stop_event,
                        detached=self.detached_event)
        try:
            result = self._function(*self._args, report=report, **self._kwargs)
        except UnknownHostKey as error:
            self._send(self.unknown_host, error)
            self._send(self.failed, text_of(error))
        except (StepError, MachineError, WorkspaceError) as error:
            log.info("%s failed: %s", self.name, error)
            self._send(self.failed, text_of(error))
        except OSError as error:   # disk full, a read-only folder: known, not a bug
            log.info("%s failed: %s", self.name, error)
            self._send(self.failed, os_error_text(error))
        except Exception as error:  # the worker's boundary: never let it kill the app
            log.exception("unexpected error in %s", self.name)
            self._send(self.failed, f"Unexpected error: {error}")
        else:
            self._send(self.succeeded, result)
        finally:
            self._send(self.finished)
            self.done.set()

    def _emit_progress(self, done: int, total: int) -> None:
        """At most 20 progress signals a second (an SFTP copy reports every 32 KB)."""
        now = time.monotonic()
        if done >= total or now - self._last_progress >= 0.05:
            self._last_progress = now
            self._send(self.progress, done, total)

    def _send(self, signal: Any, *args: Any) -> None:
        """Emit, unless the window muted this worker (see mute)."""
        with self._send_lock:
            if not self._muted:
                signal.emit(*args)

    def mute(self) -> None:
        """Send nothing more: the window is gone. Once this returns no signal is on its way,
        so a task left running can never touch Qt while the process shuts down."""
        with self._send_lock:
            self._muted = True

    def stop(self) -> None:
        """Ask the task to end (a remote process is terminated, partial files removed)."""
        self.stop_event.set()

    def detach(self) -> None:
        """Stop following, but leave a detached job (a training) running on its server."""
        self.detached_event.set()
        self.stop_event.set()


def os_error_text(error: OSError) -> str:
    """A disk or folder problem in one line: what, and where ("No space left on device: /x")."""
    what = error.strerror or str(error) or type(error).__name__
    where = error.filename if error.filename is not None else ""
    return f"{what}: {where}" if where else what


def start_in_thread(worker: CommandWorker, name: str = "") -> threading.Thread:
    """Run `worker` in a new daemon thread; its signals reach the GUI thread queued."""
    thread = threading.Thread(target=worker.run, name=name or worker.name, daemon=True)
    thread.start()
    return thread


class TaskRunner(QObject):
    """The window's running tasks: at most one per key, each with what it does at close.

    Signals:
        changed(): a task started or ended (the window recomputes its steps' state).
    """

    changed = pyqtSignal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: dict[str, tuple[CommandWorker, AtClose]] = {}

    def start(self, key: str, function: Callable[..., Any], *args: Any,
              at_close: AtClose = AtClose.ABANDON, **kwargs: Any) -> CommandWorker | None:
        """A worker for `function`, or None when a task with this key is still running.

        Connect the worker's signals, then call `run(worker)`: connecting first means no
        signal can be missed.
        """
        if key in self._tasks:
            return None
        worker = CommandWorker(function, *args, **kwargs)
        self._tasks[key] = (worker, at_close)
        # Connected first, so the task is gone before the window's own slots run: a
        # follow-up task under the same key (split after its check) can start there.
        worker.succeeded.connect(lambda _result: self._on_finished(key, worker))
        worker.failed.connect(lambda _message: self._on_finished(key, worker))
        return worker

    def run(self, key: str) -> None:
        worker, _ = self._tasks[key]
        start_in_thread(worker, key)
        self.changed.emit()

    @pyqtSlot()
    def _on_finished(self, key: str, worker: CommandWorker) -> None:
        if sip.isdeleted(self):   # a task that outlived its window
            return
        if self._tasks.get(key, (None,))[0] is worker:
            del self._tasks[key]
            self.changed.emit()

    def running(self) -> frozenset[str]:
        return frozenset(self._tasks)

    def is_running(self, key: str) -> bool:
        return key in self._tasks

    def stoppable(self) -> list[str]:
        """Keys of the running tasks that Stop ends (or detaches)."""
        return [key for key, (_, at_close) in self._tasks.items() if at_close != AtClose.ABANDON]

    def stop(self, key: str) -> None:
        """Stop pressed: every stoppable task ends; a detachable job is cancelled too."""
        if key in self._tasks:
            self._tasks[key][0].stop()

    def close(self, wait_s: float = CLOSE_WAIT_S) -> list[str]:
        """The window closes: detach server jobs, stop the rest, wait at most `wait_s` in all.

        Returns the keys of the tasks still running after the wait (they go on in their
        daemon threads until the process ends).
        """
        for worker, at_close in self._tasks.values():
            if at_close == AtClose.DETACH:
                worker.detach()
            elif at_close == AtClose.STOP:
                worker.stop()
        deadline = time.monotonic() + wait_s
        for worker, at_close in list(self._tasks.values()):
            if at_close != AtClose.ABANDON:
                worker.done.wait(max(0.0, deadline - time.monotonic()))
        left = [key for key, (worker, _) in self._tasks.items() if not worker.done.is_set()]
        for key in left:
            self._tasks[key][0].mute()
        if left:
            log.info("closing with tasks still ending: %s", ", ".join(left))
        return left
