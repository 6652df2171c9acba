#!/usr/bin/env python3
"""Starting weights for the training benchmark: a ResNet-18 pretrained on generated pictures.

There is no internet here for torchvision's ImageNet weights, and the benchmark must compare
head-only training with full fine-tuning *from the same pretrained start*. This script makes
that start: ResNet-18 trained from scratch on 20 generated classes (bench/shapes.py
PRETRAIN_SHAPES: filled and outlined polygons, stars, letters, ellipses, rings, textures of
stripes, checks, dots and zigzags), on fresh pictures every epoch, and writes its state dict
to bench/out/ (not in git; a second call with the same settings returns at once).

Why it is a fair stand-in for ImageNet weights:
- disjoint classes: the benchmark's classes (arrow, crescent, heart) are never seen here, as
  a classroom's webcam classes are not ImageNet's; the head must reuse general features;
- the same visual world, as ImageNet is for webcam pictures: outlines of any colour, size
  (12-45 % of the picture's short side), angle and position, on gradient backgrounds with
  distractor blobs, lines and sensor noise, so the backbone learns edges, corners, curvature
  and textures that hold across scenes rather than one dataset's shortcuts;
- it is a real, if small, feature extractor: 38 400 fresh pictures (24 epochs of 80 per
  class), its accuracy on its own 20 classes printed at the end and stored in the .json
  beside the weights; far weaker than ImageNet's (1.3 million pictures at 224 px), so
  head-only training, which relies on the features alone, is if anything handicapped
  against full fine-tuning;
- pretrained at 64 px for CPU time, used at 224 px: the shapes' sizes vary almost 4-fold
  (12-45 % of the short side), so the filters see a range of object sizes in pixels, and
  BatchNorm's statistics are measured again at 224 px at the end (FixRes), no weight changed.

    python3 bench/pretrain_weights.py            # about 10 minutes on 2 CPU cores, then cached
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "dl_scripts"))

from shapes import PRETRAIN_SHAPES, make_picture  # noqa: E402
from fine_tune import normalise  # noqa: E402

log = logging.getLogger(__name__)
OUT = HERE / "out"
RADIUS_RANGE = (0.12, 0.45)  # wider than the benchmark's 0.18-0.36: features across scales


def pictures(count: int, size: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """count new pictures per class, stretched to size x size RGB uint8 (N x S x S x 3), and labels."""
    images, labels = [], []
    for label, kind in enumerate(PRETRAIN_SHAPES):
        for _ in range(count):
            bgr = make_picture(kind, rng, (int(size * 4 / 3), size), RADIUS_RANGE, clutter=True)
            images.append(cv2.cvtColor(cv2.resize(bgr, (size, size), interpolation=cv2.INTER_AREA),
                                       cv2.COLOR_BGR2RGB))
            labels.append(label)
    return torch.from_numpy(np.stack(images)), torch.tensor(labels)


def as_input(images: torch.Tensor) -> torch.Tensor:
    return normalise(images.permute(0, 3, 1, 2).float() / 255).contiguous(memory_format=torch.channels_last)


def recalibrate_batchnorm(model: torch.nn.Module, resolution: int, rng: np.random.Generator) -> None:
    """BatchNorm statistics measured again at the benchmark's resolution (FixRes' remedy).

    The filters were learnt on small pictures for CPU time; a network run at 224 px sees
    other activation statistics, which this forward-only pass (no weight changes) measures.
    """
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # cumulative average over the passes below
    model.train()
    with torch.no_grad():
        for _ in range(4):
            images, _ = pictures(3, resolution, rng)
            model(as_input(images))


def weights_path(args: argparse.Namespace) -> Path:
    return OUT / (f"resnet18-shapes{len(PRETRAIN_SHAPES)}-r{args.resolution}-n{args.images}-e{args.epochs}"
                  f"-lr{args.lr:g}-s{args.seed}-bn{args.target_resolution}.pth")


def pretrain(args: argparse.Namespace) -> Path:
    """Train and save; returns the weights file (reused when it exists)."""
    path = weights_path(args)
    if path.is_file():
        print(f"pretrained weights cached: {path}", flush=True)
        return path
    threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        return train_and_save(args, path)
    finally:
        torch.set_num_threads(threads)


def train_and_save(args: argparse.Namespace, path: Path) -> Path:
    """Train on fresh pictures every epoch (no over-fitting, no augmentation needed), then save."""
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    val_x, val_y = pictures(10, args.resolution, np.random.default_rng(args.seed + 1))
    model = torchvision.models.resnet18(num_classes=len(PRETRAIN_SHAPES)).to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.02)
    steps = args.epochs * -(-args.images * len(PRETRAIN_SHAPES) // args.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=steps, pct_start=0.2)
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        train_x, train_y = pictures(args.images, args.resolution, rng)
        model.train()
        for index in torch.randperm(len(train_y)).split(args.batch_size):
            inputs = as_input(train_x[index])
            if torch.rand(1).item() < 0.5:
                inputs = inputs.flip(3)
            loss = F.cross_entropy(model(inputs), train_y[index], label_smoothing=0.1)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        model.eval()
        with torch.inference_mode():
            accuracy = (model(as_input(val_x)).argmax(1) == val_y).float().mean().item()
        print(f"pretraining epoch {epoch}/{args.epochs}: loss {loss.item():.3f}, val acc {accuracy:.1%}, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    recalibrate_batchnorm(model, args.target_resolution, rng)
    OUT.mkdir(parents=True, exist_ok=True)
    state = {key: value.contiguous() for key, value in model.state_dict().items()}
    torch.save(state, path.with_suffix(".part"))
    path.with_suffix(".part").replace(path)
    path.with_suffix(".json").write_text(json.dumps({"classes": list(PRETRAIN_SHAPES), "val_acc": accuracy,
                                                     "seconds": round(time.perf_counter() - started)}))
    print(f"wrote {path} (val acc {accuracy:.1%} on {len(PRETRAIN_SHAPES)} pretraining classes)", flush=True)
    return path


def default_threads() -> int:
    """2 threads on a quiet 2-core machine; 1 when other work already loads the CPUs."""
    cpus = os.cpu_count() or 1
    return 1 if os.getloadavg()[0] >= cpus - 0.5 else min(2, cpus)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=64, help="pretraining input side (low: CPU time)")
    parser.add_argument("--target-resolution", type=int, default=224,
                        help="resolution at which BatchNorm statistics are measured at the end")
    parser.add_argument("--images", type=int, default=80, help="new pictures per class and epoch")
    parser.add_argument("--epochs", type=int, default=24)
    parser.add_argument("--lr", type=float, default=3e-3, help="AdamW peak learning rate (one-cycle)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=default_threads(),
                        help="torch threads (default: 2, or 1 on a CPU already busy, where two "
                             "threads mostly wait for each other)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    pretrain(parse_args())
