#!/usr/bin/env python3
"""Frames per second of my-imagenet.py's loop against bare onnxruntime, same machine, one run.

    python3 bench/bench_inference.py [--frames 200] [--size 640x480] [--resolution 224]
                                     [--repeats 3] [--preview-width 320] [--preview-rate 5]

The loop (ONNX Runtime backend) reads a video file with OpenCV, preprocesses each frame as
jetson-inference does, classifies it, gates the printing and drives (simulated) LEDs. "Bare"
is `session.run` alone on the same frames, preprocessed beforehand. The model is an untrained
torchvision ResNet-18 with a 3-class head and a Softmax, exported like dl_scripts does
(TorchScript exporter, opset 11, static 1x3xHxW): same size and cost as a student's model.
Target: loop >= 90 % of bare.

Preview (issue 15): the same loop with the preview frames on (nano_frames: --preview-width
320 at --preview-rate 5, JPEG 70, encoded and written by the sender thread) against off,
alternating in the same run; target: on >= 90 % of off. Its bandwidth is the bytes of the
frame lines per second, on a camera-like video (a textured scene panning, a moving object,
sensor noise: JPEG sizes of a real room, not of a flat colour), per Nano and for 15.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "nano_scripts"))
sys.path.insert(0, str(ROOT))

from nano_frames import PREVIEW_QUALITY, FrameOutput, FrameSender, encode_jpeg  # noqa: E402
from nano_gpio import LedBank, SimulatedGPIO  # noqa: E402
from nano_loop import ResultGate, classification_loop  # noqa: E402
from nano_onnx import OnnxRuntimeBackend, Preprocessor  # noqa: E402

log = logging.getLogger(__name__)
LABELS = ["blue", "red", "yellow"]


def export_resnet18(path: Path, resolution: int) -> None:
    """Untrained ResNet-18 + Softmax, 3 classes, opset 11, input_0/output_0 (no download)."""
    import warnings

    import torch
    import torchvision

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # TorchScript exporter

    net = torch.nn.Sequential(torchvision.models.resnet18(weights=None, num_classes=3),
                              torch.nn.Softmax(dim=1)).eval()
    dummy = torch.zeros(1, 3, resolution, resolution)
    torch.onnx.export(net, (dummy,), str(path), dynamo=False, opset_version=11,
                      input_names=["input_0"], output_names=["output_0"])


def camera_like_video(path: Path, frames: int, size: tuple[int, int]) -> Path:
    """A room as a webcam sees it: a textured scene (detail at every scale) panning
    slowly, a moving object, sensor noise. JPEG sizes then match a real camera's."""
    import numpy as np

    width, height = size
    rng = np.random.default_rng(15)
    scene = np.zeros((height * 2, width * 2, 3), np.float32)
    for cells, weight in ((4, 90.0), (16, 45.0), (64, 22.0), (256, 10.0)):  # 1/f-like
        small = rng.uniform(-1, 1, (cells * height // width + 1, cells + 1, 3)).astype(np.float32)
        scene += weight * cv2.resize(small, (width * 2, height * 2),
                                     interpolation=cv2.INTER_CUBIC)
    scene = np.clip(scene + 120, 0, 255)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, size)
    for index in range(frames):
        x, y = (index * 3) % width, (index * 2) % height
        frame = scene[y:y + height, x:x + width].astype(np.uint8)
        cx = int(width * (0.3 + 0.4 * abs(((index / 60) % 2) - 1)))
        cv2.circle(frame, (cx, height // 2), height // 6, (40, 60, 200), -1)
        cv2.putText(frame, "ai_nano %03d" % index, (20, height - 30),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, (240, 240, 240), 2)
        noisy = frame + rng.normal(0, 2.5, frame.shape)                  # sensor noise
        writer.write(np.clip(noisy, 0, 255).astype(np.uint8))
    writer.release()
    return path


class LineCounter:
    """Stands for stdout: counts the bytes of the frame lines the sender would write."""

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0
        self.jpeg_bytes = 0

    def __call__(self, kind: str, seq: int, jpeg: bytes, width: int, height: int,
                 class_id: int | None, confidence: float | None) -> None:
        import base64

        fields = dict(event="frame", kind=kind, seq=seq, width=width, height=height,
                      class_id=class_id, confidence=confidence,
                      jpeg=base64.b64encode(jpeg).decode("ascii"))
        self.lines += 1
        self.bytes += len("@ai_nano " + json.dumps(fields, sort_keys=True) + "\n")
        self.jpeg_bytes += len(jpeg)


def time_loop(model: Path, video: Path, preview: tuple[int, float] | None = None,
              counter: LineCounter | None = None) -> tuple[int, float]:
    """(frames, seconds) of the real classification loop on the video, model already loaded;
    with `preview` (width, rate), the frame lines go to `counter`."""
    backend = OnnxRuntimeBackend(str(model), LABELS, str(video), "input_0", "output_0")
    leds = LedBank(SimulatedGPIO(emit=lambda line: None), [12, 16, 18])
    leds.setup()
    output = None
    if preview is not None:
        sender = FrameSender(preview[0], PREVIEW_QUALITY, write=counter or LineCounter())
        sender.start()
        output = FrameOutput(sender, preview[1])
    started = time.perf_counter()
    frames = classification_loop(backend, leds, ResultGate(2.0), 0.01, False,
                                 threading.Event(), emit=lambda line: None, output=output)
    seconds = time.perf_counter() - started
    if output is not None:
        output.close()
    leds.close()
    backend.close()
    return frames, seconds


def time_bare(model: Path, video: Path) -> tuple[int, float]:
    """(frames, seconds) of session.run alone on the same frames, preprocessed beforehand.

    The session is onnxruntime's default (every core, threads spinning between runs): the
    fastest a bare loop gets, whatever options nano_onnx chooses for its own session.
    """
    import onnxruntime

    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    shape = session.get_inputs()[0].shape
    preprocess = Preprocessor(shape[3], shape[2])
    capture = cv2.VideoCapture(str(video))
    tensors = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        tensors.append(preprocess(frame))
    capture.release()
    session.run(None, {input_name: tensors[0]})  # warm-up
    started = time.perf_counter()
    for tensor in tensors:
        session.run(None, {input_name: tensor})
    return len(tensors), time.perf_counter() - started


def time_parts(model: Path, video: Path, resolution: int,
               preview_width: int = 320) -> dict[str, float]:
    """Milliseconds of CPU per frame of what the reader thread does, and session.run's wall time.

    The reader's work (decode + preprocess) runs beside session.run on the same cores:
    this is what the loop pays over bare session.run when the cores are all busy.
    """
    import onnxruntime

    from nano_onnx import session_options

    cv2.setNumThreads(1)
    capture = cv2.VideoCapture(str(video))
    frames = []
    started = time.process_time()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    decode = (time.process_time() - started) / len(frames)
    preprocess = Preprocessor(resolution, resolution)
    started = time.process_time()
    tensors = [preprocess(frame) for frame in frames]
    prepare = (time.process_time() - started) / len(frames)
    started = time.process_time()
    for frame in frames:
        encode_jpeg(frame, preview_width, PREVIEW_QUALITY)
    encode = (time.process_time() - started) / len(frames)
    session = onnxruntime.InferenceSession(str(model), session_options(onnxruntime),
                                           providers=["CPUExecutionProvider"])
    session.run(None, {"input_0": tensors[0]})
    started = time.perf_counter()
    for tensor in tensors:
        session.run(None, {"input_0": tensor})
    return {"decode": 1e3 * decode, "preprocess": 1e3 * prepare, "encode": 1e3 * encode,
            "run": 1e3 * (time.perf_counter() - started) / len(tensors)}


def spread(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    return ", ".join(f"{v * scale:.{digits}f}" for v in values)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--size", default="640x480", help="video frame size WxH")
    parser.add_argument("--resolution", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=5,
                        help="rounds of back-to-back runs (bare, loop, loop + preview), "
                             "order alternating")
    parser.add_argument("--preview-width", type=int, default=320)
    parser.add_argument("--preview-rate", type=float, default=5.0)
    parser.add_argument("--nanos", type=int, default=15, help="Nanos of a class on one Wi-Fi")
    return parser.parse_args()


def measure(args: argparse.Namespace, model: Path, video: Path,
            counter: LineCounter) -> tuple[dict[str, list[float]], float]:
    """frames/s of each kind of run, round by round; and the seconds of the preview runs.

    ABBA order: each round runs bare, loop and loop + preview back to back (reversed every
    other round), so the three see the same machine load; ratios are taken within a round.
    """
    preview = (args.preview_width, args.preview_rate)
    runs = {
        "bare": lambda: time_bare(model, video),
        "loop": lambda: time_loop(model, video),
        "preview": lambda: time_loop(model, video, preview, counter),
    }
    fps: dict[str, list[float]] = {name: [] for name in runs}
    preview_seconds = 0.0
    for repeat in range(args.repeats):
        names = list(runs) if repeat % 2 == 0 else list(reversed(runs))
        for name in names:
            frames, seconds = runs[name]()
            assert frames == args.frames, f"{name} saw {frames} of {args.frames} frames"
            fps[name].append(frames / seconds)
            if name == "preview":
                preview_seconds += seconds
    return fps, preview_seconds


def main() -> int:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    width, height = (int(v) for v in args.size.lower().split("x"))
    counter = LineCounter()
    with tempfile.TemporaryDirectory(prefix="bench_nano_") as folder:
        work = Path(folder)
        model, labels = work / "resnet18.onnx", work / "labels.txt"
        labels.write_text("".join(f"{name}\n" for name in LABELS))
        export_resnet18(model, args.resolution)
        video = camera_like_video(work / "camera.avi", args.frames, (width, height))
        time_loop(model, video)  # warm-up: file cache, onnxruntime arenas
        fps, preview_seconds = measure(args, model, video, counter)
        parts = time_parts(model, video, args.resolution, args.preview_width)
    bare_fps, loop_fps, preview_fps = fps["bare"], fps["loop"], fps["preview"]
    loop_ratios = [a / b for a, b in zip(loop_fps, bare_fps)]
    preview_ratios = [a / b for a, b in zip(preview_fps, loop_fps)]
    per_nano = counter.bytes / preview_seconds / 1000
    print(f"model: ResNet-18 (untrained, 3 classes) {args.resolution}x{args.resolution}, "
          f"video {width}x{height} MJPG (camera-like scene), {args.frames} frames, "
          f"{args.repeats} rounds of back-to-back runs")
    print(f"bare session.run : {statistics.median(bare_fps):7.1f} frames/s  (runs: "
          f"{spread(bare_fps)})")
    print(f"my-imagenet loop : {statistics.median(loop_fps):7.1f} frames/s  (runs: "
          f"{spread(loop_fps)})  preview off")
    print(f"loop + preview   : {statistics.median(preview_fps):7.1f} frames/s  (runs: "
          f"{spread(preview_fps)})  preview {args.preview_width} px at {args.preview_rate:g}/s")
    print(f"loop / bare      : {100 * statistics.median(loop_ratios):7.1f} %  median of the "
          f"rounds (rounds: {spread(loop_ratios, 100, 0)}; target >= 90 %)")
    print(f"preview on / off : {100 * statistics.median(preview_ratios):7.1f} %  median of the "
          f"rounds (rounds: {spread(preview_ratios, 100, 0)}; target >= 90 %)")
    print(f"preview frames   : {counter.lines} in {preview_seconds:.1f} s "
          f"({counter.lines / preview_seconds:.2f}/s), JPEG "
          f"{counter.jpeg_bytes / max(counter.lines, 1) / 1000:.1f} kB, line "
          f"{counter.bytes / max(counter.lines, 1) / 1000:.1f} kB (base64 + JSON)")
    print(f"preview bandwidth: {per_nano:7.1f} kB/s per Nano, {per_nano * args.nanos:.0f} kB/s "
          f"= {per_nano * args.nanos * 8 / 1000:.1f} Mbit/s for {args.nanos} Nanos")
    print(f"per frame        : decode {parts['decode']:.2f} ms CPU, preprocess "
          f"{parts['preprocess']:.2f} ms CPU (the reader thread), session.run "
          f"{parts['run']:.2f} ms wall without spinning threads")
    print(f"preview cost     : {parts['encode']:.2f} ms CPU per preview frame (scale + JPEG, "
          f"the sender thread) = {parts['encode'] * args.preview_rate / 10:.2f} % of one core "
          f"at {args.preview_rate:g}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
