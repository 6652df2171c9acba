"""Issue 15, part 5: the Live tab tells the truth. Once the inference ends (Stop, the end
of a video, the camera lost, the link lost), the class, the bars and the LEDs say that
nothing runs any more instead of showing the last answer."""
from __future__ import annotations

import json

import pytest

from widgets.live import LivePanel

LABELS = ["blue", "red", "yellow"]
RUNNING = ["image is recognized as 'red' (class #1) with 92.500000% confidence",
           "scores: 0.050000 0.925000 0.025000", "LED pin 16 on"]


@pytest.fixture
def live(qtbot) -> LivePanel:
    panel = LivePanel()
    qtbot.addWidget(panel)
    panel.set_labels(LABELS)
    panel.show_starting()
    assert panel.is_running() and panel.confidence_label.text() == "starting…"
    for line in RUNNING:
        panel.feed_line(line)
    assert panel.class_label.text() == "red" and panel.lit_pins() == [16]
    assert max(panel.bar_values()) > 0.9
    return panel


def end_event(reason: str) -> str:
    return "@ai_nano " + json.dumps({"event": "inference_end", "reason": reason})


def assert_nothing_running(panel: LivePanel) -> None:
    assert not panel.is_running()
    assert panel.class_label.text() == "–"
    assert panel.confidence_label.text() == "not running"
    assert panel.bar_values() == [0.0, 0.0, 0.0]
    assert [bar.text() for bar in panel.bars] == ["0.0 %"] * 3
    assert panel.lit_pins() == []


@pytest.mark.parametrize("reason, said", [
    ("stopped", "Inference stopped."),
    ("end_of_video", "Inference ended: end of the video."),
    ("camera_lost", "Inference ended: the Nano's camera was lost."),
    ("error", "Inference ended with an error."),
])
def test_the_scripts_end_event_clears_the_answer(live: LivePanel, reason: str, said: str) -> None:
    live.feed_line(end_event(reason))
    assert_nothing_running(live)
    assert live.message_label.text() == said
    live.show_ended()     # the command's end follows the event: the reason given stays
    assert live.message_label.text() == said


def test_a_lost_link_without_event_ends_it_too(live: LivePanel) -> None:
    """SIGKILL or a dropped link: no inference_end line; the window says the command ended."""
    live.show_ended("error", "The connection to nano1 was lost.")
    assert_nothing_running(live)
    assert live.message_label.text() == ("Inference ended with an error. "
                                         "The connection to nano1 was lost.")


def test_the_scripts_error_line_is_kept_beside_the_end(live: LivePanel) -> None:
    live.feed_line("error: camera /dev/video0 stopped delivering frames")
    live.feed_line(end_event("camera_lost"))
    assert_nothing_running(live)
    assert live.message_label.text().splitlines() == [
        "The Nano reported an error: camera /dev/video0 stopped delivering frames",
        "Inference ended: the Nano's camera was lost."]


def test_a_new_inference_shows_answers_again(live: LivePanel) -> None:
    live.feed_line(end_event("stopped"))
    live.show_starting()
    assert live.message_label.text() == "" and live.confidence_label.text() == "starting…"
    live.feed_line(RUNNING[0])
    assert live.is_running() and live.class_label.text() == "red"


def test_a_failure_after_the_end_event_is_added_not_swapped(live: LivePanel) -> None:
    live.feed_line(end_event("end_of_video"))
    live.show_ended("error", "Inference ended with an error: exit status -6")
    assert_nothing_running(live)
    assert live.message_label.text().splitlines() == [
        "Inference ended: end of the video.", "Inference ended with an error: exit status -6"]
