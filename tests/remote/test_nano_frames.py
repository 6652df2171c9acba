"""my-imagenet.py's camera frames (issue 15), run as the app runs it.

Preview frames beside the result lines, a snapshot on request, --capture-only, both
backends (ONNX Runtime for real on videos and a live MJPEG camera; TensorRT through the
stand-ins, whose cudaImage reads black unless the GPU is synchronised and is RGB), and the
bad input: a camera gone in the middle, a frame that cannot be encoded, stdin closed, class
names with quotes. Lines are parsed with the app's own parser (core.protocol).
"""
from __future__ import annotations

import contextlib
import http.server
import json
import logging
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from core.protocol import Event, Frame, Recognition, parse_line
from tests.media import CLASS_COLOURS, make_frame, mjpeg_stream
from tests.remote.test_nano_scripts import (IMAGENET, LABELS, calls,
                                            fake_env, model_args, model_dir, write_video)
# model_dir is a fixture (the module's ONNX model and labels), shared with test_nano_scripts

log = logging.getLogger(__name__)

sys.path.insert(0, str(IMAGENET.parent))
from nano_frames import FrameOutput, FrameSender, RateGate  # noqa: E402


def parsed(stdout: str) -> list:
    return [parse_line(line) for line in stdout.splitlines()]


def frames_of(items: list, kind: str | None = None) -> list[Frame]:
    return [p for p in items if isinstance(p, Frame) and kind in (None, p.kind)]


def decode(frame: Frame) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(frame.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    assert image.shape[:2] == (frame.height, frame.width)
    return image


def nearest_class(image_bgr: np.ndarray) -> str:
    """Which class colour (tests.media, BGR) the picture's mean colour is closest to."""
    mean = image_bgr.reshape(-1, 3).mean(axis=0)
    name = min(CLASS_COLOURS, key=lambda name: np.abs(mean - CLASS_COLOURS[name]).sum())
    assert np.abs(mean - CLASS_COLOURS[name]).max() < 40, (mean, name)  # not black, not mixed
    return name


def ends(items: list) -> list[str]:
    return [p.data["reason"] for p in items if isinstance(p, Event) and p.name == "inference_end"]


def run(args: list[str], env: dict | None = None, stdin: int | None = subprocess.DEVNULL
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(IMAGENET), *args], capture_output=True,
                          text=True, env=env, stdin=stdin, timeout=120)


class Live:
    """my-imagenet.py running on a live source, its stdout parsed as it comes."""

    def __init__(self, args: list[str], env: dict | None = None) -> None:
        self.process = subprocess.Popen([sys.executable, str(IMAGENET), *args], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.items: list = []

    def until(self, done, deadline_s: float = 60.0) -> list:
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.items.append(parse_line(line.rstrip("\n")))
            if done(self.items):
                return self.items
        raise AssertionError(f"not seen in time: {[type(p).__name__ for p in self.items]}")

    def request(self, text: str) -> None:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def stop(self) -> tuple[int, list, str]:
        self.process.send_signal(signal.SIGTERM)
        rest, errors = self.process.communicate(timeout=10)
        self.items += parsed(rest)
        return self.process.returncode, self.items, errors

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def snapshot_after_previews(self, *first: str) -> tuple[int, list, str]:
        """Two previews, then the requests `first` and a snapshot; stopped once it came."""
        try:
            self.until(lambda items: len(frames_of(items, "preview")) >= 2)
            for request in (*first, "snapshot"):
                self.request(request)
            self.until(lambda items: frames_of(items, "snapshot"))
            return self.stop()
        finally:
            self.kill()


@pytest.fixture
def live_camera() -> Iterator[str]:
    """An endless MJPEG camera, 640x480 at 30 frames/s, showing the class 'blue'."""
    with mjpeg_stream(CLASS_COLOURS["blue"], size=(640, 480)) as url:
        yield url


# ---------------------------------------------------------------- ONNX Runtime backend

def test_preview_frames_beside_the_results(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.avi", [("blue", 150), ("yellow", 150)], size=(640, 480))
    result = run([*model_args(model_dir), str(video), "--gpio=sim", "--backend=onnxruntime",
                  "--print-rate=1000", "--log-level=INFO"])
    assert result.returncode == 0, result.stderr
    items = parsed(result.stdout)
    previews = frames_of(items, "preview")
    assert previews and frames_of(items) == previews
    seconds = float(re.search(r"frames in ([\d.]+) s", result.stderr).group(1))
    assert len(previews) <= 5 * seconds + 2, (len(previews), seconds)      # --preview-rate 5
    results = [p for p in items if isinstance(p, Recognition)]
    assert {f.class_id for f in previews} <= {r.class_id for r in results} == {0, 2}
    for frame in previews:
        image = decode(frame)
        assert (frame.width, frame.height) == (320, 240)
        assert nearest_class(image) == LABELS[frame.class_id]   # the frame of that result
        assert 0.5 < frame.confidence <= 1.0
    assert [f.seq for f in previews] == list(range(1, len(previews) + 1))
    assert ends(items) == ["end_of_video"]
    assert result.stdout.splitlines()[-1] == "LED pin 18 off"


def test_preview_options(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.avi", [("red", 60)], size=(640, 480))
    base = [*model_args(model_dir), str(video), "--gpio=sim", "--backend=onnxruntime"]
    off = parsed(run([*base, "--preview-width=0"]).stdout)
    assert not frames_of(off) and ends(off) == ["end_of_video"]
    small = frames_of(parsed(run([*base, "--preview-width=100", "--preview-rate=1000",
                                  "--jpeg-quality=20"]).stdout))
    big = frames_of(parsed(run([*base, "--preview-width=100", "--preview-rate=1000",
                                "--jpeg-quality=95"]).stdout))
    assert {(f.width, f.height) for f in small} == {(100, 75)} and len(small) > 5
    assert np.mean([len(f.jpeg) for f in small]) < np.mean([len(f.jpeg) for f in big])


def test_snapshot_request_answered_at_full_size(model_dir: Path, live_camera: str) -> None:
    live = Live([*model_args(model_dir), live_camera, "--gpio=sim", "--backend=onnxruntime"])
    code, items, errors = live.snapshot_after_previews("what is this")  # unknown: warned, ignored
    assert code == 0 and "Traceback" not in errors
    assert "unknown request ignored: what is this" in errors
    (snapshot,) = frames_of(items, "snapshot")
    assert (snapshot.width, snapshot.height) == (640, 480) and snapshot.class_id == 0
    assert nearest_class(decode(snapshot)) == "blue"
    assert {(f.width, f.height) for f in frames_of(items, "preview")} == {(320, 240)}
    assert ends(items) == ["stopped"]
    assert live.items and str(items[-1]) == str(parse_line("LED pin 12 off"))


def test_capture_only_sends_full_size_frames(tmp_path: Path, live_camera: str) -> None:
    """No model, no labels, no GPIO: only the camera's frames, at --capture-rate."""
    env = fake_env(tmp_path, "gpio")
    live = Live(["--capture-only", "--capture-rate=4", "--preview-width=0", live_camera,
                 "--backend=onnxruntime", "--gpio=jetson"], env=env)
    try:
        started = time.monotonic()
        live.until(lambda items: len(frames_of(items, "record")) >= 6)
        took = time.monotonic() - started
        code, items, errors = live.stop()
    finally:
        live.kill()
    assert code == 0 and "Traceback" not in errors
    records = frames_of(items, "record")
    assert frames_of(items) == records
    assert {(f.width, f.height, f.class_id, f.confidence) for f in records} == {
        (640, 480, None, None)}
    assert all(nearest_class(decode(f)) == "blue" for f in records)
    assert len(records) - 1 <= 4 * (took + 1.0) + 1           # not faster than asked
    assert not [p for p in items if isinstance(p, Recognition)]
    assert calls(tmp_path) == []                                  # GPIO never touched
    assert ends(items) == ["stopped"]


def test_capture_only_on_a_video_ends_with_its_reason(tmp_path: Path) -> None:
    video = write_video(tmp_path / "v.avi", [("yellow", 20)], size=(320, 240))
    result = run(["--capture-only", "--capture-rate=1000", str(video)])
    assert result.returncode == 0, result.stdout[-500:] + result.stderr
    items = parsed(result.stdout)
    records = frames_of(items, "record")
    assert records and {(f.width, f.height) for f in records} == {(320, 240)}
    assert ends(items) == ["end_of_video"] and isinstance(items[-1], Event)


# ---------------------------------------------------------------- TensorRT backend (stand-ins)

@pytest.mark.parametrize("image_format", ["rgb8", "rgba8"])
def test_tensorrt_backend_sends_the_cuda_image(image_format: str, model_dir: Path,
                                               tmp_path: Path) -> None:
    env = fake_env(tmp_path, "modern", FAKE_JETSON_FRAMES="2:0.9,...",
                   FAKE_JETSON_FORMAT=image_format, FAKE_JETSON_SIZE="640x480")
    live = Live([*model_args(model_dir), "--camera=0", "--gpio=sim"], env=env)
    code, items, errors = live.snapshot_after_previews()
    assert code == 0 and "Traceback" not in errors
    previews, (snapshot,) = frames_of(items, "preview"), frames_of(items, "snapshot")
    assert {(f.width, f.height, f.class_id) for f in previews} == {(320, 240, 2)}
    assert (snapshot.width, snapshot.height, snapshot.confidence) == (640, 480, 0.9)
    for frame in [*previews, snapshot]:     # yellow: RGB made BGR, the GPU synchronised
        assert nearest_class(decode(frame)) == "yellow"
    mapped = [c for c in calls(tmp_path) if c["call"] == "cudaToNumpy"]
    assert mapped and all(c["synced"] and c["format"] == image_format for c in mapped)
    assert len(mapped) <= len(previews) + 1 + 2   # only frames sent are mapped, not every one
    assert ends(items) == ["stopped"]


def test_tensorrt_capture_only_loads_no_network(tmp_path: Path) -> None:
    env = fake_env(tmp_path, "legacy", FAKE_JETSON_FRAMES="1:0.9,1:0.9,1:0.9",
                   FAKE_JETSON_SIZE="320x240")
    result = run(["--capture-only", "--capture-rate=1000", "--camera=/dev/video1"], env=env)
    assert result.returncode == 0, result.stdout[-500:]
    items = parsed(result.stdout)
    assert [(f.width, f.height) for f in frames_of(items, "record")][:1] == [(320, 240)]
    assert nearest_class(decode(frames_of(items, "record")[0])) == "red"
    assert "imageNet" not in [c["call"] for c in calls(tmp_path)]
    assert all(c["synced"] for c in calls(tmp_path) if c["call"] == "cudaToNumpy")
    assert ends(items) == ["camera_lost"]          # a device's stream that ends: lost


# ---------------------------------------------------------------- bad input

class _EndingStream(http.server.BaseHTTPRequestHandler):
    """A live camera unplugged after 15 frames: the stream just stops."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        for index in range(15):
            data = cv2.imencode(".jpg", make_frame(CLASS_COLOURS["red"], index, (64, 48)))[1]
            self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
                             + str(len(data)).encode() + b"\r\n\r\n" + data.tobytes() + b"\r\n")
            time.sleep(1 / 15)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def ending_camera() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EndingStream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/camera.mjpg"
    finally:
        server.shutdown()
        server.server_close()


def test_camera_gone_in_the_middle(model_dir: Path) -> None:
    with ending_camera() as url:
        result = run([*model_args(model_dir), url, "--gpio=sim", "--backend=onnxruntime"])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("error: camera ") and "stopped delivering frames" in lines[-1]
    assert lines[-3:-1] == ["LED pin 16 off",
                            '@ai_nano {"event": "inference_end", "reason": "camera_lost"}']
    assert frames_of(parsed(result.stdout), "preview")


def test_stdin_closed_changes_nothing(model_dir: Path, live_camera: str) -> None:
    live = Live([*model_args(model_dir), live_camera, "--gpio=sim", "--backend=onnxruntime",
                 "--log-level=INFO"])
    try:
        live.until(lambda items: frames_of(items, "preview"))
        live.process.stdin.close()
        count = len(frames_of(live.items))
        live.until(lambda items: len(frames_of(items)) >= count + 3)   # still sending
        live.process.stdin = None
        code, items, errors = live.stop()
    finally:
        live.kill()
    assert code == 0 and "Traceback" not in errors
    assert "stdin closed, no more requests" in errors
    assert ends(items) == ["stopped"]


def test_class_names_with_quotes(model_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels.txt"
    labels.write_text('blue "sky"\nit\'s red\nyellow \\ {"x": 1}\n')
    video = write_video(tmp_path / "v.avi", [("red", 20), ("yellow", 20)], size=(160, 120))
    result = run([f"--model={model_dir / 'resnet18.onnx'}", f"--labels={labels}", str(video),
                  "--gpio=sim", "--backend=onnxruntime", "--preview-rate=1000"])
    assert result.returncode == 0, result.stdout[-500:]
    items = parsed(result.stdout)
    assert [(r.label, r.class_id) for r in items if isinstance(r, Recognition)] == [
        ("it's red", 1), ('yellow \\ {"x": 1}', 2)]
    assert {f.class_id for f in frames_of(items, "preview")} == {1, 2}
    for line in result.stdout.splitlines():
        if line.startswith("@ai_nano "):
            json.loads(line[len("@ai_nano "):])      # every machine line stays valid JSON


def test_a_frame_that_cannot_be_encoded_is_one_line(capsys: pytest.CaptureFixture) -> None:
    """Previews stop with one warning line (the LEDs go on); a recording ends."""
    sent: list[tuple] = []
    sender = FrameSender(320, 70, write=lambda *fields: sent.append(fields))
    sender.start()
    output = FrameOutput(sender, preview_rate=1000.0, capture_rate=0.0)
    good = np.zeros((48, 64, 3), np.uint8)
    bad = np.zeros((48, 64, 2), np.uint8)           # not a picture OpenCV can encode
    for image in (good, bad, bad, good):
        output.after_frame(lambda image=image: image, 0, 0.9)
        time.sleep(0.05)
    assert sender.close(2.0, drop_previews=False)
    warnings = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(warnings) == 1 and warnings[0].startswith(
        "warning: no more preview frames: cannot encode the camera frame as JPEG")
    assert len(sent) == 1 and sent[0][0] == "preview"
    recorder = FrameSender(0, 70, write=lambda *fields: None)
    recorder.start()
    capture = FrameOutput(recorder, preview_rate=0.0, capture_rate=1000.0)
    capture.after_frame(lambda: bad, None, None)
    recorder.close(2.0, drop_previews=False)
    with pytest.raises(Exception, match="cannot encode a camera frame as JPEG"):
        capture.check()


def test_rate_gate_keeps_the_asked_rate() -> None:
    now = [0.0]
    gate = RateGate(5.0, clock=lambda: now[0])
    opened = []
    for step in range(300):                # a 30 frames/s camera for 10 s
        now[0] = step / 30
        if gate.ready():
            opened.append(now[0])
    assert len(opened) == 50                # 5 a second, not fewer (no drift)
    assert min(b - a for a, b in zip(opened, opened[1:])) > 0.15
    assert RateGate(0.0).ready() is False


# ---------------------------------------------------------------- a board without OpenCV

from tests.remote.test_nano_py36 import fakes36, python36, run_under  # noqa: E402,F401
from tests.remote.test_nano_scripts import env_for  # noqa: E402


def test_board_without_opencv_classifies_without_frames(python36: str, fakes36: Path,
                                                        model_dir: Path, tmp_path: Path) -> None:
    """JetPack's Python 3.6 without OpenCV/numpy (the one here has neither): one warning
    line, the classification and the LEDs go on; --capture-only cannot, one error line."""
    env = env_for(fakes36, tmp_path / "calls.jsonl", "modern", FAKE_JETSON_FRAMES="0:0.9,2:0.8")
    result = run_under(python36, IMAGENET, [*model_args(model_dir), "--camera=0", "--gpio=sim"],
                       env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("warning: no preview frames: cv2 is not installed here "
                        "(pip3 install opencv-python numpy)")
    assert [line for line in lines if line.startswith("warning:")] == lines[:1]
    items = parsed(result.stdout)
    assert [(r.label, r.class_id) for r in items if isinstance(r, Recognition)] == [
        ("blue", 0), ("yellow", 2)]
    assert not frames_of(items) and ends(items) == ["camera_lost"]
    capture = run_under(python36, IMAGENET, ["--capture-only", "--camera=0"], env)
    assert capture.returncode == 1 and "Traceback" not in capture.stderr
    assert capture.stdout.splitlines() == [
        "error: cannot send camera frames: cv2 is not installed here "
        "(pip3 install opencv-python numpy)"]
