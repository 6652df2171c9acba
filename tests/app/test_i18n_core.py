"""Issue 16: in the French window, what core writes (errors, log lines, checks) is French.

Real steps of the real window, with the shipped .qm installed: a step that fails (upload
before the split, a split with no pictures), a step that succeeds (the split), and the
machine check of this computer. The log, the status line and the Machines table must hold
the French texts, and none of core's English templates.
"""
from __future__ import annotations

import json
import re
import socket
import string
from pathlib import Path

import cv2
import numpy as np

import ai_nano
from core.workspace import Workspace
from tests.core.test_messages import KNOWN_LINES, marked_texts


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_dl_window(qtbot, tmp_path: Path, port: int) -> ai_nano.GUI_ai_nano:
    """This computer as the DL server (nothing is sent in these steps), and a Nano on a
    loopback port where no SSH server listens."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "dl", "ip": "local",
                                                "workdir": str(tmp_path / "dl")},
                                  "jetson_nano": [{"name": "nano1", "ip": "127.0.0.1", "port": port,
                                                   "login": "student", "pwd": "x"}]}))
    config.chmod(0o600)   # a password in a file others can read is warned about
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)
    table = window.machines_panel.table     # the start-up check of this computer ends
    qtbot.wait_until(lambda: table.columnCount() == 2 and table.item(0, 1) is not None,
                     timeout=60_000)
    qtbot.wait_until(lambda: not window.runner.running(), timeout=60_000)
    return window


def english_chunks() -> list[str]:
    """The fixed words of every core template (pieces between fields, 14 characters or more)."""
    chunks = set()
    for where, _, call in marked_texts():
        if where == "core/messages.py":
            continue
        for literal, *_ in string.Formatter().parse(call.args[1].value):
            chunks.update(piece.strip() for piece in re.split(r"[()'\"]", literal)
                          if len(piece.strip()) >= 14)
    return sorted(chunks)


def log_text(window: ai_nano.GUI_ai_nano) -> str:
    return window.log_view.edit.toPlainText()


def run_step(qtbot, window, start, key: str) -> None:
    start()
    qtbot.wait_until(lambda: not window.runner.is_running(key), timeout=30_000)


def write_pictures(workspace: Workspace, names: tuple[str, ...], count: int) -> None:
    rng = np.random.default_rng(0)
    for name in names:
        workspace.create_class(name)
        for _ in range(count):
            ok, jpeg = cv2.imencode(".jpg", rng.integers(0, 255, (48, 64, 3), dtype=np.uint8))
            workspace.save_image(name, jpeg.tobytes())


def test_core_messages_reach_the_french_window_in_french(qtbot, tmp_path, french, monkeypatch):
    port = closed_port()
    window = local_dl_window(qtbot, tmp_path, port)
    table = window.machines_panel.table
    assert table.item(0, 0).text() == "cet ordinateur"                 # core/checks.py
    assert table.item(0, 1).text() == "non"                            # the Nano: refused
    assert table.item(0, 1).toolTip() == (                             # core/machines/ssh
        f"Joignable : nano1 : 127.0.0.1:{port} a refusé la connexion (aucun serveur SSH sur "
        f"le port {port} ?)")
    window.open_workspace(tmp_path / "ws")
    qtbot.wait_until(lambda: window.workspace is not None, timeout=10_000)

    run_step(qtbot, window, window.upload_to_dl, "upload")              # fails: not split
    assert window.lbl_status.text() == "Répartissez d’abord les images (étape 3)"

    monkeypatch.setattr(window, "confirm_split", lambda warnings: True)
    run_step(qtbot, window, window.split_images, "split")               # fails: no picture
    assert window.lbl_status.text() == ("Aucune image enregistrée : enregistrez d’abord des "
                                        "images de chaque classe.")
    assert "Classes contenant des images : 0 seulement" in log_text(window)   # a split warning

    write_pictures(window.workspace, ("rouge", "vert"), 5)
    run_step(qtbot, window, window.split_images, "split")               # succeeds
    log = log_text(window)
    assert "Images réparties dans les dossiers train, val et test" in log
    assert "ERREUR : Répartissez d’abord les images (étape 3)" in log
    english = [chunk for chunk in english_chunks() if chunk in log and chunk not in KNOWN_LINES]
    assert english == []
    assert "Images split to" not in log and "Split the images first" not in log
    assert len(english_chunks()) > 150   # the check knows core's texts


def test_live_panel_writes_french_numbers(qtbot, french) -> None:
    """The Live tab's confidence and bars take a decimal comma in French (issue 16)."""
    from widgets.live import LivePanel

    live = LivePanel()
    qtbot.addWidget(live)
    live.set_labels(["blue", "red"])
    live.feed_line("image is recognized as 'red' (class #1) with 92.500000% confidence")
    assert live.confidence_label.text() == "confiance 92,5\u00a0%"
    assert live.bars[1].text() == "92,5 %"
