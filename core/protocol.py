"""Read the output lines of the remote scripts (train, export, evaluate, job, inference).

The remote scripts print human lines and, for the app, machine-readable lines (see
doc/ARCHITECTURE.md, "Remote scripts"). This module turns one line into a small typed
value so that the panels and the window never repeat a regular expression, and so that
the parsing is tested without a display. Qt-free on purpose.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Union

from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

#: Prefix of a machine-readable line; one JSON object with an "event" key follows it.
EVENT_MARKER = "@ai_nano "

# The line jetson-inference users know; the label may itself hold quotes, so the label
# group is greedy up to the last "' (class #".
_RECOGNITION_RE = re.compile(
    r"image is recognized as '(?P<label>.*)' \(class #(?P<class_id>\d+)\) "
    r"with (?P<percent>[-+0-9.eE]+|nan|inf)% confidence")
_LED_RE = re.compile(r"^LED pin (?P<pin>\d+) (?P<state>on|off)$")
_SCORES_PREFIX = "scores:"
_ERROR_PREFIX = "error:"


@dataclass(frozen=True)
class Event:
    """A machine-readable `@ai_nano {...}` line: its event name and the whole object."""

    name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Recognition:
    """One result line of my-imagenet.py: the class it sees and how sure it is."""

    label: str
    class_id: int
    confidence: float  # fraction 0..1 (the line prints a percentage)


@dataclass(frozen=True)
class LedChange:
    """`LED pin <n> on|off`: the board switched one class LED."""

    pin: int
    on: bool


@dataclass(frozen=True)
class Scores:
    """`scores: p0 p1 ...`: the probability of every class for the last frame."""

    values: tuple[float, ...]


@dataclass(frozen=True)
class ScriptError:
    """`error: <reason>`: the last line of a remote script that failed."""

    reason: str


@dataclass(frozen=True)
class TextLine:
    """Any other line: shown in the log as it is."""

    text: str


@dataclass(frozen=True)
class Frame:
    """A camera frame of my-imagenet.py (`@ai_nano {"event": "frame", ...}`).

    kind: "preview" (scaled down, with that frame's class), "snapshot" (full size, the
    answer to a `snapshot` request) or "record" (full size, --capture-only). `jpeg` holds
    a whole JPEG file; class_id/confidence are None when the frame has no result.
    """

    kind: str
    seq: int
    width: int
    height: int
    jpeg: bytes
    class_id: int | None
    confidence: float | None


FRAME_KINDS = ("preview", "snapshot", "record")
_JPEG_START, _JPEG_END = b"\xff\xd8", b"\xff\xd9"

ParsedLine = Union[Event, Recognition, LedChange, Scores, ScriptError, TextLine, Frame]


def frame_from_event(event: Event) -> Frame | TextLine:
    """The Frame of a `frame` event; a frame that does not decode is a warning line
    (what arrived may be cut by a dropped link: it must never reach a picture file)."""
    data = event.data
    try:
        kind, seq, width, height = data["kind"], data["seq"], data["width"], data["height"]
        if kind not in FRAME_KINDS or not all(type(v) is int and v >= 0
                                              for v in (seq, width, height)):
            raise ValueError(f"bad fields (kind {kind!r}, {width}x{height})")
        jpeg = base64.b64decode(data["jpeg"], validate=True)
        if not (jpeg.startswith(_JPEG_START) and jpeg.rstrip(b"\0").endswith(_JPEG_END)):
            raise ValueError(f"not a whole JPEG file ({len(jpeg)} bytes)")
        class_id, confidence = data.get("class_id"), data.get("confidence")
        if class_id is not None and type(class_id) is not int:
            raise ValueError(f"class_id {class_id!r}")
        if confidence is not None:
            confidence = float(confidence)
            if not math.isfinite(confidence):
                raise ValueError("confidence is not a number")
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        log.warning("a frame that does not decode: %s", error)
        return TextLine(text=f"warning: a camera frame from the Nano could not be decoded "
                             f"({type(error).__name__}: {str(error)[:80]}): skipped")
    return Frame(kind=kind, seq=seq, width=width, height=height, jpeg=jpeg,
                 class_id=class_id, confidence=confidence)


def parse_event(line: str) -> Event | None:
    """The event of an `@ai_nano {json}` line, or None for any other line.

    A marker line whose JSON is broken (a line cut by a dropped connection, say) is
    logged and treated as not an event rather than raising: the log still shows it.
    """
    text = line.strip()
    if not text.startswith(EVENT_MARKER):
        return None
    payload = text[len(EVENT_MARKER):].strip()
    try:
        data = json.loads(payload)
    except ValueError:
        log.warning("ignoring a broken event line: %.120s", text)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        log.warning("ignoring an event line without an 'event' name: %.120s", text)
        return None
    return Event(name=data["event"], data=data)


def parse_recognition(line: str) -> Recognition | None:
    """The class and confidence of a my-imagenet.py result line, or None."""
    match = _RECOGNITION_RE.search(line.strip())
    if match is None:
        return None
    try:
        percent = float(match.group("percent"))
    except ValueError:
        return None
    if not math.isfinite(percent):
        percent = 0.0
    return Recognition(label=match.group("label"), class_id=int(match.group("class_id")),
                       confidence=min(max(percent / 100.0, 0.0), 1.0))


def parse_led(line: str) -> LedChange | None:
    """The pin and its new state from a `LED pin <n> on|off` line, or None."""
    match = _LED_RE.match(line.strip())
    if match is None:
        return None
    return LedChange(pin=int(match.group("pin")), on=match.group("state") == "on")


def parse_scores(line: str) -> Scores | None:
    """The per-class probabilities of a `scores: p0 p1 ...` line, or None.

    The values are the network's softmax outputs (fractions); a value outside 0..1 or a
    word that is not a number makes the whole line not a scores line.
    """
    text = line.strip()
    if not text.startswith(_SCORES_PREFIX):
        return None
    words = text[len(_SCORES_PREFIX):].split()
    try:
        values = tuple(float(word) for word in words)
    except ValueError:
        return None
    if not values or not all(math.isfinite(v) and -1e-6 <= v <= 1.0 + 1e-6 for v in values):
        return None
    return Scores(values=tuple(min(max(v, 0.0), 1.0) for v in values))


def parse_error(line: str) -> ScriptError | None:
    """The reason of an `error: <reason>` line, or None."""
    text = line.strip()
    if not text.startswith(_ERROR_PREFIX):
        return None
    return ScriptError(reason=text[len(_ERROR_PREFIX):].strip())


def parse_line(line: str) -> ParsedLine:
    """Classify one output line of any remote script (never raises); a `frame` event is
    a Frame (or, when it does not decode, a TextLine warning)."""
    event = parse_event(line)
    if event is not None:
        return frame_from_event(event) if event.name == "frame" else event
    if line.lstrip().startswith(EVENT_MARKER) and '"event": "frame"' in line:
        return TextLine(text="warning: a camera frame from the Nano arrived cut "
                             f"({len(line)} characters): skipped")
    for parser in (parse_recognition, parse_led, parse_scores, parse_error):
        parsed = parser(line)
        if parsed is not None:
            return parsed
    return TextLine(text=line.rstrip("\r\n"))


def events(lines: Iterable[str]) -> list[Event]:
    """The events among many lines, in order (e.g. a recorded log or metrics.jsonl).

    metrics.jsonl holds bare JSON epoch objects without the marker; those count too,
    with the event name "epoch" when the object has none.
    """
    found: list[Event] = []
    for line in lines:
        event = parse_event(line)
        if event is None and line.strip().startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict):
                data.setdefault("event", "epoch")
                event = Event(name=str(data["event"]), data=data)
        if event is not None:
            found.append(event)
    return found


@dataclass(frozen=True)
class TrainingSetup:
    """train.py's `training <arch> at ... weights: <source>, ... patience <n|off>` line."""

    device: str
    weights: str            # "ImageNet", "random (--no-pretrained)", a file, "checkpoint"
    patience: int | None    # None: early stopping off

    @property
    def from_scratch(self) -> bool:
        return self.weights.startswith("random")


_SETUP_RE = re.compile(r"^training \S+ at \S+ on (?P<device>\S+?)[ ,].*?weights: (?P<weights>.+?), "
                       r"(?:precision \S+, )?lr .*patience (?P<patience>\d+|off)\s*$")
_WARNING_PREFIX = "warning:"


def parse_training_setup(line: str) -> TrainingSetup | None:
    """The device, weights and patience train.py announces before its first epoch, or None."""
    match = _SETUP_RE.match(line.strip())
    if match is None:
        return None
    patience = match.group("patience")
    return TrainingSetup(device=match.group("device"), weights=match.group("weights"),
                         patience=None if patience == "off" else int(patience) or None)


def parse_warning(line: str) -> str | None:
    """The text of a script's `warning: <text>` line (dl_common.warn), or None."""
    text = line.strip()
    if not text.lower().startswith(_WARNING_PREFIX):
        return None
    return text[len(_WARNING_PREFIX):].strip() or None


def likely_epochs(best_epoch: int, epochs_done: int, epochs_total: int,
                  patience: int | None) -> int:
    """The epoch a training will likely end at: early stopping ends it `patience` epochs
    after the best one unless the accuracy improves again; never less than done so far."""
    if not patience or epochs_total <= 0:
        return epochs_total
    return max(epochs_done, min(epochs_total, best_epoch + patience))


def time_left_s(epoch_seconds: Iterable[float], epochs_done: int, epochs_total: int) -> float | None:
    """Seconds the remaining epochs should take at the mean pace so far, or None if unknown.

    The mean rather than the last epoch: the first epoch is often slower (caches, cuDNN
    autotuning) and later ones vary with the server's load.
    """
    durations = [s for s in epoch_seconds if s is not None and math.isfinite(s) and s >= 0]
    if not durations or epochs_total <= 0:
        return None
    remaining = max(epochs_total - epochs_done, 0)
    return remaining * sum(durations) / len(durations)


def format_duration(seconds: float | None) -> str:
    """A short human duration for progress texts: "45 s", "3 min", "1 h 05 min"."""
    if seconds is None or not math.isfinite(seconds):
        return "unknown"
    seconds = max(0, int(seconds + 0.5))  # half up, not Python's half-to-even
    if seconds < 60:
        return f"{seconds} s"
    minutes = int(seconds / 60 + 0.5)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


#: evaluate.py's "preprocessing" text (dl_scripts/nano_data.py NANO_PREPROCESSING).
_PREPROCESSING_RE = re.compile(r"whole frame stretched to (?P<w>\d+)x(?P<h>\d+) \(nearest neighbour\), "
                               r"RGB, /255, ImageNet mean/std")


def describe_preprocessing(text: str) -> str:
    """evaluate.py's preprocessing text as a translatable message; another text as it is.

    The server's JSON stays English (older and newer scripts write it); the window shows
    the known sentence in the student's language.
    """
    match = _PREPROCESSING_RE.fullmatch(text)
    if match is None:
        return text
    return QT_TRANSLATE_NOOP("core", "whole frame stretched to {w}x{h} (nearest neighbour), RGB, "
                             "/255, ImageNet mean/std").format(w=int(match["w"]), h=int(match["h"]))
