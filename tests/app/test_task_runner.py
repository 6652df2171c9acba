"""thread_command.py: one contract for every task, and a close that never waits long."""
from __future__ import annotations

import threading
import time

from core.pipeline import Report, StepError
from thread_command import AtClose, TaskRunner


def test_success_then_finished_and_the_key_is_free_for_a_follow_up(qtbot):
    runner = TaskRunner()
    seen: list = []
    worker = runner.start("split", lambda report: 42)
    worker.succeeded.connect(lambda result: seen.append(("ok", result, runner.is_running("split"))))
    worker.failed.connect(lambda message: seen.append(("failed", message)))
    with qtbot.waitSignal(worker.finished, timeout=5000):
        runner.run("split")
    # succeeded came first, and the key was already free when the window's slot ran
    assert seen == [("ok", 42, False)]
    assert runner.start("split", lambda report: None) is not None


def test_a_failure_is_one_readable_message_and_no_success(qtbot):
    runner = TaskRunner()
    def fails(report: Report) -> None:
        raise StepError("Split the images first (step 3)")
    worker = runner.start("upload", fails)
    outcomes: list = []
    worker.succeeded.connect(lambda result: outcomes.append("succeeded"))
    worker.failed.connect(outcomes.append)
    with qtbot.waitSignal(worker.finished, timeout=5000):
        runner.run("upload")
    assert outcomes == ["Split the images first (step 3)"]


def test_an_unexpected_error_is_named_as_such(qtbot):
    runner = TaskRunner()
    worker = runner.start("x", lambda report: 1 / 0)
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        runner.run("x")
    assert failed.args[0].startswith("Unexpected error: division by zero")


def test_one_task_per_key(qtbot):
    runner = TaskRunner()
    release = threading.Event()
    runner.start("train", lambda report: release.wait(5))
    runner.run("train")
    assert runner.start("train", lambda report: None) is None
    release.set()
    qtbot.waitUntil(lambda: not runner.is_running("train"), timeout=5000)


def test_close_stops_detaches_and_waits_at_most_about_a_second(qtbot):
    runner = TaskRunner()
    seen: dict[str, tuple[bool, bool]] = {}

    def stoppable(report: Report) -> None:
        report.stop.wait(10)
        seen["upload"] = (report.stop.is_set(), report.detached.is_set())

    def detachable(report: Report) -> None:
        report.stop.wait(10)
        seen["train"] = (report.stop.is_set(), report.detached.is_set())

    def stuck(report: Report) -> None:
        time.sleep(30)   # ignores stop, like a connect to a dead host

    for key, function, at_close in (("upload", stoppable, AtClose.STOP),
                                    ("train", detachable, AtClose.DETACH),
                                    ("check", stuck, AtClose.ABANDON),
                                    ("stuck", stuck, AtClose.STOP)):
        runner.start(key, function, at_close=at_close)
        runner.run(key)
    started = time.monotonic()
    left = runner.close(wait_s=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert seen == {"upload": (True, False), "train": (True, True)}
    assert sorted(left) == ["check", "stuck"]


def test_stop_reaches_only_the_stoppable_tasks(qtbot):
    runner = TaskRunner()
    runner.start("inference", lambda report: report.stop.wait(10), at_close=AtClose.STOP)
    runner.start("models", lambda report: time.sleep(0.5))
    runner.run("inference")
    runner.run("models")
    assert runner.stoppable() == ["inference"]
    runner.stop("inference")
    qtbot.waitUntil(lambda: not runner.is_running("inference"), timeout=5000)


def test_a_task_left_running_at_close_sends_nothing_afterwards(qtbot):
    """What outlives the close never touches Qt again: nothing can reach a window (or an
    application) that is being destroyed."""
    runner = TaskRunner()
    sent: list[str] = []
    worker = runner.start("check", lambda report: (time.sleep(1.5), report.line("late"))[1])
    worker.line.connect(sent.append)
    worker.finished.connect(lambda: sent.append("finished"))
    runner.run("check")
    assert runner.close(wait_s=0.2) == ["check"]
    assert worker.done.wait(5)          # the function did run to its end...
    qtbot.wait(200)
    assert sent == []                   # ...but said nothing after the close
