"""panels: recorded train.py, evaluate.py and my-imagenet.py output fed into the widgets,
and what they then display (curve points, progress text, matrix cells, bars, LEDs)."""
from __future__ import annotations

import json

import pytest


from PyQt5.QtCore import Qt  # noqa: E402

from core.check_report import FAIL, OK, SKIP, WARN, CheckResult, CheckRow  # noqa: E402
from widgets.live import LivePanel, VirtualLed  # noqa: E402
from widgets.machines_table import MachineStatusPanel  # noqa: E402
from widgets.results import TestResultsPanel  # noqa: E402
from widgets.training import TrainingPanel  # noqa: E402
from tests.paths import DATA



def lines(name: str) -> list[str]:
    return (DATA / name).read_text().splitlines()


@pytest.fixture
def training(qtbot) -> TrainingPanel:
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    return panel


@pytest.fixture
def live(qtbot) -> LivePanel:
    panel = LivePanel()
    qtbot.addWidget(panel)
    return panel


def curve(item) -> tuple[list[float], list[float]]:
    x, y = item.xData, item.yData  # the values given, before any log scale
    return ([] if x is None else list(x)), ([] if y is None else [round(float(v), 4) for v in y])


# --- training -----------------------------------------------------------------------------

def test_training_curves_follow_the_epoch_records(training: TrainingPanel) -> None:
    for line in lines("train_complete.log"):
        training.feed_line(line)
    assert curve(training.train_acc_curve) == ([1, 2, 3, 4, 5], [41.67, 70.83, 89.58, 95.83, 100.0])
    assert curve(training.val_acc_curve) == ([1, 2, 3, 4, 5], [33.33, 66.67, 100.0, 100.0, 100.0])
    assert curve(training.val_loss_curve)[1] == [1.0931, 0.8124, 0.2106, 0.0975, 0.0412]
    assert curve(training.train_loss_curve)[1][0] == 1.0712
    assert training.progress_bar.maximum() == 5 and training.progress_bar.value() == 5
    assert training.progress_bar.text() == "finished: 5 of 5 epochs"
    assert "Best validation accuracy: 100.0 % (epoch 3)" in training.summary_label.text()
    assert "Stopped early" not in training.summary_label.text()
    assert not training.is_loss_log_scale()  # 1.09 .. 0.04: a linear axis reads best
    assert training.status_label.text() == ("Training on cpu: 3 classes (blue, red, yellow), 48 "
                                            "training and 6 validation images at 64 px; trains the "
                                            "whole network (full fine-tuning).")


def test_progress_says_epoch_and_time_left_while_running(training: TrainingPanel) -> None:
    log = lines("train_early_stop.log")
    epoch_lines = [i for i, line in enumerate(log) if '"event": "epoch"' in line]
    for line in log[:epoch_lines[3] + 1]:  # up to the 4th epoch record
        training.feed_line(line)
    # 4 epochs of ~12 s each done, 31 to go: about 6 minutes.
    assert training.progress_bar.text() == "epoch 4 of 35, time left ~ 6 min"
    assert (training.progress_bar.value(), training.progress_bar.maximum()) == (4, 35)
    assert training.summary_label.text() == "Best validation accuracy so far: 80.0 %"


def test_early_stopping_is_shown_as_such(training: TrainingPanel) -> None:
    for line in lines("train_early_stop.log"):
        training.feed_line(line)
    assert training.progress_bar.text() == "stopped early after epoch 15 of 35"
    assert "Stopped early after epoch 15" in training.summary_label.text()
    assert "Best validation accuracy: 90.0 % (epoch 7)" in training.summary_label.text()
    x, y = training.best_marker.getData()
    assert (list(x), list(y)) == ([7], [90.0])


def test_replayed_log_does_not_double_the_curves(training: TrainingPanel) -> None:
    """Re-attaching to a running training shows its log again from the start."""
    for _ in range(2):
        for line in lines("train_complete.log"):
            training.feed_line(line)
    assert curve(training.val_acc_curve)[0] == [1, 2, 3, 4, 5]


def test_metrics_jsonl_records_without_start(training: TrainingPanel) -> None:
    training.add_record({"epoch": 2, "epochs": 10, "train_acc": 0.5, "val_acc": 0.25,
                         "train_loss": 1.0, "val_loss": 1.2, "seconds": 60})
    training.add_record({"epoch": 1, "epochs": 10, "train_acc": 0.4, "val_acc": 0.2,
                         "train_loss": 1.1, "val_loss": 1.3, "seconds": 60})
    assert curve(training.val_acc_curve) == ([1, 2], [20.0, 25.0])
    assert training.progress_bar.text() == "epoch 2 of 10, time left ~ 8 min"


def test_failure_and_queue_states(training: TrainingPanel) -> None:
    training.feed_line('@ai_nano {"event": "job", "state": "waiting", "ahead": 2}')
    assert training.status_label.text() == "Waiting for the GPU (2 ahead)."
    training.feed_line("error: CUDA out of memory: lower the batch size")
    assert training.status_label.text() == "Training failed: CUDA out of memory: lower the batch size"
    training.reset()
    assert training.progress_bar.text() == "not started"
    assert curve(training.val_acc_curve) == ([], [])


# --- test results -------------------------------------------------------------------------

def test_confusion_matrix_and_per_class_accuracy(qtbot) -> None:
    panel = TestResultsPanel()
    qtbot.addWidget(panel)
    for line in lines("evaluate_output.log"):
        panel.feed_line(line)
    matrix = [[panel.cell_count(r, c) for c in range(3)] for r in range(3)]
    assert matrix == [[9, 1, 0], [0, 10, 0], [1, 0, 9]]
    table = panel.confusion_table
    assert [table.verticalHeaderItem(r).text() for r in range(3)] == \
        ["true: blue", "true: red", "true: yellow"]
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["blue", "red", "yellow"]
    # The picture: correct answers green, mistakes red, empty cells white.
    assert table.item(1, 1).background().color().hue() == 120
    assert table.item(0, 1).background().color().hue() == 0
    assert table.item(0, 2).background().color().name() == "#ffffff"
    rows = [[panel.per_class_table.item(r, c).text() for c in range(3)] for r in range(3)]
    assert rows == [["blue", "9 / 10", "90.0 %"], ["red", "10 / 10", "100.0 %"],
                    ["yellow", "9 / 10", "90.0 %"]]
    assert panel.summary_label.text() == "Test set: 28 of 30 images recognised (93.3 %)"
    assert "Nano's preprocessing" in panel.preprocessing_label.text()
    assert "whole frame stretched to 224x224" in panel.preprocessing_label.text()
    assert panel.mistakes_label.text().startswith(
        "Wrong answers in test/: blue/00004.jpg ('blue' answered as 'red', 61 %)")
    panel.clear()
    assert table.rowCount() == 0


# --- live inference -----------------------------------------------------------------------

def test_live_panel_with_scores(live: LivePanel) -> None:
    live.set_labels(["blue", "red", "yellow"])
    log = lines("imagenet_scores.log")
    middle = log.index("LED pin 16 on") + 3  # a 'red' result and its scores after the switch
    for line in log[:middle]:
        live.feed_line(line)
    assert live.class_label.text() == "red"
    assert live.confidence_label.text() == "99.2 % confidence"
    assert live.bar_values() == pytest.approx([0.0055, 0.9921, 0.0024], abs=1e-3)
    assert live.bars[1].text() == "99.2 %"
    assert live.lit_pins() == [16]
    for line in log[middle:]:
        live.feed_line(line)
    assert live.class_label.text() == "yellow"
    assert live.bar_values() == pytest.approx([0.0374, 0.0160, 0.9466], abs=1e-3)
    assert live.lit_pins() == [18]


def test_live_panel_without_scores_fills_the_current_bar_only(live: LivePanel) -> None:
    live.set_labels(["blue", "red", "yellow"])
    log = lines("imagenet_plain.log")
    for line in log[:log.index("LED pin 16 on") + 1]:
        live.feed_line(line)
    assert live.bar_values() == pytest.approx([0.0, 0.8834, 0.0], abs=1e-3)
    assert live.lit_pins() == [16]
    for line in log[log.index("LED pin 16 on") + 1:]:
        live.feed_line(line)
    assert live.class_label.text() == "yellow"
    assert live.lit_pins() == []  # the script switched its LED off when it stopped


def test_live_panel_learns_labels_and_uses_custom_pins(live: LivePanel) -> None:
    live.set_pins([7, 11, 13])
    live.feed_line("image is recognized as 'cup' (class #2) with 60.000000% confidence")
    assert [led.pin for led in live.leds] == [7, 11, 13]
    assert live.leds[2].label == "cup"
    live.feed_line("LED pin 13 on")
    live.feed_line("LED pin 40 on")  # a pin no class uses: ignored
    assert live.lit_pins() == [13]
    live.feed_line("image is recognized as 'pen' (class #3) with 10.000000% confidence")
    assert [led.pin for led in live.leds] == [7, 11, 13]  # no pin for a 4th class
    assert len(live.bars) == 4 and live.lit_pins() == [13]  # the rebuild kept the lit LED
    live.reset()
    assert live.lit_pins() == [] and live.bar_values() == [0.0] * 4


def test_live_panel_takes_the_class_names_before_the_first_result(live: LivePanel) -> None:
    """The app announces labels.txt's names, so every bar and LED is named from the start."""
    live.feed_line('@ai_nano {"event": "labels", "labels": ["blue", "red", "yellow"]}')
    assert [led.label for led in live.leds] == ["blue", "red", "yellow"]
    assert len(live.bars) == 3 and live.bar_values() == [0.0, 0.0, 0.0]
    live.feed_line("image is recognized as 'yellow' (class #2) with 90.000000% confidence")
    assert live.leds[0].label == "blue" and live.bar_values()[2] == pytest.approx(0.9)


def test_virtual_led_is_drawn_lit_and_dark(qtbot) -> None:
    led = VirtualLed(12, "blue")
    qtbot.addWidget(led)
    led.resize(80, 100)
    centre = (40, 26)  # the circle's centre: 40 px wide, 6 px from the top

    def colour():
        return led.grab().toImage().pixelColor(*centre)

    dark = colour()
    led.set_lit(True)
    lit = colour()
    assert dark.value() < 100 and lit.value() > 200 and lit.saturation() > 50


# --- machines -----------------------------------------------------------------------------

def test_machine_table_colours_and_check_again(qtbot) -> None:
    panel = MachineStatusPanel()
    qtbot.addWidget(panel)
    healthy = CheckRow("dl", "dl", "u@127.0.0.1:2222", {
        "reachable": CheckResult(OK, "yes"), "login": CheckResult(OK, "as u"),
        "python": CheckResult(OK, "Python 3.11"), "software": CheckResult(WARN, "torch, CPU only"),
        "camera": CheckResult(SKIP, "not needed"), "disk": CheckResult(OK, "50 GiB free")})
    down = CheckRow("nano-1", "nano", "u@127.0.0.1:2223",
                    {"reachable": CheckResult(FAIL, "no", "connection refused")})
    panel.set_rows([healthy, down])
    assert panel.table.columnCount() == 2  # one column per machine, one row per check
    assert panel.cell_state(0, "python") == OK and panel.cell_state(0, "software") == WARN
    assert panel.cell_state(1, "reachable") == FAIL and panel.cell_state(1, "disk") == SKIP
    red = panel.table.item(0, 1)
    assert red.background().color().hue() == 0 and "connection refused" in red.toolTip()
    assert panel.table.item(0, 0).background().color().hue() in range(100, 140)
    assert panel.table.horizontalHeaderItem(1).text() == "nano-1 (Nano)"
    assert panel.table.verticalHeaderItem(0).text() == "Reachable"
    assert panel.status_label.text().startswith("Not ready: nano-1")
    with qtbot.waitSignal(panel.check_requested, timeout=1000):
        qtbot.mouseClick(panel.check_button, Qt.LeftButton)
    panel.set_checking(True)
    assert not panel.check_button.isEnabled()
    panel.set_rows([healthy])
    assert panel.check_button.isEnabled() and panel.status_label.text() == "All machines ready."


# --- real recordings (tests/data/real_*: produced by running the scripts, see README) ------

def marker_objects(name: str) -> list[dict]:
    """The event objects of a log, read without output_parsing (an independent oracle)."""
    return [json.loads(line[len("@ai_nano "):]) for line in lines(name) if line.startswith("@ai_nano ")]


@pytest.mark.parametrize("name, progress, log_scale", [
    ("real_train.log", "finished: 8 of 8 epochs", True),  # losses from 14.6 down to 0.004
    ("real_train_early_stop.log", "stopped early after epoch 3 of 10", False),  # 0.43 .. 18.5
])
def test_real_train_output(training: TrainingPanel, name: str, progress: str,
                           log_scale: bool) -> None:
    for line in lines(name):
        training.feed_line(line)
    epochs = [obj for obj in marker_objects(name) if obj["event"] == "epoch"]
    assert curve(training.val_acc_curve) == ([e["epoch"] for e in epochs],
                                            [round(e["val_acc"] * 100, 4) for e in epochs])
    assert curve(training.train_loss_curve)[1] == [round(e["train_loss"], 4) for e in epochs]
    assert training.progress_bar.text() == progress
    assert training.is_loss_log_scale() == log_scale


def test_real_evaluation_output(qtbot) -> None:
    panel = TestResultsPanel()
    qtbot.addWidget(panel)
    for line in lines("real_evaluate.log"):
        panel.feed_line(line)
    (evaluation,) = marker_objects("real_evaluate.log")
    size = len(evaluation["classes"])
    assert [[panel.cell_count(r, c) for c in range(size)] for r in range(size)] == evaluation["confusion"]


def test_real_inference_output(live: LivePanel) -> None:
    live.set_labels(["blue", "red", "yellow"])
    log = lines("real_imagenet_scores.log")
    switch = log.index("LED pin 16 on")
    for line in log[:switch + 1]:
        live.feed_line(line)
    assert live.class_label.text() == "red" and live.lit_pins() == [16]
    scores = [float(v) for v in log[switch - 2].split()[1:]]  # the scores after the red result
    assert live.bar_values() == pytest.approx(scores, abs=1e-3)
    for line in log[switch + 1:]:
        live.feed_line(line)
    assert live.class_label.text() == "yellow" and live.lit_pins() == []  # off at the end
