"""The window remembers (QSettings) and explains itself (log file, Help menu, one line for
an unexpected error). Offscreen Qt; QSettings and the log live in this test's tmp folder."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path


import pytest  # noqa: E402
from PyQt5.QtCore import QSettings, QTimer  # noqa: E402

import ai_nano  # noqa: E402
import app_state  # noqa: E402
from core import applog  # noqa: E402


@pytest.fixture
def settings_dir(tmp_path: Path):
    """QSettings of this test only (never the user's ~/.config)."""
    folder = tmp_path / "settings"
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder))
    yield folder
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope,
                      str(Path.home() / ".config"))


@pytest.fixture
def config(tmp_path: Path, closed_port: int) -> Path:
    """Machines that refuse at once: the window's background checks end quickly."""
    path = tmp_path / "config.json"
    down = {"ip": "127.0.0.1", "port": closed_port, "login": "student"}
    path.write_text(json.dumps({"DL_server": {"name": "DL", **down},
                                "jetson_nano": [{"name": name, **down}
                                                for name in ("nano1", "nano2", "nano3")]}))
    return path


def open_window(qtbot, config: Path, tmp_path: Path) -> ai_nano.GUI_ai_nano:
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    return window


def test_window_remembers_workspace_geometry_splitter_and_nano(qtbot, settings_dir, config,
                                                               tmp_path) -> None:
    first = open_window(qtbot, config, tmp_path)
    app_state.remember(first)
    first.show()
    first.setGeometry(40, 50, 1210, 690)
    size = (first.width(), first.height())
    assert size != (1180, 780)  # not the .ui's default: restoring is seen
    first.sp_right.setSizes([200, 420])
    first.cb_nano_name.setCurrentText("nano3")
    first.open_workspace(tmp_path / "ws")
    qtbot.waitUntil(first.btn_project_ok.isEnabled, timeout=10_000)
    sizes = first.sp_right.sizes()
    first.close()
    assert (settings_dir / "ai_nano" / "ai_nano.ini").is_file()

    second = open_window(qtbot, config, tmp_path)
    assert second.cb_nano_name.currentText() == "nano1"  # nothing restored yet
    app_state.remember(second)
    second.show()
    assert second.cb_nano_name.currentText() == "nano3"
    assert (second.width(), second.height()) == size
    assert second.sp_right.sizes() == sizes
    qtbot.waitUntil(second.btn_project_ok.isEnabled, timeout=10_000)
    assert second.le_working_space.text() == str(tmp_path / "ws")
    assert second.workspace is not None and second.workspace.root == tmp_path / "ws"


def test_a_deleted_workspace_is_not_recreated(qtbot, settings_dir, config, tmp_path) -> None:
    app_state.settings().setValue("workspace", str(tmp_path / "gone"))
    window = open_window(qtbot, config, tmp_path)
    app_state.remember(window)
    qtbot.wait(200)
    assert not (tmp_path / "gone").exists() and window.workspace is None


def test_log_file_rotates_in_the_data_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    root = logging.getLogger()
    before = list(root.handlers), root.level
    path = applog.setup_log_file()
    try:
        assert path == tmp_path / "data" / "ai_nano" / "ai_nano.log"
        for number in range(3000):
            logging.getLogger("ai_nano").info("line %d %s", number, "x" * 500)
        assert path.stat().st_size <= applog.MAX_BYTES
        assert path.with_name("ai_nano.log.1").is_file()
        assert not path.with_name(f"ai_nano.log.{applog.BACKUPS + 1}").exists()
        saved = applog.save_log_task(path, tmp_path / "sent.txt")
        text = saved.read_text()
        assert "line 2999 " in text and text.index("line 2000 ") < text.index("line 2999 ")
    finally:
        for handler in root.handlers[:]:
            if handler not in before[0]:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(before[1])


def test_unexpected_error_in_a_slot_shows_one_line_and_the_app_goes_on(
        qtbot, config, tmp_path, caplog, monkeypatch) -> None:
    window = open_window(qtbot, config, tmp_path)
    log_path = tmp_path / "data" / "ai_nano.log"
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app_state.install_excepthook(window, log_path)

    def broken_slot() -> None:
        raise KeyError("no such class")
    shown: list[str] = []
    show_error = window.show_error
    window.show_error = lambda text: (shown.append(text), show_error(text))
    QTimer.singleShot(0, broken_slot)  # an exception escaping a slot, as PyQt reports it
    qtbot.waitUntil(lambda: any("Unexpected error" in text for text in shown), timeout=5000)
    assert [text for text in shown if "Unexpected" in text] == [
        f"Unexpected error (KeyError: 'no such class'); the app goes on; details in {log_path}"]
    assert "Traceback" in caplog.text and "broken_slot" in caplog.text
    window.sb_nb_categories.setValue(4)  # still alive and answering
    assert window.sb_nb_categories.value() == 4


def test_help_menu_saves_the_log(qtbot, config, tmp_path) -> None:
    window = open_window(qtbot, config, tmp_path)
    log_path = tmp_path / "ai_nano.log"
    log_path.write_text("first line\nsecond line\n")
    bar = app_state.add_help_menu(window, log_path)
    actions = [action.text() for action in bar.actions()[0].menu().actions()]
    assert actions == ["Save log…", "About ai_nano"]
    saved: list[str] = []
    window.set_status = saved.append  # the background checks' errors may take the line
    app_state.save_log(window, log_path, destination=tmp_path / "for-the-teacher.txt")
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    assert saved == [f"Log saved to {tmp_path / 'for-the-teacher.txt'}"]
    assert (tmp_path / "for-the-teacher.txt").read_text() == "first line\nsecond line\n"
