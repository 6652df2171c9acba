"""output_parsing: every kind of remote-script line, recorded logs, broken input."""
from __future__ import annotations

import importlib
import json
import sys

import pytest

from core.protocol import (Event, LedChange, Recognition, Scores, ScriptError, TextLine, events,
                            format_duration, parse_event, parse_led, parse_line, parse_recognition,
                            parse_scores, time_left_s)
from tests.paths import DATA, REPO

NANO_SCRIPTS = REPO / "nano_scripts"


def test_event_line_gives_name_and_object() -> None:
    event = parse_event('@ai_nano {"event": "epoch", "epoch": 3, "val_acc": 0.5}')
    assert event == Event("epoch", {"event": "epoch", "epoch": 3, "val_acc": 0.5})


@pytest.mark.parametrize("line", [
    '@ai_nano {"event": "epoch", "epoch": 3',     # cut by a dropped connection
    '@ai_nano {"epoch": 3}',                      # no event name
    '@ai_nano [1, 2]',                            # not an object
    '@ai_nanox {"event": "epoch"}',               # not the marker
    'Epoch: [3/5] train loss 0.1',                # a human line
])
def test_not_an_event(line: str) -> None:
    assert parse_event(line) is None


def test_recognition_line() -> None:
    result = parse_recognition("image is recognized as 'red' (class #1) with 97.250000% confidence")
    assert result == Recognition("red", 1, pytest.approx(0.9725))


def test_recognition_label_with_quote_and_spaces_and_crlf() -> None:
    result = parse_recognition("image is recognized as 'Bob's cup' (class #12) with 5.5% confidence\r\n")
    assert (result.label, result.class_id, result.confidence) == ("Bob's cup", 12, pytest.approx(0.055))


def test_recognition_line_of_the_nano_script_itself() -> None:
    """The producer (nano_scripts/nano_loop.py) and this parser agree on the format."""
    sys.path.insert(0, str(NANO_SCRIPTS))
    try:
        nano_loop = importlib.import_module("nano_loop")
    finally:
        sys.path.remove(str(NANO_SCRIPTS))
    line = nano_loop.result_line("yellow", 2, 0.875)
    assert parse_recognition(line) == Recognition("yellow", 2, pytest.approx(0.875))


def test_led_lines() -> None:
    assert parse_led("LED pin 16 on") == LedChange(16, True)
    assert parse_led("LED pin 12 off\n") == LedChange(12, False)
    assert parse_led("LED pin 12 dim") is None
    assert parse_led("the LED pin 12 on") is None


def test_scores_line() -> None:
    assert parse_scores("scores: 0.100000 0.850000 0.050000") == Scores((0.1, 0.85, 0.05))
    assert parse_scores("scores: 0.1 lots") is None
    assert parse_scores("scores: 85.0 10.0") is None  # percentages are not this line's format
    assert parse_scores("scores:") is None


def test_parse_line_dispatches_and_never_raises() -> None:
    assert isinstance(parse_line('@ai_nano {"event": "end"}'), Event)
    assert isinstance(parse_line("LED pin 18 on"), LedChange)
    assert isinstance(parse_line("scores: 1.0"), Scores)
    assert parse_line("error: no CUDA and --device cuda") == ScriptError("no CUDA and --device cuda")
    assert parse_line("just text\n") == TextLine("just text")
    assert parse_line("image is recognized as 'x' (class #1) with nan% confidence").confidence == 0.0


def test_recorded_training_log_events_in_order() -> None:
    found = events((DATA / "train_early_stop.log").read_text().splitlines())
    assert [e.name for e in found] == ["start"] + ["epoch"] * 15 + ["end"]
    assert found[-1].data["stopped_early"] is True


def test_metrics_jsonl_lines_count_as_epochs() -> None:
    record = {"epoch": 1, "epochs": 5, "val_acc": 0.5}
    found = events([json.dumps(record), "", "{broken"])
    assert found == [Event("epoch", dict(record, event="epoch"))]


def test_time_left_uses_the_mean_pace() -> None:
    assert time_left_s([30.0, 10.0], epochs_done=2, epochs_total=5) == pytest.approx(60.0)
    assert time_left_s([], 0, 5) is None
    assert time_left_s([10.0], 5, 5) == 0


@pytest.mark.parametrize("seconds, text", [(None, "unknown"), (44.6, "45 s"), (150, "3 min"),
                                           (3900, "1 h 05 min")])
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text
