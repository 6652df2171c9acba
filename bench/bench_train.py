#!/usr/bin/env python3
"""Head-only training against full fine-tuning, from the same pretrained weights, in one run.

Each repeat times, as the app runs them, `train.py` then `onnx_export.py` (which checks the
file it writes): from the start of step 5 to a checked ONNX file. Then every exported model
is scored with ONNX Runtime on a large held-out test set with the Nano's preprocessing.

- data: 3 shape classes (bench/shapes.py TARGET_SHAPES) x --images webcam-like pictures of
  320x240, split 80/10/10 like the app; plus --test-images per class never trained on;
- weights: ResNet-18 pretrained on 20 *other* generated classes (bench/pretrain_weights.py,
  cached under bench/out/, made on the first run; why it is a fair stand-in for ImageNet is
  said there);
- head: `train.py --mode head` (a fresh model folder each repeat: no cached feature);
  its phases are printed (imports, starting weights, reading and decoding, backbone,
  head, saving, the export and check train.py makes at its end, onnx_export.py);
  head+mirror (--variants): the same with `--head-views 2` (each picture and its mirror);
  head, cached: the first head training again with every feature cached (a retraining);
- full: `train.py --mode full` from the same weights (--full-epochs, --full-patience; one
  seed per --full-repeats), then `onnx_export.py` exporting and checking its checkpoint;
- target (issue 18): head-only <= 20 s to a checked ONNX file, test accuracy within 2
  points of full fine-tuning's: printed as met or not, with the machine's load;
- baseline (--baseline, default on CUDA): the old pytorch-classification recipe (fp32,
  DataLoader decoding every epoch), from bench_train_recipe.py, for the GPU figures.

Full fine-tuning from these weights uses train.py's pretrained recipe (the last layer
fitted on the frozen features first, BatchNorm statistics kept, AdamW 1e-4 warming up over
the first epoch); with the recipe for random weights (SGD 0.01, BatchNorm learning) it
reached only 46 % test accuracy after 5 epochs. The README's Speed table has the figures
of the current code.

    python3 bench/bench_train.py                        # 2-core CPU: 5-8 minutes (weights cached)
    python3 bench/bench_train.py --device cuda          # a GPU: full (AMP, channels_last),
                                                        # baseline and head-only
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "dl_scripts"))

from shapes import TARGET_SHAPES, make_dataset  # noqa: E402

log = logging.getLogger(__name__)
MARKER = "@ai_nano "


def run_step(command: list[str], label: str) -> tuple[float, list[dict[str, Any]], list[str]]:
    """Run one script as the app does; (seconds, its @ai_nano events, its lines). Fails loudly."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT / "dl_scripts", stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - started
    lines = result.stdout.splitlines()
    if result.returncode != 0:
        raise SystemExit(f"error: {label} failed ({result.returncode}): " + "\n".join(lines[-15:]))
    for line in lines:
        if not line.startswith(MARKER) and line.startswith(SHOWN):
            print(f"    {label}: {line}", flush=True)
    return seconds, [json.loads(line[len(MARKER):]) for line in lines if line.startswith(MARKER)], lines


SHOWN = ("training mode", "modules loaded", "features", "head trained", "exported and checked", "best",
         "checked", "warning")
# Phases of a head-only run, read from train.py's own lines (seconds each).
PHASES = {"imports": r"^modules loaded in ([\d.]+) s", "weights": r"starting weights ready ([\d.]+) s later",
          "decode": r"^features of .*reading, decoding and caching ([\d.]+) s",
          "backbone": r"^features of .*\(backbone ([\d.]+) s", "head": r"^head trained in ([\d.]+) s",
          "save": r"whole network saved in ([\d.]+) s", "export+check": r"^exported and checked .*\.onnx in ([\d.]+) s"}


def phases(lines: list[str]) -> dict[str, float]:
    """The head-only run's phases found in its lines."""
    found = {}
    for name, pattern in PHASES.items():
        for line in lines:
            match = re.search(pattern, line)
            if match:
                found[name] = float(match.group(1))
    return found


VARIANTS = {"head": ("head", []), "head+mirror": ("head", ["--head-views", "2"]), "full": ("full", [])}


def train_and_export(dataset: Path, model_dir: Path, variant: str, args: argparse.Namespace, weights: Path,
                     seed: int) -> dict[str, Any]:
    """Step 5 and the export: train.py then onnx_export.py, timed together."""
    mode, extra = VARIANTS[variant]
    command = [sys.executable, "train.py", f"--model-dir={model_dir}", str(dataset), "--mode", mode,
               "--weights", str(weights), "--seed", str(seed), "--resolution", str(args.resolution),
               "--device", args.device, *extra]
    if mode == "full":
        command += ["--epochs", str(args.full_epochs), "--patience", str(args.full_patience)]
        command += ["--lr", str(args.full_lr)] if args.full_lr else []
    train_s, events, lines = run_step(command, variant)
    export_s, _, _ = run_step([sys.executable, "onnx_export.py", f"--model-dir={model_dir}"], f"{variant} export")
    end = next(e for e in events if e["event"] == "end")
    found = phases(lines)
    found["rest of train.py"] = train_s - sum(found.values())
    found["onnx_export.py"] = export_s
    return {"seconds": train_s + export_s, "train_s": train_s, "export_s": export_s, "phases": found,
            "epochs": end["epochs_run"], "val_acc": end["best_val_acc"], "onnx": model_dir / "resnet18.onnx"}


def test_accuracy(onnx_path: Path, test_dir: Path, classes: list[str], resolution: int) -> float:
    """The exported model on the held-out pictures, Nano preprocessing, ONNX Runtime (CPU)."""
    import onnxruntime
    from nano_data import decode_rgb, list_images, nano_preprocess

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    correct = total = 0
    for path, label in list_images(test_dir, classes):
        scores = session.run(None, {"input_0": nano_preprocess(decode_rgb(path), resolution)})[0]
        correct += int(np.argmax(scores) == label)
        total += 1
    return correct / total


def spread(values: list[float], unit: str = "", scale: float = 1.0, digits: int = 1) -> str:
    """median (min-max) of the repeats."""
    values = [v * scale for v in values]
    text = f"{statistics.median(values):.{digits}f}{unit}"
    return text + (f" ({min(values):.{digits}f}-{max(values):.{digits}f})" if len(values) > 1 else "")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=100, help="pictures per class (3 classes), split 80/10/10")
    parser.add_argument("--test-images", type=int, default=100, help="held-out pictures per class for accuracy")
    parser.add_argument("--resolution", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each head-only variant")
    parser.add_argument("--variants", nargs="+", choices=tuple(VARIANTS), default=["head", "full"],
                        help="head: the Nano's view of each picture; head+mirror: also its mirror image")
    parser.add_argument("--full-repeats", type=int, default=1, help="repeats of full fine-tuning (slow on a CPU)")
    parser.add_argument("--full-epochs", type=int, default=6)
    parser.add_argument("--full-patience", type=int, default=3)
    parser.add_argument("--full-lr", type=float, default=None, help="full fine-tuning's learning rate "
                        "(default: train.py's, as the app runs it)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (passed to train.py)")
    parser.add_argument("--weights", type=Path, default=None,
                        help="starting weights (e.g. torchvision's ImageNet file; default: the stand-in "
                             "made and cached by bench/pretrain_weights.py)")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=None,
                        help="also run the old recipe (default: on CUDA only)")
    parser.add_argument("--baseline-epochs", type=int, default=10)
    return parser.parse_args()


def run_repeats(args: argparse.Namespace, root: Path, weights: Path) -> dict[str, list[dict[str, Any]]]:
    """Each variant once per repeat, alternating so that load changes hit all alike.

    Every run gets a fresh model folder (no cached feature); once, the first head-only
    training is run again with every feature cached (a retraining).
    """
    dataset = root / "models/bench"
    classes = sorted(TARGET_SHAPES)
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in (*args.variants, "head, cached")}
    for repeat in range(max(args.repeats, args.full_repeats)):
        for variant in args.variants:
            if repeat >= (args.full_repeats if variant == "full" else args.repeats):
                continue
            model_dir = dataset / f"model-{variant.replace('+', '-')}-{repeat}"  # export finds its pictures in ..
            runs = [train_and_export(dataset, model_dir, variant, args, weights, seed=repeat)]
            if variant == "head" and repeat == 0:
                runs.append(train_and_export(dataset, model_dir, variant, args, weights, seed=repeat))
            for name, result in zip((variant, "head, cached"), runs):
                result["test_acc"] = test_accuracy(result["onnx"], root / "heldout/test", classes, args.resolution)
                results[name].append(result)
                print(f"  {name} #{repeat + 1}: {result['seconds']:.1f} s to a checked ONNX file "
                      f"(train {result['train_s']:.1f} s, export {result['export_s']:.1f} s), "
                      f"{result['epochs']} epochs, test acc {result['test_acc']:.1%}", flush=True)
    return results


def summarise(args: argparse.Namespace, results: dict[str, list[dict[str, Any]]]) -> None:
    """Times, accuracies, the head-only phases and the issue's target, beside the machine's load."""
    load = os.getloadavg()
    print(f"\nresult ({args.repeats} head / {args.full_repeats} full repeats; median (min-max); "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) on {os.cpu_count()} CPUs)")
    for name, runs in results.items():
        if runs and "seconds" in runs[0]:
            print(f"  {name:13s} {spread([r['seconds'] for r in runs], ' s')} to a checked ONNX file "
                  f"(train.py {spread([r['train_s'] for r in runs], ' s')}, onnx_export.py "
                  f"{spread([r['export_s'] for r in runs], ' s')}), epochs {spread([r['epochs'] for r in runs], '', 1, 0)}, "
                  f"test acc {spread([r['test_acc'] for r in runs], ' %', 100)}")
    for name in ("head", "head, cached"):
        if results.get(name):
            parts = results[name][0]["phases"]
            print(f"  {name} phases: " + ", ".join(
                f"{phase} {spread([r['phases'].get(phase, 0.0) for r in results[name]], ' s', 1.0, 2)}"
                for phase in parts))
    for name in ("head", "head+mirror"):
        if results.get(name) and results.get("full"):
            gap = 100 * (statistics.mean(r["test_acc"] for r in results["full"])
                         - statistics.mean(r["test_acc"] for r in results[name]))
            seconds = statistics.median(r["seconds"] for r in results[name])
            ratio = statistics.median(r["seconds"] for r in results["full"]) / seconds
            print(f"  {name} is {ratio:.1f}x faster than full; full fine-tuning's mean test accuracy is "
                  f"{gap:+.1f} points from {name}'s")
            print(f"  target (<= 20 s, within 2 points): {name} {seconds:.1f} s "
                  f"{'met' if seconds <= 20 else 'NOT met'}, accuracy gap {gap:+.1f} points "
                  f"{'met' if gap <= 2 else 'NOT met'} (load {load[0]:.1f})")


def main() -> int:
    args = parse_args()
    import torch

    from pretrain_weights import parse_args as pretrain_args
    from pretrain_weights import pretrain

    cuda = args.device.startswith("cuda") or (args.device == "auto" and torch.cuda.is_available())
    weights = args.weights or pretrain(pretrain_args([]))
    with tempfile.TemporaryDirectory(prefix="bench_train_") as folder:
        root = Path(folder)
        per_split = (int(args.images * 0.8), args.images // 10, args.images - int(args.images * 0.8) - args.images // 10)
        make_dataset(root / "models/bench", TARGET_SHAPES, per_split, seed=100)
        make_dataset(root / "heldout", TARGET_SHAPES, (0, 0, args.test_images), seed=200)
        print(f"dataset: 3 classes x {args.images} pictures of 320x240 (train/val/test {per_split}), "
              f"{3 * args.test_images} held-out test pictures, {args.resolution} px, torch {torch.__version__}, "
              f"{'CUDA ' + torch.cuda.get_device_name(0) if cuda else f'{os.cpu_count()} CPUs'}, weights {weights.name}",
              flush=True)
        results = run_repeats(args, root, weights)
        if args.baseline if args.baseline is not None else cuda:
            from bench_train_recipe import run_baseline
            base = run_baseline(root / "models/bench", args.resolution, args.baseline_epochs, 2.0,
                                "cuda" if cuda else "cpu")
            print(f"  baseline (old recipe, fp32, from scratch): {base['images_per_s']:.1f} img/s, "
                  f"{base['epoch_seconds']:.1f} s per epoch", flush=True)
            results["baseline"] = [{"images_per_s": base["images_per_s"]}]
    summarise(args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
