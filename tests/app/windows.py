"""The real main window for the app tests, on a config of their own, started and idle."""
from __future__ import annotations

import json
from pathlib import Path

import ai_nano


def idle_window(qtbot, tmp_path: Path, nanos: list[dict] | None = None) -> ai_nano.GUI_ai_nano:
    """A window with no DL server and the given Nanos, once its start-up tasks ended."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": None, "jetson_nano": nanos or []}))
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)
    qtbot.wait_until(lambda: not window.runner.running(), timeout=10_000)
    return window
