"""core.protocol: my-imagenet.py's frame lines become Frames; what does not decode is one
warning line, never an exception and never bytes that could end up in a picture file."""
from __future__ import annotations

import base64
import json
import logging

import cv2
import numpy as np
import pytest

from core.protocol import EVENT_MARKER, Event, Frame, TextLine, parse_line, parse_recognition

log = logging.getLogger(__name__)


def jpeg_bytes(width: int = 32, height: int = 24) -> bytes:
    image = np.full((height, width, 3), (30, 210, 230), np.uint8)
    ok, data = cv2.imencode(".jpg", image)
    assert ok
    return data.tobytes()


def frame_line(**changes: object) -> str:
    fields: dict = {"event": "frame", "kind": "preview", "seq": 7, "width": 32, "height": 24,
                    "class_id": 2, "confidence": 0.75,
                    "jpeg": base64.b64encode(jpeg_bytes()).decode("ascii")}
    fields.update(changes)
    return EVENT_MARKER + json.dumps({k: v for k, v in fields.items() if v is not ...},
                                     sort_keys=True)


def test_a_frame_line_is_a_frame() -> None:
    parsed = parse_line(frame_line())
    assert parsed == Frame(kind="preview", seq=7, width=32, height=24, jpeg=jpeg_bytes(),
                           class_id=2, confidence=0.75)
    image = cv2.imdecode(np.frombuffer(parsed.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (24, 32, 3)


def test_snapshot_and_record_frames_without_a_class() -> None:
    for kind in ("snapshot", "record"):
        parsed = parse_line(frame_line(kind=kind, class_id=None, confidence=None))
        assert isinstance(parsed, Frame) and parsed.kind == kind
        assert parsed.class_id is None and parsed.confidence is None


def test_other_events_stay_events() -> None:
    parsed = parse_line(EVENT_MARKER + '{"event": "inference_end", "reason": "camera_lost"}')
    assert parsed == Event(name="inference_end",
                           data={"event": "inference_end", "reason": "camera_lost"})


BROKEN = {
    "not base64": {"jpeg": "@@not base64@@"},
    "not a JPEG": {"jpeg": base64.b64encode(b"GIF89a....").decode()},
    "JPEG cut short": {"jpeg": base64.b64encode(jpeg_bytes()[:-40]).decode()},
    "no picture": {"jpeg": ...},
    "unknown kind": {"kind": "thumbnail"},
    "negative size": {"width": -1},
    "size as text": {"height": "24"},
    "class id as text": {"class_id": "2"},
    "confidence not a number": {"confidence": "high"},
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_frame_that_does_not_decode_is_one_warning(case: str) -> None:
    parsed = parse_line(frame_line(**BROKEN[case]))
    assert isinstance(parsed, TextLine)
    assert parsed.text.startswith("warning: a camera frame from the Nano could not be decoded")
    assert "\n" not in parsed.text and len(parsed.text) < 200


def test_a_frame_line_cut_by_a_dropped_link_is_one_warning() -> None:
    line = frame_line()
    parsed = parse_line(line[: len(line) // 2])
    assert isinstance(parsed, TextLine)
    assert parsed.text.startswith("warning: a camera frame from the Nano arrived cut")
    assert len(parsed.text) < 200


def test_class_names_with_quotes_still_parse() -> None:
    line = "image is recognized as 'it's \"red\"' (class #1) with 87.500000% confidence"
    parsed = parse_recognition(line)
    assert parsed is not None and parsed.label == "it's \"red\""
    assert parsed.class_id == 1 and parsed.confidence == pytest.approx(0.875)
