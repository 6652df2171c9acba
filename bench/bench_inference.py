#!/usr/bin/env python3
"""Frames per second of my-imagenet.py's loop against bare onnxruntime, same machine, one run.

    python3 bench/bench_inference.py [--frames 200] [--size 640x480] [--resolution 224]

The loop (ONNX Runtime backend) reads a video file with OpenCV, preprocesses each frame as
jetson-inference does, classifies it, gates the printing and drives (simulated) LEDs. "Bare"
is `session.run` alone on the same frames, preprocessed beforehand. The model is an untrained
torchvision ResNet-18 with a 3-class head and a Softmax, exported like dl_scripts does
(TorchScript exporter, opset 11, static 1x3xHxW): same size and cost as a student's model.
Target: loop >= 90 % of bare.
"""
from __future__ import annotations

import argparse
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

from nano_gpio import LedBank, SimulatedGPIO  # noqa: E402
from nano_loop import ResultGate, classification_loop  # noqa: E402
from nano_onnx import OnnxRuntimeBackend, Preprocessor  # noqa: E402
from tests.media import CLASS_COLOURS, make_video  # noqa: E402

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


def time_loop(model: Path, video: Path) -> tuple[int, float]:
    """(frames, seconds) of the real classification loop on the video, model already loaded."""
    backend = OnnxRuntimeBackend(str(model), LABELS, str(video), "input_0", "output_0")
    leds = LedBank(SimulatedGPIO(emit=lambda line: None), [12, 16, 18])
    leds.setup()
    started = time.perf_counter()
    frames = classification_loop(backend, leds, ResultGate(2.0), 0.01, False,
                                 threading.Event(), emit=lambda line: None)
    seconds = time.perf_counter() - started
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


def time_parts(model: Path, video: Path, resolution: int) -> dict[str, float]:
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
    session = onnxruntime.InferenceSession(str(model), session_options(onnxruntime),
                                           providers=["CPUExecutionProvider"])
    session.run(None, {"input_0": tensors[0]})
    started = time.perf_counter()
    for tensor in tensors:
        session.run(None, {"input_0": tensor})
    return {"decode": 1e3 * decode, "preprocess": 1e3 * prepare,
            "run": 1e3 * (time.perf_counter() - started) / len(tensors)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--size", default="640x480", help="video frame size WxH")
    parser.add_argument("--resolution", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=5,
                        help="pairs of back-to-back runs (bare, loop), order alternating")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    width, height = (int(v) for v in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="bench_nano_") as folder:
        work = Path(folder)
        model, labels = work / "resnet18.onnx", work / "labels.txt"
        labels.write_text("".join(f"{name}\n" for name in LABELS))
        export_resnet18(model, args.resolution)
        video = make_video(work / "camera.avi", CLASS_COLOURS["red"], frames=args.frames,
                           size=(width, height), fps=30.0)
        time_loop(model, video)  # warm-up: file cache, onnxruntime arenas
        loop_fps, bare_fps, ratios = [], [], []
        for repeat in range(args.repeats):
            pair = {}
            # ABBA order: each pair runs back to back, so both see the same machine load
            for name in (("bare", "loop") if repeat % 2 == 0 else ("loop", "bare")):
                frames, seconds = (time_bare if name == "bare" else time_loop)(model, video)
                assert frames == args.frames, f"{name} saw {frames} of {args.frames} frames"
                pair[name] = frames / seconds
            bare_fps.append(pair["bare"])
            loop_fps.append(pair["loop"])
            ratios.append(pair["loop"] / pair["bare"])
        parts = time_parts(model, video, args.resolution)
    loop, bare = statistics.median(loop_fps), statistics.median(bare_fps)
    print(f"model: ResNet-18 (untrained, 3 classes) {args.resolution}x{args.resolution}, "
          f"video {width}x{height} MJPG, {args.frames} frames, {args.repeats} pairs of runs")
    print(f"bare session.run : {bare:7.1f} frames/s  (runs: "
          f"{', '.join(f'{v:.1f}' for v in bare_fps)})")
    print(f"my-imagenet loop : {loop:7.1f} frames/s  (runs: "
          f"{', '.join(f'{v:.1f}' for v in loop_fps)})")
    print(f"loop / bare      : {100 * statistics.median(ratios):7.1f} %  median of the pairs "
          f"(pairs: {', '.join(f'{100 * v:.0f}' for v in ratios)}; target >= 90 %)")
    print(f"per frame        : decode {parts['decode']:.2f} ms CPU, preprocess {parts['preprocess']:.2f} ms CPU "
          f"(the reader thread), session.run {parts['run']:.2f} ms wall without spinning threads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
