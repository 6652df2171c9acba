#!/usr/bin/env python3
"""Training speed: our dl_scripts/train.py against what the old pytorch-classification script did.

Both train ResNet-18 from scratch on the same generated dataset on this machine, in one run:
- baseline: torchvision ImageFolder + DataLoader decoding every JPEG each epoch, batch 8,
  2 workers, RandomResizedCrop + flip, fp32, SGD lr 0.1 (the old defaults), no early stop;
- ours: `python3 dl_scripts/train.py ... --no-pretrained` exactly as the app runs it.
Both are judged on the same validation set with the Nano's preprocessing. Printed: training
images/s (median over epochs after the first), epochs and wall time to reach --target-acc,
and what the old script's fixed 35 epochs would take.

    python3 bench/bench_train_recipe.py                     # 224 px, about 5 minutes on 2 CPU cores
    python3 bench/bench_train_recipe.py --resolution 64 --images 20   # a quick look
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torchvision
from torch import nn
from torchvision import transforms

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.media import CLASS_COLOURS, make_split_dataset  # noqa: E402

log = logging.getLogger(__name__)
MARKER = "@ai_nano "
OLD_SCRIPT_EPOCHS = 35


def nano_val_loader(folder: Path, resolution: int) -> torch.utils.data.DataLoader:
    """Validation with the Nano's preprocessing (nearest stretch, ImageNet mean/std), old-style loading."""
    transform = transforms.Compose([
        transforms.Resize((resolution, resolution), interpolation=transforms.InterpolationMode.NEAREST),
        transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    return torch.utils.data.DataLoader(torchvision.datasets.ImageFolder(str(folder), transform),
                                       batch_size=8, num_workers=2)


def run_baseline(dataset: Path, resolution: int, epochs: int, target: float,
                 device: str = "cpu") -> dict[str, Any]:
    """The old recipe: decode JPEGs every epoch, batch 8, 2 workers, RandomResizedCrop, fp32."""
    torch.manual_seed(0)
    train_set = torchvision.datasets.ImageFolder(str(dataset / "train"), transforms.Compose([
        transforms.RandomResizedCrop(resolution), transforms.RandomHorizontalFlip(), transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))]))
    loader = torch.utils.data.DataLoader(train_set, batch_size=8, shuffle=True, num_workers=2)
    val_loader = nano_val_loader(dataset / "val", resolution)
    model = torchvision.models.resnet18(num_classes=len(train_set.classes)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    criterion = nn.CrossEntropyLoss()
    started = time.perf_counter()
    rates, seconds, reached = [], [], None
    for epoch in range(1, epochs + 1):
        model.train()
        epoch_start = time.perf_counter()
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            loss = criterion(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        train_seconds = time.perf_counter() - epoch_start
        model.eval()
        correct = 0
        with torch.inference_mode():
            for images, labels in val_loader:
                correct += (model(images.to(device)).argmax(1).cpu() == labels).sum().item()
        val_acc = correct / len(val_loader.dataset)
        rates.append(len(train_set) / train_seconds)
        seconds.append(time.perf_counter() - epoch_start)
        print(f"  baseline epoch {epoch}/{epochs}: {rates[-1]:.1f} img/s, val acc {val_acc:.1%}", flush=True)
        if reached is None and val_acc >= target:
            reached = {"epoch": epoch, "seconds": time.perf_counter() - started}
    return {"images_per_s": float(np.median(rates[1:] or rates)), "epoch_seconds": float(np.mean(seconds)),
            "reached": reached, "epochs_run": epochs}


def run_ours(dataset: Path, resolution: int, epochs: int, patience: int, target: float,
             batch_size: int, precision: str) -> dict[str, Any]:
    """dl_scripts/train.py as a subprocess; events are timed as they arrive."""
    command = [sys.executable, str(ROOT / "dl_scripts/train.py"), f"--model-dir={dataset / 'model'}", str(dataset),
               "--no-pretrained", "--resolution", str(resolution), "--epochs", str(epochs),
               "--patience", str(patience), "--batch-size", str(batch_size), "--precision", precision]
    started = time.perf_counter()
    rates, seconds, reached, end = [], [], None, {}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            line = line.rstrip("\n")
            if not line.startswith(MARKER):
                print(f"  ours: {line}", flush=True)
                continue
            event = json.loads(line[len(MARKER):])
            if event["event"] == "epoch":
                rates.append(event["images_per_s"])
                seconds.append(event["seconds"])
                print(f"  ours epoch {event['epoch']}/{epochs}: {event['images_per_s']:.1f} img/s, "
                      f"val acc {event['val_acc']:.1%}", flush=True)
                if reached is None and event["val_acc"] >= target:
                    reached = {"epoch": event["epoch"], "seconds": time.perf_counter() - started}
            elif event["event"] == "end":
                end = event
    if process.returncode != 0:
        raise SystemExit(f"error: train.py failed with exit status {process.returncode}")
    return {"images_per_s": float(np.median(rates[1:] or rates)), "reached": reached,
            "epochs_run": end.get("epochs_run"), "stopped_early": end.get("stopped_early"),
            "total_seconds": time.perf_counter() - started}


def main() -> int:
    """Generate the dataset, run both trainers, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=224)
    parser.add_argument("--images", type=int, default=30, help="training images per class (3 classes)")
    parser.add_argument("--image-size", default="320x240", help="generated image size WxH")
    parser.add_argument("--target-acc", type=float, default=0.95, help="validation accuracy to reach")
    parser.add_argument("--baseline-epochs", type=int, default=4, help="epochs of the (slow) baseline")
    parser.add_argument("--epochs", type=int, default=35, help="maximum epochs of ours")
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--precision", default="auto", help="ours: auto, fp32, bf16 (see train.py)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.image_size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="bench_train_") as folder:
        dataset = make_split_dataset(Path(folder) / "models/bench", CLASS_COLOURS,
                                     counts=(args.images, max(4, args.images // 3), 2),
                                     size=(width, height))
        print(f"dataset: 3 classes x {args.images} train images of {width}x{height}, "
              f"resolution {args.resolution}, torch {torch.__version__}, {torch.get_num_threads()} threads",
              flush=True)
        print("baseline (old recipe):", flush=True)
        baseline = run_baseline(dataset, args.resolution, args.baseline_epochs, args.target_acc)
        print("ours (dl_scripts/train.py):", flush=True)
        ours = run_ours(dataset, args.resolution, args.epochs, args.patience, args.target_acc, args.batch_size,
                        args.precision)

    def reached(result: dict[str, Any]) -> str:
        hit = result["reached"]
        return f"epoch {hit['epoch']}, {hit['seconds']:.0f} s" if hit else "not reached"

    print(f"\nresult (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  training throughput: baseline {baseline['images_per_s']:.1f} img/s, "
          f"ours {ours['images_per_s']:.1f} img/s ({ours['images_per_s'] / baseline['images_per_s']:.1f}x)")
    print(f"  val accuracy >= {args.target_acc:.0%}: baseline {reached(baseline)} "
          f"(of {baseline['epochs_run']} epochs run), ours {reached(ours)}")
    print(f"  whole training: baseline runs {OLD_SCRIPT_EPOCHS} epochs, about "
          f"{baseline['epoch_seconds'] * OLD_SCRIPT_EPOCHS:.0f} s here (estimated from its epochs); "
          f"ours ran {ours['epochs_run']} epochs (stopped early: {ours['stopped_early']}) in "
          f"{ours['total_seconds']:.0f} s, start-up included")
    return 0


if __name__ == "__main__":
    sys.exit(main())
