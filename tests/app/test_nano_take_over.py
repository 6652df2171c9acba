"""Issue 13, part 5, in the window: a Nano in use by another laptop is a question, and
"yes" starts the inference again as a take-over."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PyQt5.QtCore import QSettings

import ai_nano
from core import tasks
from core.nano_steps import NanoInUse


@pytest.fixture
def window(qtbot, tmp_path: Path, closed_port: int):
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    config = tmp_path / "config.json"
    down = {"ip": "127.0.0.1", "port": closed_port, "login": "student"}
    config.write_text(json.dumps({"DL_server": {"name": "DL", **down},
                                  "jetson_nano": [{"name": "nano3", **down}]}))
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    yield window
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(Path.home() / ".config"))


@pytest.mark.parametrize("answer", [True, False])
def test_a_busy_nano_asks_and_yes_takes_it_over(qtbot, window, monkeypatch, answer):
    calls: list[bool] = []
    holder = {"login": "alice", "laptop": "laptop-a", "since": time.time(), "model": "fruits-1"}

    def fake_inference(connect, nano, model_name, report, take_over=False, owner=None, **_):
        calls.append(take_over)
        return 0 if take_over else NanoInUse(nano.name, holder)
    questions: list[str] = []
    monkeypatch.setattr(tasks, "inference_task", fake_inference)
    monkeypatch.setattr(window, "ask", lambda text: questions.append(text) or answer)
    window.model_name = "fruits-2"
    window.inference()
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    assert questions[0].startswith("nano3 is in use by alice on laptop-a since "
                                   f"{time.strftime('%H:%M', time.localtime(holder['since']))} "
                                   "(model fruits-1).\nTake it over?")
    if answer:
        qtbot.waitUntil(lambda: calls == [False, True], timeout=10_000)
    else:
        qtbot.wait(300)
        assert calls == [False]
