"""Issue 16, point 5: the Training tab tells the truth (recorded train.py output, tests/data)."""
from __future__ import annotations

import json

import pytest

from core.protocol import TrainingSetup, likely_epochs, parse_training_setup, parse_warning
from tests.paths import DATA
from widgets.training import TrainingPanel


@pytest.fixture
def training(qtbot) -> TrainingPanel:
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    return panel


def feed(panel: TrainingPanel, name: str) -> None:
    for line in (DATA / name).read_text().splitlines():
        panel.feed_line(line)


def test_the_setup_line_and_warnings_are_read():
    line = ("training resnet18 at 224x224 on cuda:0, precision float16, weights: ImageNet, "
            "lr 0.01, batch 32, up to 35 epochs, patience 5")
    assert parse_training_setup(line) == TrainingSetup("cuda:0", "ImageNet", 5)
    real = [parse_training_setup(l) for l in (DATA / "real_train.log").read_text().splitlines()]
    setup = next(s for s in real if s is not None)
    assert setup.from_scratch and setup.patience is None and setup.device == "cpu"
    assert parse_warning("warning: torchvision has no ImageNet weights for x: training from "
                         "scratch") == "torchvision has no ImageNet weights for x: training from scratch"
    assert parse_warning("epoch 1/8 ...") is None


def test_what_changes_the_result_is_shown_in_the_training_tab(training):
    assert training.notice_label.isHidden()
    feed(training, "real_train.log")                 # random weights, CPU, 48 pictures, 3 classes
    notices = training.notices()
    assert len(notices) == 3 and not training.notice_label.isHidden()
    assert notices[0].startswith("Training from scratch (weights: random (--no-pretrained))")
    assert "CPU" in notices[1] and "48 for training in 3 classes (about 16 each)" in notices[2]
    training.feed_line("warning: out of memory on this GPU at batch size 64: retrying with 32")
    assert "Warning: out of memory" in training.notice_label.text()
    training.reset()
    assert training.notices() == [] and training.notice_label.isHidden()


def epoch(n: int, best: bool, total: int = 30) -> str:
    return "@ai_nano " + json.dumps({"event": "epoch", "epoch": n, "epochs": total,
                                     "train_acc": 0.5, "val_acc": 0.5, "train_loss": 1,
                                     "val_loss": 1, "seconds": 10.0, "best": best})


def test_time_left_counts_the_epochs_early_stopping_will_likely_run(training):
    assert likely_epochs(best_epoch=2, epochs_done=4, epochs_total=30, patience=3) == 5
    assert likely_epochs(2, 4, 30, None) == 30 and likely_epochs(2, 9, 30, 3) == 9
    training.feed_line("training resnet18 at 64x64 on cuda:0, precision float16, weights: "
                       "ImageNet, lr 0.01, batch 32, up to 30 epochs, patience 3")
    for n, best in ((1, True), (2, True), (3, False), (4, False)):
        training.feed_line(epoch(n, best))
    assert training.progress_text() == ("epoch 4 of 30 (early stopping: likely about 5), "
                                        "time left ~ 10 s, at most 4 min")
    training.feed_line(epoch(5, True))               # it improved again: the estimate follows
    assert "likely about 8" in training.progress_text()


def test_the_end_text_matches_what_happened(training):
    feed(training, "real_train_early_stop.log")      # patience 2; best kept at epoch 3
    assert ("Stopped early after epoch 3 of 10: the validation accuracy did not improve "
            "for 2 epochs; the best model is from epoch 3.") in training.summary_label.text()
    assert "had stopped improving" not in training.summary_label.text()
    training.reset()
    feed(training, "train_complete.log")             # best 3 of 5
    assert training.summary_label.text().endswith("Finished all 5 epochs; best epoch 3.")
    training.reset()
    feed(training, "real_train.log")                 # best 7 of 8
    assert "Finished all 8 epochs; best epoch 7." in training.summary_label.text()
    training.reset()
    for n in (1, 2):
        training.feed_line(epoch(n, True, total=2))
    training.feed_line('@ai_nano {"event": "end", "best_epoch": 2, "best_val_acc": 0.9, '
                       '"epochs_run": 2, "stopped_early": false}')
    assert "the best epoch was the last one: more epochs might still improve" in \
        training.summary_label.text()


def test_a_head_only_training_is_said_as_such(training):
    feed(training, "real_train_head.log")            # train.py --mode auto on a CPU with weights
    assert "only the last layer, on the frozen network's features (head-only)" in training.status_label.text()
    # head-only is the CPU's fast path: no "much slower" notice
    assert not any("No GPU" in notice for notice in training.notices())
    summary = training.summary_label.text()
    assert "(epoch 10)" in summary and "Head-only training runs all 10 epochs and keeps the last one." in summary
    assert "more epochs might still improve" not in summary


def test_accuracies_take_a_decimal_comma_in_french(training, qapp):
    qapp.setProperty("ai_nano_language", "fr")
    try:
        training.feed_line(epoch(1, True))           # val_acc 0.5
        assert training.summary_label.text() == "Best validation accuracy so far: 50,0 %"
        feed(training, "real_train.log")             # best 7 of 8
        assert training.summary_label.text().startswith("Best validation accuracy: 100,0 % (epoch 7)")
    finally:
        qapp.setProperty("ai_nano_language", None)
