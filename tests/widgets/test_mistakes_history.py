"""widgets/mistakes.py and widgets/history.py fed with data: what they show and what
they ask for."""
from __future__ import annotations

from pathlib import Path

from PyQt5.QtGui import QColor, QImage

from core.history import Training
from core.results import WrongPicture
from widgets.history import HistoryPanel
from widgets.mistakes import MistakesPanel
from widgets.results import TestResultsPanel


def image(colour: str = "red") -> QImage:
    picture = QImage(200, 150, QImage.Format_RGB32)
    picture.fill(QColor(colour))
    return picture


def pictures(tmp_path: Path) -> list[WrongPicture]:
    return [WrongPicture("red/00003.jpg", "red", "blue", 0.93, tmp_path / "images/red/00003.jpg"),
            WrongPicture("blue/00007.jpg", "blue", "red", 0.61, tmp_path / "images/blue/00007.jpg"),
            WrongPicture("blue/00009.jpg", "blue", "red", 0.55, None)]


def test_wrong_pictures_show_their_classes_and_enlarge_on_click(qtbot, tmp_path):
    panel = MistakesPanel()
    qtbot.addWidget(panel)
    panel.set_pictures(pictures(tmp_path), ["blue", "red", "yellow"],
                       ["1 wrong test picture(s) were removed or moved since the evaluation"])
    panel.show_findings(["'blue' and 'red' are confused with each other: 3 of 20"])
    assert panel.count() == 3
    assert panel.list.item(0).text() == "red → blue\n93 %"
    assert "3 wrong test picture(s)" in panel.title_label.text()
    assert "removed or moved" in panel.notes_label.text()
    assert "are confused with each other: 3 of 20" in panel.findings_label.text()
    first = str(tmp_path / "images/red/00003.jpg")
    panel.set_thumbnail(first, image())
    assert not panel.list.item(0).icon().isNull() and panel.list.item(1).icon().isNull()
    panel.select(0)
    assert panel.preview.pixmap().width() == 160          # the enlarged picture (200x150 -> 160x120)
    assert "labelled 'red', the model answered 'blue' (93 %)" in panel.caption.text()
    assert [a.text() for a in panel.move_menu.actions()] == ["blue", "yellow"]
    assert panel.move_button.isEnabled()
    with qtbot.waitSignal(panel.move_requested) as moved:
        panel.move_menu.actions()[1].trigger()
    assert moved.args == [first, "yellow"]
    panel.picture_moved(first)
    assert panel.count() == 2 and "2 wrong test picture(s) left" in panel.title_label.text()
    panel.select(1)                                        # removed since: nothing to move
    assert not panel.move_button.isEnabled() and "not on this computer" in panel.preview.text()


def test_no_wrong_picture_says_so(qtbot):
    panel = MistakesPanel()
    qtbot.addWidget(panel)
    panel.set_pictures([], ["blue", "red"])
    assert panel.count() == 0 and panel.title_label.text() == "No wrong test picture."
    assert not panel.move_button.isEnabled()


def test_the_results_panel_announces_each_evaluation(qtbot):
    panel = TestResultsPanel()
    qtbot.addWidget(panel)
    evaluation = {"classes": ["blue", "red"], "confusion": [[1, 0], [1, 1]],
                  "pictures": [["blue/1.jpg", 0, 0, 0.9]]}
    with qtbot.waitSignal(panel.evaluation_shown) as shown:
        panel.show_evaluation(evaluation)
    assert shown.args[0]["pictures"] == [["blue/1.jpg", 0, 0, 0.9]]
    assert panel.mistakes_label.text() == ""               # the pictures panel shows them


def trainings() -> list[Training]:
    return [Training("ws-20261202-100000", "2026-12-02 10:00", ["blue", "red"], {"blue": 30, "red": 28},
                     {"epochs": 10}, 0.95, 0.9, "DL", True, ["nano1"]),
            Training("ws-20261201-100000", "2026-12-01 10:00", ["blue", "red"], {}, {}, 0.8, None,
                     "DL", False)]


def test_the_trainings_list_and_its_actions(qtbot):
    panel = HistoryPanel()
    qtbot.addWidget(panel)
    panel.set_trainings(trainings())
    row = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert row == ["2026-12-02 10:00", "ws-20261202-100000", "blue, red", "blue 30, red 28",
                   "epochs 10", "95.0 %", "90.0 %", "DL server DL; Nano nano1"]
    assert panel.table.item(1, 6).text() == "–"
    assert panel.table.item(1, 7).text() == "deleted from the DL server"
    assert not panel.use_button.isEnabled() and not panel.compare_button.isEnabled()
    panel.select_models(["ws-20261201-100000"])
    with qtbot.waitSignal(panel.model_chosen) as chosen:
        panel.use_button.click()
    assert chosen.args == ["ws-20261201-100000"]
    with qtbot.waitSignal(panel.save_requested) as save:
        panel.save_button.click()
    assert save.args == ["ws-20261201-100000"]
    panel.select_models(["ws-20261202-100000", "ws-20261201-100000"])
    assert not panel.use_button.isEnabled()
    with qtbot.waitSignal(panel.compare_requested) as compare:
        panel.compare_button.click()
    assert compare.args == [["ws-20261202-100000", "ws-20261201-100000"]]
    panel.show_comparison({"a": [{"epoch": 1, "val_acc": 0.5, "val_loss": 1.0},
                                 {"epoch": 2, "val_acc": 0.7, "val_loss": 0.6}],
                           "b": [{"epoch": 1, "val_acc": 0.6, "val_loss": 0.9}]})
    assert panel.compared_models() == ["a", "b"]
    curve = panel.accuracy_plot.getPlotItem().listDataItems()[0]
    assert list(curve.getData()[1]) == [50.0, 70.0]
