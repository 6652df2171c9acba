"""nano_scripts: my-imagenet.py and switch_off_led.py, run as the app runs them.

The ONNX Runtime backend runs for real (onnxruntime, OpenCV, a generated video or a local
MJPEG HTTP stream). Only the hardware is stood in: jetson-inference/TensorRT and GPIO by
the modules in tests/fake_jetson, which record the calls they receive.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import pty
import re
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.media import CLASS_COLOURS, make_frame, make_video, mjpeg_stream
from tests.paths import FAKES, REPO

log = logging.getLogger(__name__)

ROOT = REPO
SCRIPTS = ROOT / "nano_scripts"
IMAGENET = SCRIPTS / "my-imagenet.py"
SWITCH_OFF = SCRIPTS / "switch_off_led.py"
LABELS = ["blue", "red", "yellow"]  # sorted, as the exporter writes them
RESULT = re.compile(r"^image is recognized as '(\w+)' \(class #(\d+)\) with (\d+\.\d{6})% "
                    r"confidence$")
MEAN = np.array([0.485, 0.456, 0.406])
STD = np.array([0.229, 0.224, 0.225])

sys.path.insert(0, str(SCRIPTS))
from nano_loop import ResultGate  # noqa: E402
from nano_onnx import Preprocessor  # noqa: E402


# ---------------------------------------------------------------- model, media, runner

def build_colour_model(path: Path, size: int = 32, classes: int = 3,
                       input_shape: list | None = None) -> Path:
    """A fixed classifier: mean colour of the preprocessed image -> 3 classes + Softmax.

    Logits: blue = 3*B, red = 3*(R - G), yellow = 3*G (channels after normalisation).
    """
    weights = np.zeros((3, 3), np.float32)
    weights[2, 0] = 3.0
    weights[0, 1], weights[1, 1] = 3.0, -3.0
    weights[1, 2] = 3.0
    nodes = [helper.make_node("ReduceMean", ["input_0"], ["mean"], axes=[2, 3], keepdims=0),
             helper.make_node("MatMul", ["mean", "W"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["output_0"], axis=1)]
    graph = helper.make_graph(
        nodes, "colour_classifier",
        [helper.make_tensor_value_info("input_0", TensorProto.FLOAT,
                                       input_shape or [1, 3, size, size])],
        [helper.make_tensor_value_info("output_0", TensorProto.FLOAT, [1, classes])],
        [numpy_helper.from_array(weights[:, :classes], "W")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    model.ir_version = 6
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    build_colour_model(folder / "resnet18.onnx")
    (folder / "labels.txt").write_text("".join(f"{name}\n" for name in LABELS))
    return folder


def write_video(path: Path, parts: list[tuple[str, int]], size: tuple[int, int] = (64, 48)
                ) -> Path:
    """An MJPG video made of runs of frames of given classes, e.g. [("blue", 10), ...]."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15.0, size)
    index = 0
    for name, count in parts:
        for _ in range(count):
            writer.write(make_frame(CLASS_COLOURS[name], index, size))
            index += 1
    writer.release()
    return path


def model_args(model_dir: Path) -> list[str]:
    return [f"--model={model_dir / 'resnet18.onnx'}", f"--labels={model_dir / 'labels.txt'}",
            "--input_blob=input_0", "--output_blob=output_0", "--headless"]


def env_for(fakes: Path, log_path: Path, *layers: str, **variables: str) -> dict[str, str]:
    """Environment with the stand-in modules of `layers` (modern, legacy, gpio) of the
    folder `fakes` importable, their calls logged to `log_path`. The Python 3.6 tests pass
    their own copy of the stand-ins (annotations dropped)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(fakes / layer) for layer in layers] + [str(fakes)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no cpython-36 .pyc left in nano_scripts
    env["FAKE_JETSON_LOG"] = str(log_path)
    env.update(variables)
    return env


def recorded(log_path: Path) -> list[dict]:
    """The stand-ins' calls, in order."""
    if not log_path.exists():
        return []
    return [json.loads(line) for line in log_path.read_text().splitlines()]


def fake_env(tmp_path: Path, *layers: str, **variables: str) -> dict[str, str]:
    return env_for(FAKES, tmp_path / "calls.jsonl", *layers, **variables)


def calls(tmp_path: Path) -> list[dict]:
    return recorded(tmp_path / "calls.jsonl")


def run_script(args: list[str], env: dict[str, str] | None = None, script: Path = IMAGENET,
               timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script), *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def stdout_lines(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.splitlines()


def results_of(lines: list[str]) -> list[tuple[str, int, float]]:
    found = []
    for line in lines:
        match = RESULT.match(line)
        if match:
            found.append((match.group(1), int(match.group(2)), float(match.group(3))))
    return found


def led_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("LED pin ")]


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = stdout_lines(result)
    assert lines and lines[-1].startswith("error: "), lines
    assert fragment in lines[-1], lines[-1]
    assert not [line for line in led_lines(lines) if line.endswith(" on")], lines


# ---------------------------------------------------------------- preprocessing, gate

def reference_preprocess(frame_bgr: np.ndarray, width: int, height: int) -> np.ndarray:
    """jetson-inference's ONNX classifier preprocessing written out plainly."""
    src_h, src_w = frame_bgr.shape[:2]
    out = np.zeros((1, 3, height, width), np.float64)
    for y in range(height):
        for x in range(width):
            sy, sx = int(y * src_h / height), int(x * src_w / width)
            rgb = frame_bgr[sy, sx, ::-1] / 255.0
            out[0, :, y, x] = (rgb - MEAN) / STD
    return out


def test_preprocessing_matches_jetson_inference_rule() -> None:
    rng = np.random.default_rng(3)
    frame = rng.integers(0, 256, size=(48, 64, 3), dtype=np.uint8)
    for width, height in ((32, 32), (24, 40), (64, 48)):
        ours = Preprocessor(width, height)(frame)
        assert ours.shape == (1, 3, height, width) and ours.dtype == np.float32
        assert np.abs(ours - reference_preprocess(frame, width, height)).max() < 1e-5


def test_preprocessing_stretches_whole_frame_and_orders_rgb() -> None:
    frame = np.zeros((2, 4, 3), np.uint8)
    frame[:, :2] = (255, 0, 0)   # left half blue (BGR)
    frame[:, 2:] = (0, 0, 255)   # right half red
    tensor = Preprocessor(2, 2)(frame)
    blue_channel, red_channel = tensor[0, 2], tensor[0, 0]
    assert blue_channel[0, 0] == pytest.approx((1 - 0.406) / 0.225, abs=1e-6)  # no crop
    assert red_channel[0, 1] == pytest.approx((1 - 0.485) / 0.229, abs=1e-6)
    assert red_channel[0, 0] == pytest.approx((0 - 0.485) / 0.229, abs=1e-6)


def test_result_gate_limits_rate_but_prints_every_change() -> None:
    now = [0.0]
    gate = ResultGate(2.0, clock=lambda: now[0])
    printed = []
    for step in range(100):            # 100 frames over 1 s, class 1 from frame 50 to 52
        now[0] = step * 0.01
        class_id = 1 if 50 <= step < 53 else 0
        if gate.should_print(class_id):
            printed.append((step, class_id))
    assert printed == [(0, 0), (50, 1), (53, 0)]
    assert ResultGate(0.0, clock=lambda: 5.0).should_print(0) is True


# ---------------------------------------------------------------- ONNX Runtime backend

def test_onnxruntime_video_prints_class_and_leds(model_dir: Path, tmp_path: Path) -> None:
    video = make_video(tmp_path / "red.avi", CLASS_COLOURS["red"], frames=30, size=(64, 48))
    result = run_script([*model_args(model_dir), f"--camera={video}", "--gpio", "sim",
                         "--backend", "onnxruntime"])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = stdout_lines(result)
    found = results_of(lines)
    assert found and all(label == "red" and class_id == 1 for label, class_id, _ in found)
    assert found[0][2] > 90.0
    assert led_lines(lines) == ["LED pin 16 on", "LED pin 16 off"]
    assert lines[-1] == "LED pin 16 off"
    assert all(RESULT.match(line) or line.startswith(("LED pin", "@ai_nano ")) for line in lines), lines


def test_class_change_prints_and_moves_the_led(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "mixed.avi", [("blue", 12), ("yellow", 12)])
    result = run_script([*model_args(model_dir), str(video), "--gpio=sim",
                         "--backend=onnxruntime", "--print-rate=0.001"])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = stdout_lines(result)
    assert [(label, class_id) for label, class_id, _ in results_of(lines)] == \
        [("blue", 0), ("yellow", 2)]
    assert led_lines(lines) == ["LED pin 12 on", "LED pin 12 off", "LED pin 18 on",
                                "LED pin 18 off"]


def test_every_frame_classified_and_rate_limited(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "long.avi", [("blue", 300)])
    started = time.monotonic()
    result = run_script([*model_args(model_dir), str(video), "--gpio=sim", "--log-level=INFO",
                         "--backend=onnxruntime", "--print-rate=2"])
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    match = re.search(r"(\d+) frames in ([\d.]+) s", result.stderr)
    assert match and int(match.group(1)) == 300, result.stderr
    loop_seconds = float(match.group(2))
    printed = len(results_of(stdout_lines(result)))
    assert 1 <= printed <= 2 * loop_seconds + 1 and printed <= 2 * elapsed + 1
    fast = run_script([*model_args(model_dir), str(video), "--gpio=sim",
                       "--backend=onnxruntime", "--print-rate=100000"])
    assert len(results_of(stdout_lines(fast))) > printed  # the limit is what held them back


def test_print_scores_are_the_models_probabilities(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "yellow.avi", [("yellow", 5)])
    result = run_script([*model_args(model_dir), str(video), "--gpio=sim",
                         "--backend=onnxruntime", "--print-scores"])
    assert result.returncode == 0, result.stderr
    lines = stdout_lines(result)
    first = next(i for i, line in enumerate(lines) if RESULT.match(line))
    assert re.fullmatch(r"scores:( \d\.\d{6}){3}", lines[first + 1]), lines
    printed = [float(value) for value in lines[first + 1].split()[1:]]
    capture = cv2.VideoCapture(str(video))
    ok, frame = capture.read()
    capture.release()
    assert ok
    session = onnxruntime.InferenceSession(str(model_dir / "resnet18.onnx"))
    expected = session.run(None, {"input_0": reference_preprocess(frame, 32, 32)
                                  .astype(np.float32)})[0][0]
    assert np.allclose(printed, expected, atol=2e-6)
    label, class_id, pct = results_of(lines)[0]
    assert (label, class_id) == ("yellow", 2) and pct == pytest.approx(expected[2] * 100, 1e-4)


def test_threshold_and_pins_decide_which_led(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "red.avi", [("red", 5)])
    high = run_script([*model_args(model_dir), str(video), "--gpio=sim", "--threshold=1.01",
                       "--backend=onnxruntime"])
    assert high.returncode == 0 and results_of(stdout_lines(high))
    assert led_lines(stdout_lines(high)) == []
    one_pin = run_script([*model_args(model_dir), str(video), "--gpio=sim", "--pins=7",
                          "--backend=onnxruntime"])
    assert one_pin.returncode == 0 and led_lines(stdout_lines(one_pin)) == []
    other_pins = run_script([*model_args(model_dir), str(video), "--gpio=sim",
                             "--pins=7,11", "--backend=onnxruntime"])
    assert led_lines(stdout_lines(other_pins)) == ["LED pin 11 on", "LED pin 11 off"]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("case", ["model", "labels", "count", "shape", "camera", "device",
                                  "frames", "csi", "pins"])
def test_bad_input_is_one_line(case: str, model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "blue.avi", [("blue", 5)])
    model, labels = model_dir / "resnet18.onnx", model_dir / "labels.txt"
    camera, extra, fragment = str(video), [], ""
    if case == "model":
        model, fragment = tmp_path / "missing.onnx", "model file not found"
    elif case == "labels":
        labels, fragment = tmp_path / "missing.txt", "labels file not found"
    elif case == "count":
        labels = tmp_path / "labels.txt"
        labels.write_text("blue\nred\n")
        fragment = "labels file has 2 classes but the model outputs 3"
    elif case == "shape":
        model = build_colour_model(tmp_path / "dynamic.onnx", input_shape=["batch", 3, 32, 32])
        fragment = "expected a static 1x3xHxW"
    elif case == "camera":
        camera, fragment = str(tmp_path / "nothing.avi"), "camera not found"
    elif case == "device":
        camera, fragment = "/dev/video63", "camera not found"
    elif case == "frames":
        writer = cv2.VideoWriter(str(tmp_path / "empty.avi"), cv2.VideoWriter_fourcc(*"MJPG"),
                                 15.0, (64, 48))
        writer.release()
        camera, fragment = str(tmp_path / "empty.avi"), "delivers no frames"
    elif case == "csi":
        camera, fragment = "csi://0", "CSI cameras need the TensorRT backend"
    elif case == "pins":
        extra, fragment = ["--pins=12,x"], "'x' is not a pin number"
    result = run_script([f"--model={model}", f"--labels={labels}", "--input_blob=input_0",
                         "--output_blob=output_0", f"--camera={camera}", "--gpio=sim",
                         "--backend=onnxruntime", *extra])
    assert_one_line_error(result, fragment)
    assert len(stdout_lines(result)) == 1


def test_bad_camera_leaves_real_gpio_off_and_clean(model_dir: Path, tmp_path: Path) -> None:
    env = fake_env(tmp_path, "gpio")
    result = run_script([*model_args(model_dir), "--camera=/dev/video63", "--gpio=jetson",
                         "--backend=onnxruntime"], env=env)
    assert_one_line_error(result, "camera not found")
    recorded = calls(tmp_path)
    assert [c["pin"] for c in recorded if c["call"] == "GPIO.setup"] == [12, 16, 18]
    assert not [c for c in recorded if c["call"] == "GPIO.output" and c["value"] == 1]
    assert recorded[-1]["call"] == "GPIO.cleanup"


# ---------------------------------------------------------------- signals

@pytest.fixture()
def stream_url() -> str:
    with mjpeg_stream(CLASS_COLOURS["blue"]) as url:
        yield url


def read_until(stream, wanted: str, deadline_s: float = 30.0) -> list[str]:
    """Read lines from a pipe until one equals `wanted` (fails after the deadline)."""
    lines: list[str] = []
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if lines[-1] == wanted:
            return lines
    raise AssertionError(f"never saw {wanted!r}: {lines}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_stops_live_stream_cleanly(signum: int, model_dir: Path,
                                          stream_url: str) -> None:
    process = subprocess.Popen([sys.executable, str(IMAGENET), *model_args(model_dir),
                                stream_url, "--gpio=sim", "--backend=onnxruntime"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = read_until(process.stdout, "LED pin 12 on")
        assert results_of(seen)[0][:2] == ("blue", 0)
        sent = time.monotonic()
        process.send_signal(signum)
        rest, errors = process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert took < 1.0, took
    assert rest.splitlines()[-1] == "LED pin 12 off"
    assert "Traceback" not in errors


def test_signal_while_camera_hangs_still_exits_in_time(model_dir: Path,
                                                       stream_url: str) -> None:
    stalled = stream_url.replace("/camera.mjpg", "/stall.mjpg")
    process = subprocess.Popen([sys.executable, str(IMAGENET), *model_args(model_dir),
                                stalled, "--gpio=sim", "--backend=onnxruntime"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        read_until(process.stdout, "LED pin 12 on")
        time.sleep(1.0)                       # the 5 frames are long gone: read() blocks
        assert process.poll() is None
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        rest, errors = process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        process.kill()
    assert process.returncode == 0 and took < 1.0, (process.returncode, took, errors)
    assert rest.splitlines()[-1] == "LED pin 12 off"
    assert "camera read still blocked" in errors  # it did not wait for the hung read


@pytest.mark.parametrize("gpio", ["jetson", "sim"])
def test_ssh_drop_hangup_on_pty_switches_leds_off(gpio: str, model_dir: Path, stream_url: str,
                                                  tmp_path: Path) -> None:
    """Closing the pty master is what sshd does when the connection drops: SIGHUP.

    With `sim` the LED-off line is written to a terminal that no longer exists.
    """
    master, slave = pty.openpty()

    def take_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen([sys.executable, str(IMAGENET), *model_args(model_dir),
                                stream_url, f"--gpio={gpio}", "--backend=onnxruntime"],
                               stdin=slave, stdout=slave, stderr=slave,
                               env=fake_env(tmp_path, "gpio"), preexec_fn=take_terminal)
    os.close(slave)
    try:
        deadline, text = time.monotonic() + 30, b""
        while b"class #0" not in text and time.monotonic() < deadline:
            text += os.read(master, 4096)
        assert b"image is recognized as 'blue' (class #0)" in text
        sent = time.monotonic()
        os.close(master)                      # the connection is gone
        process.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        process.kill()
    assert process.returncode == 0 and took < 1.0, (process.returncode, took)
    if gpio == "sim":
        return
    recorded = [c for c in calls(tmp_path) if c["call"].startswith("GPIO.output")]
    assert {"call": "GPIO.output", "lib": "Jetson.GPIO", "pin": 12, "value": 1} in recorded
    assert recorded[-1]["value"] == 0 and calls(tmp_path)[-1]["call"] == "GPIO.cleanup"


# ---------------------------------------------------------------- TensorRT backend (stand-in)

def trt_run(model_dir: Path, tmp_path: Path, layout: str, frames: str, *extra: str,
            **variables: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    env = fake_env(tmp_path, layout, FAKE_JETSON_FRAMES=frames, **variables)
    result = run_script([*model_args(model_dir), "--camera=0", "--gpio=sim", *extra], env=env)
    return result, calls(tmp_path)


@pytest.mark.parametrize("layout", ["modern", "legacy"])
def test_tensorrt_backend_calls_and_lines(layout: str, model_dir: Path, tmp_path: Path) -> None:
    result, recorded = trt_run(model_dir, tmp_path, layout, "0:0.9,0:0.8,2:0.7",
                               "--input-flip=rotate-180")   # auto picks TensorRT
    assert result.returncode == 0, result.stdout + result.stderr
    expected_argv = [str(IMAGENET.name), f"--model={model_dir / 'resnet18.onnx'}",
                     f"--labels={model_dir / 'labels.txt'}", "--input_blob=input_0",
                     "--output_blob=output_0", "--headless", "--input-flip=rotate-180"]
    net = [c for c in recorded if c["call"] == "imageNet"]
    source = [c for c in recorded if c["call"] == "videoSource"]
    assert len(net) == 1 and net[0]["network"] == str(model_dir / "resnet18.onnx")
    assert [Path(net[0]["argv"][0]).name, *net[0]["argv"][1:]] == expected_argv
    assert len(source) == 1 and source[0]["uri"] == "/dev/video0"
    assert source[0]["argv"] == net[0]["argv"]
    lines = stdout_lines(result)
    assert results_of(lines) == [("blue", 0, 90.0), ("yellow", 2, 70.0)]
    assert "image is recognized as 'blue' (class #0) with 90.000000% confidence" in lines
    assert led_lines(lines) == ["LED pin 12 on", "LED pin 12 off", "LED pin 18 on",
                                "LED pin 18 off"]
    assert [c["class_id"] for c in recorded if c["call"] == "GetClassDesc"] == [0, 2]
    assert recorded[-1]["call"] == "Close"


def test_tensorrt_csi_uri_and_scores(model_dir: Path, tmp_path: Path) -> None:
    env = fake_env(tmp_path, "modern", FAKE_JETSON_FRAMES="1:0.6", FAKE_JETSON_TOPK="1")
    result = run_script([*model_args(model_dir), "csi://0", "--gpio=sim", "--print-scores",
                         "--backend=tensorrt"], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    recorded = calls(tmp_path)
    assert [c["uri"] for c in recorded if c["call"] == "videoSource"] == ["csi://0"]
    assert {"call": "SetThreshold", "threshold": 0.0} in recorded
    assert stdout_lines(result)[:2] == [
        "image is recognized as 'red' (class #1) with 60.000000% confidence",
        "scores: 0.200000 0.600000 0.200000"]


def test_tensorrt_without_topk_omits_scores(model_dir: Path, tmp_path: Path) -> None:
    result, _ = trt_run(model_dir, tmp_path, "legacy", "1:0.6,1:0.6", "--print-scores",
                        "--print-rate=1000000")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = stdout_lines(result)
    assert len(results_of(lines)) == 2 and not [l for l in lines if l.startswith("scores:")]


def test_tensorrt_threshold_keeps_leds_dark(model_dir: Path, tmp_path: Path) -> None:
    result, _ = trt_run(model_dir, tmp_path, "modern", "1:0.3", "--threshold=0.5")
    assert result.returncode == 0
    assert results_of(stdout_lines(result)) == [("red", 1, 30.0)]
    assert led_lines(stdout_lines(result)) == []


@pytest.mark.parametrize("case", ["count", "open", "frames", "missing"])
def test_tensorrt_bad_input(case: str, model_dir: Path, tmp_path: Path) -> None:
    variables = {"count": {"FAKE_JETSON_CLASSES": "5"}, "open": {"FAKE_JETSON_OPEN": "fail"},
                 "frames": {}, "missing": {}}[case]
    fragment = {"count": "labels file has 3 classes but the model outputs 5",
                "open": "camera not found", "frames": "delivers no frames",
                "missing": "jetson-inference is not installed"}[case]
    frames = "" if case == "frames" else "0:0.9"
    layout = "gpio" if case == "missing" else "modern"
    result, _ = trt_run(model_dir, tmp_path, layout, frames, "--backend=tensorrt", **variables)
    assert_one_line_error(result, fragment)


def sigterm_during_inference(python: str, args: list[str], env: dict[str, str],
                             log_path: Path) -> tuple[int, float, list[tuple]]:
    """my-imagenet.py on an endless stand-in camera, SIGTERM after the first result: its
    exit status, how long the exit took, and the RPi.GPIO calls it made. Shared by the
    current-Python test here and the Python 3.6 one (test_nano_py36.py)."""
    process = subprocess.Popen([python, "-B", str(IMAGENET), *args, "--gpio=rpi"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        read_until(process.stdout, "image is recognized as 'yellow' (class #2) with "
                                   "90.000000% confidence")
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        process.kill()
    gpio = [(c["call"], c.get("pin"), c.get("value")) for c in recorded(log_path)
            if c["call"] in ("GPIO.output", "GPIO.cleanup") and c.get("lib") == "RPi.GPIO"]
    return process.returncode, took, gpio


def test_tensorrt_sigterm_on_endless_camera(model_dir: Path, tmp_path: Path) -> None:
    env = fake_env(tmp_path, "modern", "gpio", FAKE_JETSON_FRAMES="2:0.9,...")
    returncode, took, gpio = sigterm_during_inference(sys.executable, model_args(model_dir), env,
                                                      tmp_path / "calls.jsonl")
    assert returncode == 0 and took < 1.0, (returncode, took)
    assert gpio[0] == ("GPIO.output", 18, 1)
    assert gpio[-1] == ("GPIO.cleanup", None, None) and gpio[-2] == ("GPIO.output", 18, 0)
    assert "Close" in [c["call"] for c in calls(tmp_path)]


# ---------------------------------------------------------------- GPIO, switch_off_led.py

def test_gpio_auto_uses_jetson_gpio_board_pins(model_dir: Path, tmp_path: Path) -> None:
    video = write_video(tmp_path / "red.avi", [("red", 3)])
    result = run_script([*model_args(model_dir), str(video), "--backend=onnxruntime"],
                        env=fake_env(tmp_path, "gpio"))
    assert result.returncode == 0 and led_lines(stdout_lines(result)) == []
    recorded = [(c["call"], c.get("pin"), c.get("value", c.get("initial", c.get("mode"))))
                for c in calls(tmp_path) if c["call"] != "GPIO.setwarnings"]
    assert {c["lib"] for c in calls(tmp_path)} == {"Jetson.GPIO"}
    assert recorded == [("GPIO.setmode", None, "BOARD"), ("GPIO.setup", 12, 0),
                        ("GPIO.setup", 16, 0), ("GPIO.setup", 18, 0),
                        ("GPIO.output", 16, 1), ("GPIO.output", 12, 0),
                        ("GPIO.output", 16, 0), ("GPIO.output", 18, 0),
                        ("GPIO.cleanup", None, None)]


def test_gpio_permission_error_names_the_fix(model_dir: Path, tmp_path: Path) -> None:
    result = run_script([*model_args(model_dir), "--gpio=jetson", "--backend=onnxruntime"],
                        env=fake_env(tmp_path, "gpio", FAKE_GPIO_FAIL="permission"))
    assert_one_line_error(result, "add the user to the gpio group")
    off = run_script(["--gpio=jetson"], script=SWITCH_OFF,
                     env=fake_env(tmp_path, "gpio", FAKE_GPIO_FAIL="permission"))
    assert_one_line_error(off, "gpio group")


def test_gpio_library_missing_when_asked_for(tmp_path: Path) -> None:
    result = run_script(["--gpio=rpi"], script=SWITCH_OFF)
    assert_one_line_error(result, "--gpio rpi: RPi.GPIO")


def test_switch_off_led_simulated_and_custom_pins() -> None:
    result = run_script(["--gpio=sim"], script=SWITCH_OFF)
    assert result.returncode == 0
    assert stdout_lines(result) == ["LED pin 12 off", "LED pin 16 off", "LED pin 18 off"]
    custom = run_script(["--gpio", "sim", "--pins", "7,11"], script=SWITCH_OFF)
    assert custom.returncode == 0 and stdout_lines(custom) == ["LED pin 7 off", "LED pin 11 off"]


def test_log_level_takes_jetson_inference_names_in_any_case() -> None:
    """The old app passed `--log-level=info`, jetson-inference's spelling."""
    for level in ("info", "INFO", "verbose", "silent"):
        result = run_script(["--gpio=sim", f"--log-level={level}"], script=SWITCH_OFF)
        assert result.returncode == 0, result.stdout + result.stderr
    wrong = run_script(["--gpio=sim", "--log-level=loud"], script=SWITCH_OFF)
    assert wrong.returncode == 2


def test_switch_off_led_on_pins_never_set_up(tmp_path: Path) -> None:
    result = run_script([], script=SWITCH_OFF, env=fake_env(tmp_path, "gpio"))
    assert result.returncode == 0, result.stdout + result.stderr
    recorded = [(c["call"], c.get("pin"), c.get("value")) for c in calls(tmp_path)
                if c["call"] in ("GPIO.setup", "GPIO.output", "GPIO.cleanup")]
    assert recorded == [("GPIO.setup", 12, None), ("GPIO.output", 12, 0),
                        ("GPIO.setup", 16, None), ("GPIO.output", 16, 0),
                        ("GPIO.setup", 18, None), ("GPIO.output", 18, 0),
                        ("GPIO.cleanup", None, None)]
