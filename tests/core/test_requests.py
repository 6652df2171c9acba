"""Requests to a running command's stdin (issue 15), over SSH and locally, pipe and pty.

`Connection.run(..., requests=queue)` writes each queued text, then "\\n", to the command's
stdin. On a pty the terminal echoes input by default: a request must never come back as
an output line (the app would show "snapshot" in the log, or worse, parse it).
Then the Nano's camera end to end through core.nano_steps: `record_from_nano` (capture
only) and `run_inference` with a snapshot request, frames parsed in the worker thread.
"""
from __future__ import annotations

import dataclasses
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from core import nano_steps
from core.machines import Connection, open_connection
from core.pipeline import Report
from core.protocol import Frame
from tests.media import CLASS_COLOURS, mjpeg_stream
from tests.remote.test_nano_scripts import LABELS, build_colour_model

log = logging.getLogger(__name__)

PY = sys.executable
ECHO_SCRIPT = ("import sys\nprint('ready', flush=True)\n"
               "for line in sys.stdin:\n"
               "    print('got', repr(line), flush=True)\n"
               "    if line.strip() == 'bye':\n"
               "        break\n")


@pytest.fixture(params=["ssh", "local"])
def nano(request: pytest.FixtureRequest) -> Iterator[Connection]:
    """A Nano over SSH (the test user on a real sshd) or this computer as the Nano."""
    if request.param == "ssh":
        server = request.getfixturevalue("sshd_server")
        machine = request.getfixturevalue("make_machine")(server, role="nano")
        connection = open_connection(machine, known_hosts=request.getfixturevalue("known_hosts"))
    else:
        connection = open_connection(request.getfixturevalue("local_machine")(role="nano"))
    connection.makedirs(connection.workdir())
    yield connection
    connection.close()


def with_camera(connection: Connection, camera: str) -> Connection:
    """The same connection, its machine's camera being `camera`."""
    connection.machine = dataclasses.replace(connection.machine, camera=camera)
    return connection


@pytest.mark.parametrize("pty", [False, True], ids=["pipe", "pty"])
def test_requests_reach_stdin_and_are_not_echoed(nano: Connection, pty: bool) -> None:
    requests: queue.Queue[str] = queue.Queue()
    lines: list[str] = []

    def on_line(text: str) -> None:
        lines.append(text)
        if text == "ready":
            requests.put("hello")
            requests.put("bye\n")      # a trailing newline is not doubled
    code = nano.run([PY, "-c", ECHO_SCRIPT], on_line=on_line, pty=pty, requests=requests,
                    timeout=60)
    assert code == 0, lines
    assert lines == ["ready", "got 'hello\\n'", "got 'bye\\n'"]


# ---------------------------------------------------------------- the Nano's camera

@pytest.fixture
def camera_url() -> Iterator[str]:
    """A live camera (endless MJPEG over HTTP on 127.0.0.1) at 160x120, 30 frames/s."""
    with mjpeg_stream(CLASS_COLOURS["yellow"], size=(160, 120)) as url:
        yield url


def collect_until(report: Report, frames: list[Frame], done: threading.Event,
                  enough: Callable[[list[Frame]], bool]) -> nano_steps.FrameCallback:
    def on_frame(frame: Frame) -> None:
        frames.append(frame)
        if enough(frames):
            done.set()
            report.stop.set()
    return on_frame


def decoded_size(frame: Frame) -> tuple[int, int]:
    image = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, frame.kind
    return image.shape[1], image.shape[0]


def test_record_from_nano_sends_full_size_frames(nano: Connection, camera_url: str) -> None:
    with_camera(nano, camera_url)
    lines: list[str] = []
    report = Report(line=lines.append)
    frames: list[Frame] = []
    requests: queue.Queue[str] = queue.Queue()
    done = threading.Event()

    def enough(got: list[Frame]) -> bool:
        if len(got) == 1:
            requests.put("snapshot")
        kinds = [f.kind for f in got]
        return kinds.count("record") >= 3 and "snapshot" in kinds
    code = nano_steps.record_from_nano(nano, report, collect_until(report, frames, done, enough),
                                       rate=4.0, requests=requests)
    assert done.is_set(), lines[-10:]
    assert code == 0 and "Recording from the Nano stopped" in lines
    assert not [line for line in lines if '"frame"' in line], "frame lines leaked into the log"
    for frame in frames:
        assert decoded_size(frame) == (frame.width, frame.height)
        assert frame.class_id is None and frame.confidence is None
    full = [f for f in frames if f.kind in ("record", "snapshot")]
    assert {(f.width, f.height) for f in full} == {(160, 120)}
    assert [f.seq for f in frames] == sorted(f.seq for f in frames)
    assert "snapshot" not in lines          # the request never came back as output


def test_run_inference_answers_a_snapshot(nano: Connection, camera_url: str,
                                          tmp_path: Path) -> None:
    with_camera(nano, camera_url)
    model_dir = nano.workdir() + "/models/colours"
    build_colour_model(tmp_path / "resnet18.onnx")
    (tmp_path / "labels.txt").write_text("".join(f"{name}\n" for name in LABELS))
    for name in ("resnet18.onnx", "labels.txt"):
        nano.put_file(tmp_path / name, f"{model_dir}/{name}")
    lines: list[str] = []
    report = Report(line=lines.append)
    frames: list[Frame] = []
    requests: queue.Queue[str] = queue.Queue()
    done = threading.Event()

    def enough(got: list[Frame]) -> bool:
        if len(got) == 2:
            requests.put("snapshot")
        return any(f.kind == "snapshot" for f in got)
    code = nano_steps.run_inference(nano, "colours", report, requests=requests,
                                    on_frame=collect_until(report, frames, done, enough))
    assert done.is_set() and code == 0, lines[-10:]
    previews = [f for f in frames if f.kind == "preview"]
    snapshot = next(f for f in frames if f.kind == "snapshot")
    assert previews and all(f.class_id == 2 and f.confidence > 0.5 for f in previews)
    assert {decoded_size(f) for f in previews} == {(160, 120)}   # no wider than 320: as is
    assert decoded_size(snapshot) == (160, 120) and snapshot.class_id == 2
    assert "image is recognized as 'yellow' (class #2)" in "\n".join(lines)
    assert not [line for line in lines if '"frame"' in line or line == "snapshot"]
