"""Issue 16: the instructor's class view (class_view.py) in French.

The window is built twice, in English and with the shipped French .qm installed, and fed
the same class (a running and a waiting training, a free, a busy and a down Nano): every
title, label, button, header, cell and the status line must differ, except the data that
is the same in both languages (model names, logins, addresses). Without the translator
every text stays English and the test fails. `class_view.main` installs the translator
itself (`--class --lang fr`).
"""
from __future__ import annotations

import json

from PyQt5.QtWidgets import QAbstractButton, QApplication, QLabel, QTableWidget

import class_view
import window_i18n
from core import classroom
from core.config import Config
from core.messages import QT_TRANSLATE_NOOP

#: Data, not words: the same in French.
SAME_IN_FRENCH = {"", "Nano", "ai_nano", "alice-1", "bob-1", "2/5", "nano1", "nano2", "nano3",
                  "127.0.0.1", "127.0.0.2", "127.0.0.3", "fruits"}


def the_class() -> classroom.ClassState:
    alice = {"login": "alice", "laptop": "laptop-a"}
    trainings = [classroom._training({"model": "alice-1", "owner": alice, "epoch": 2, "epochs": 5,
                                      "best_val_acc": 0.75, "job": {"state": "running"}}),
                 classroom._training({"model": "bob-1", "owner": dict(alice, login="bob"),
                                      "job": {"state": "waiting", "ahead": 1}})]
    busy = classroom.NanoRow("nano2", "127.0.0.2", reachable=True,
                             holder=dict(alice, since=0, model="fruits"))
    down = classroom.NanoRow("nano3", "127.0.0.3",       # a core error, as probe_nano keeps it
                             error=QT_TRANSLATE_NOOP("core", "exit status {rc}").format(rc=255))
    return classroom.ClassState(trainings=trainings, nanos=[
        classroom.NanoRow("nano1", "127.0.0.1", reachable=True), busy, down])


def visible_texts(window: class_view.ClassWindow) -> list[tuple[str, str]]:
    texts = [("title", window.windowTitle())]
    for index, widget in enumerate(window.findChildren((QLabel, QAbstractButton))):
        texts.append((f"{index}:{type(widget).__name__}", widget.text()))
    for name, table in (("trainings", window.trainings), ("nanos", window.nanos)):
        assert isinstance(table, QTableWidget)
        texts += [(f"{name}:header{c}", table.horizontalHeaderItem(c).text())
                  for c in range(table.columnCount())]
        texts += [(f"{name}:{r},{c}", table.item(r, c).text())
                  for r in range(table.rowCount()) for c in range(table.columnCount())]
    return texts


def shown(qtbot, state: classroom.ClassState | None) -> class_view.ClassWindow:
    window = class_view.ClassWindow(Config(dl_server=None), refresh_ms=3_600_000)
    qtbot.addWidget(window)
    qtbot.wait_until(lambda: not window.runner.running(), timeout=10_000)
    if state is not None:
        window._show(state)
    return window


def installed_french(app: QApplication) -> list:
    translators = window_i18n.install(app, "fr")
    assert translators, "the French translation is not shipped"
    return translators


def uninstall(app: QApplication, translators: list) -> None:
    for translator in translators:
        app.removeTranslator(translator)
    app.setProperty("ai_nano_language", None)


def test_the_class_view_in_french_shows_no_english_text(qtbot):
    app = QApplication.instance()
    app.setProperty("ai_nano_language", None)   # English numbers (test_i18n.py leaves "fr" set)
    english_window = shown(qtbot, the_class())
    english = visible_texts(english_window)
    empty = shown(qtbot, None)
    assert empty.lbl_status.text() == "no DL server in config.json"
    translators = installed_french(app)
    try:
        window = shown(qtbot, None)
        assert window.lbl_status.text() == "aucun serveur DL dans config.json"   # core's warning
        window._show(the_class())
        french = visible_texts(window)
        assert window.windowTitle() == "ai_nano — la classe"
        assert window.trainings.horizontalHeaderItem(1).text() == "Propriétaire"
        assert window.trainings.item(0, 2).text() == "en cours"
        assert window.trainings.item(0, 5).text() == "75,0\u202f%"          # French numbers
        assert window.nanos.item(0, 2).text() == "libre"
        assert window.nanos.item(1, 2).text().startswith("utilisée par alice sur laptop-a")
        assert window.nanos.item(2, 2).text().startswith("hors service : ")
        assert window.lbl_status.text() == "Entraînements : 2 · Nano occupées : 1 sur 3"
    finally:
        uninstall(app, translators)
    assert [where for where, _ in french] == [where for where, _ in english]
    untranslated = [(where, en) for (where, en), (_, fr) in zip(english, french)
                    if en == fr and en.strip() not in SAME_IN_FRENCH]
    assert untranslated == []
    assert len([1 for _, text in english if text.strip() not in SAME_IN_FRENCH]) >= 25


def test_the_class_view_takes_the_language_of_lang(qtbot, tmp_path, monkeypatch):
    """`ai_nano.py --class --lang fr` installs the French translation before the window."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": None, "jetson_nano": []}))
    windows: list[class_view.ClassWindow] = []      # kept alive: its refresh is running
    monkeypatch.setattr(class_view.ClassWindow, "show",
                        lambda window: (windows.append(window), qtbot.addWidget(window)))
    monkeypatch.setattr(QApplication, "exec_", lambda app: 0)
    app = QApplication.instance()
    try:
        assert class_view.main(config, known_hosts=tmp_path / "kh", lang="fr") == 0
        assert app.property("ai_nano_language") == "fr"
    finally:
        uninstall(app, getattr(app, "_ai_nano_translators", []))
    assert len(windows) == 1
    qtbot.wait_until(lambda: not windows[0].runner.running(), timeout=10_000)
    assert windows[0].windowTitle() == "ai_nano — la classe"
    windows[0].close()
