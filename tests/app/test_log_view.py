"""Issue 16, point 3: a Log a person reads (widgets/log_view.py, thread_command's messages)."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from core.workspace import WorkspaceError
from thread_command import TaskRunner
from widgets.log_view import COLOURS, Kind, kind_of, shown

import ai_nano
from tests.app.windows import idle_window


def failure_of(qtbot, function) -> str:
    runner = TaskRunner()
    worker = runner.start("x", function)
    with qtbot.waitSignal(worker.failed, timeout=5000) as failed:
        runner.run("x")
    return failed.args[0]


def test_known_failures_are_not_called_unexpected(qtbot):
    def read_only(report):
        raise WorkspaceError("/ws is read-only: choose another working space")

    def disk_full(report):
        raise OSError(errno.ENOSPC, "No space left on device", "/ws/.ai_nano/data.tar")

    assert failure_of(qtbot, read_only) == "/ws is read-only: choose another working space"
    assert failure_of(qtbot, disk_full) == "No space left on device: /ws/.ai_nano/data.tar"
    assert failure_of(qtbot, lambda report: {}["bug"]).startswith("Unexpected error:")


def test_lines_are_sorted_by_kind_and_panel_lines_left_out():
    assert kind_of("error: the dataset has no val/ folder") is Kind.ERROR
    assert kind_of("warning: torchvision has no ImageNet weights") is Kind.WARNING
    assert kind_of("Warning: class 'red' has 3 images") is Kind.WARNING
    assert kind_of("epoch 1/10  train loss 0.43") is Kind.TEXT
    assert not shown("scores: 0.100000 0.850000 0.050000")
    assert not shown('@ai_nano {"event": "start"}')
    assert shown("image is recognized as 'red' (class #1) with 99.2% confidence")


def window_with(qtbot, tmp_path: Path) -> ai_nano.GUI_ai_nano:
    return idle_window(qtbot, tmp_path)


def test_the_window_log_frames_steps_colours_problems_and_skips_scores(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    window.update_log("image is recognized as 'red' (class #1) with 99.2% confidence")
    window.live_panel.set_labels(["blue", "red"])
    window.update_log("scores: 0.100000 0.900000")
    assert window.live_panel.bar_values()[1] > 0.89            # the Live tab still gets it
    window.update_log("warning: training from scratch")

    def fails(report):
        report.line("error: not split")
        raise WorkspaceError("Split the images first (step 3)")

    window.run_task("split", fails)
    qtbot.wait_until(lambda: not window.runner.running(), timeout=5000)
    qtbot.wait(50)   # the queued succeeded/failed slots
    window.run_task("upload", lambda report: report.line("sent"))
    qtbot.wait_until(lambda: not window.runner.running(), timeout=5000)
    qtbot.wait(50)   # the queued succeeded/failed slots
    text = window.txt_log.toPlainText()
    assert "scores:" not in text
    assert "Unexpected" not in text
    split = window._step_labels["split"]
    upload = window._step_labels["upload"]
    assert text.index(f"━━ {split} ━━") < text.index("error: not split") < text.index(
        "ERROR: Split the images first") < text.index(f"✗ failed: {split}") < text.index(
        f"━━ {upload} ━━") < text.index("sent") < text.index(f"✓ done: {upload}")
    html = window.txt_log.document().toHtml()
    for line, colour in (("warning: training from scratch", COLOURS["warning"]),
                         ("ERROR: Split the images first", COLOURS["error"])):
        at = html.index(line)
        assert colour in html[html.rindex("<span", 0, at):at], line


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_the_log_shows_its_newest_line_when_shown(qtbot, tmp_path):
    window = window_with(qtbot, tmp_path)
    window.show()
    window.tabs.setCurrentWidget(window.tab_training)
    for i in range(400):
        window.update_log(f"line {i}")
    bar = window.txt_log.verticalScrollBar()
    bar.setValue(0)
    window.tabs.setCurrentWidget(window.tab_log)
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
