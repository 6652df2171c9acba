"""Issue 15, parts 2 and 5, in the window: however step 8 ends (its script's own end, a
failure such as a lost link), the Live tab shows that nothing runs, and a webcam lent to
the Nano on this computer comes back to the preview."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import tasks
from core.machines import ConnectionLost
from tests.app import windows

RESULT = "image is recognized as 'red' (class #1) with 92.500000% confidence"


def idle_window(qtbot, tmp_path: Path, nanos: list[dict]):
    """windows.idle_window, once the start-up checks (queued by a 0-ms timer) also ended:
    a check still running at teardown may call into the deleted window."""
    window = windows.idle_window(qtbot, tmp_path, nanos)
    qtbot.wait(50)
    qtbot.wait_until(lambda: not window.runner.running(), timeout=10_000)
    return window


def fake_inference(ending: str):
    def run(connect, nano, model_name, report, take_over=False, owner=None, **_):
        report.line("@ai_nano " + json.dumps({"event": "labels", "labels": ["blue", "red"]}))
        report.line(RESULT)
        report.line("LED pin 16 on")
        if ending == "end_of_video":
            report.line("@ai_nano " + json.dumps({"event": "inference_end",
                                                  "reason": "end_of_video"}))
            return 0
        if ending == "link_lost":
            raise ConnectionLost(f"The connection to {nano.name} was lost")
        return 0
    return run


@pytest.mark.parametrize("ending, said", [
    ("end_of_video", "Inference ended: end of the video."),
    ("link_lost", "Inference ended with an error. The connection to nano1 was lost"),
    ("command_ended", "Inference ended."),
])
def test_the_live_tab_says_when_nothing_runs(qtbot, tmp_path: Path, monkeypatch, ending, said):
    webcam = tmp_path / "webcam.avi"
    window = idle_window(qtbot, tmp_path, nanos=[
        {"name": "nano1", "ip": "local", "workdir": str(tmp_path / "nano"),
         "camera": str(webcam)}])
    window._camera_source = str(webcam)      # the preview's camera is the Nano's
    seen: list[str] = []
    monkeypatch.setattr(tasks, "inference_task", fake_inference(ending))
    monkeypatch.setattr(window.live_panel, "_show_recognition",
                        lambda result, original=window.live_panel._show_recognition: (
                            seen.append(window.lbl_image.text()), original(result)))
    window.model_name = "m-1"
    window.inference()
    assert window.camera.worker.session.is_lent()
    qtbot.waitUntil(lambda: not window.runner.is_running("inference"), timeout=10_000)
    qtbot.waitUntil(lambda: not window.live_panel.is_running(), timeout=5_000)
    panel = window.live_panel
    assert seen == ["Nano camera: waiting for its pictures…"]   # while it ran
    assert panel.class_label.text() == "–" and panel.confidence_label.text() == "not running"
    assert panel.lit_pins() == [] and panel.bar_values() == [0.0, 0.0]
    assert panel.message_label.text() == said
    assert not window.camera.worker.session.is_lent()
    log = window.txt_log.toPlainText()
    assert f"The webcam {webcam} is lent to nano1" in log
    assert f"The webcam {webcam} is back in the preview" in log


def test_a_remote_nano_leaves_the_webcam_to_the_preview(qtbot, tmp_path: Path, monkeypatch):
    window = idle_window(qtbot, tmp_path, nanos=[
        {"name": "nano1", "ip": "127.0.0.1", "login": "student", "camera": "/dev/video0"}])
    window._camera_source = "0"              # the same name, but on another computer
    monkeypatch.setattr(tasks, "inference_task", fake_inference("command_ended"))
    window.model_name = "m-1"
    window.inference()
    assert not window.camera.worker.session.is_lent()
    qtbot.waitUntil(lambda: not window.live_panel.is_running(), timeout=10_000)
    assert "lent" not in window.txt_log.toPlainText()
