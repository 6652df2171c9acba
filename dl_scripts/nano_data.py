"""Dataset reading for the DL-server scripts: class order, labels.txt, decoding, Nano preprocessing.

Why a module of its own: training, export parity and evaluation must agree on three facts
that decide whether the Nano gives the accuracy we print (shared/NANO_FACTS.md):
- class ids are the class folder names sorted exactly as torchvision's ImageFolder sorts them;
- the Nano stretches the whole frame to W x H by nearest neighbour (no crop), RGB, /255,
  then ImageNet mean/std;
- labels.txt holds one class per line, no blank line.
Images are decoded once into uint8 arrays, so training never decodes a JPEG twice.
"""
from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from dl_common import ScriptError, warn

log = logging.getLogger(__name__)

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
NANO_PREPROCESSING = ("whole frame stretched to {w}x{h} (nearest neighbour), RGB, /255, "
                      "ImageNet mean/std")


def find_classes(split_dir: Path) -> list[str]:
    """Class names in ImageFolder's order: sub-folders, Python `sorted` (case-sensitive)."""
    return sorted(entry.name for entry in os.scandir(split_dir) if entry.is_dir())


def read_labels(path: Path) -> list[str]:
    """labels.txt as a list; blank or duplicate lines are errors (they shift the Nano's ids)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ScriptError(f"cannot read {path}: {error}") from None
    while lines and not lines[-1].strip():
        lines.pop()
    labels = [line.strip() for line in lines]
    if any(not label for label in labels):
        raise ScriptError(f"{path} has a blank line: one class name per line, no blank line")
    if len(set(labels)) != len(labels):
        raise ScriptError(f"{path} names a class twice")
    return labels


def dataset_classes(root: Path, splits: tuple[str, ...] = ("train", "val")) -> list[str]:
    """Check the dataset layout and return its classes (sorted train/ folder names).

    Raises ScriptError when a split is missing, when splits disagree, when there are
    fewer than 2 classes, or when root/labels.txt disagrees with the folders.
    """
    if not root.is_dir():
        raise ScriptError(f"dataset folder {root} does not exist")
    for split in splits:
        if not (root / split).is_dir():
            raise ScriptError(f"dataset {root} has no {split}/ folder")
    classes = find_classes(root / splits[0])
    if len(classes) < 2:
        raise ScriptError(f"{root / splits[0]} holds {len(classes)} class folder(s): a classifier "
                          "needs at least 2")
    for split in splits[1:]:
        other = find_classes(root / split)
        if other != classes:
            raise ScriptError(f"{split}/ classes {other} differ from {splits[0]}/ classes {classes}")
    labels_file = root / "labels.txt"
    if labels_file.exists():
        labels = read_labels(labels_file)
        if labels != classes:
            raise ScriptError(f"{labels_file} lists {labels} but the class folders are {classes} "
                              "(sorted): the labels would not match the model's outputs")
    return classes


def list_images(split_dir: Path, classes: list[str]) -> list[tuple[Path, int]]:
    """Every visible file of split_dir/<class>/, with its class id, in a stable order."""
    items: list[tuple[Path, int]] = []
    for index, name in enumerate(classes):
        folder = split_dir / name
        if not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith("."):
                items.append((Path(entry.path), index))
    return items


def decode_rgb(path: Path) -> np.ndarray | None:
    """Decode one image file to an H x W x 3 uint8 RGB array; None (with a warning) if it fails."""
    try:
        with Image.open(path) as image:
            image.load()
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        warn(f"skipping {path}: not a readable image ({type(error).__name__})")
        return None
    except Image.DecompressionBombError as error:   # not an OSError: would end the training
        warn(f"skipping {path}: too large to decode ({error})")
        return None


def nano_resize(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Stretch the whole frame to width x height the way jetson-inference samples it.

    Its CUDA kernel reads source pixel (int(x * in_w / out_w), int(y * in_h / out_h)) for
    output pixel (x, y): nearest neighbour, no centre offset, no crop.
    """
    in_h, in_w = rgb.shape[:2]
    rows = (np.arange(height) * in_h // height).clip(0, in_h - 1)
    cols = (np.arange(width) * in_w // width).clip(0, in_w - 1)
    return rgb[rows][:, cols]


def normalise_nchw(batch_uint8: np.ndarray) -> np.ndarray:
    """N x H x W x 3 uint8 -> N x 3 x H x W float32, /255 then ImageNet mean/std (the Nano's)."""
    mean = np.asarray(IMAGENET_MEAN, np.float32).reshape(1, 3, 1, 1)
    std = np.asarray(IMAGENET_STD, np.float32).reshape(1, 3, 1, 1)
    chw = batch_uint8.transpose(0, 3, 1, 2).astype(np.float32) / np.float32(255.0)
    return (chw - mean) / std


def nano_preprocess(rgb: np.ndarray, resolution: int) -> np.ndarray:
    """One decoded frame -> the 1 x 3 x R x R float32 tensor the Nano feeds its network."""
    return normalise_nchw(nano_resize(rgb, resolution, resolution)[None])


def stored_size(resolution: int) -> int:
    """Side of the in-memory training images: a little above the resolution, room to crop."""
    return int(round(resolution * 8 / 7))


@dataclass
class DecodedSplit:
    """A split decoded once: images N x S x S x 3 uint8, labels N int64, their files."""

    images: np.ndarray
    labels: np.ndarray
    files: list[Path]
    skipped: list[Path]

    def __len__(self) -> int:
        return len(self.labels)


def _decode_for(path: Path, size: int, nano: bool) -> np.ndarray | None:
    rgb = decode_rgb(path)
    if rgb is None:
        return None
    if nano:
        return nano_resize(rgb, size, size)
    # Training copy: a smooth stretch to S x S; crops and flips are made later on tensors.
    return np.asarray(Image.fromarray(rgb).resize((size, size), Image.BILINEAR), dtype=np.uint8)


def decode_split(split_dir: Path, classes: list[str], size: int, *, nano: bool,
                 workers: int = 4, require_every_class: bool = True) -> DecodedSplit:
    """Decode every image of split_dir once, resized to size x size, in a thread pool.

    nano=True resizes exactly as the Nano does (validation and test); nano=False keeps a
    smooth copy for training augmentation. Unreadable files are skipped with a warning;
    a class left empty is an error when require_every_class is set.
    """
    items = list_images(split_dir, classes)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        decoded = list(pool.map(lambda item: _decode_for(item[0], size, nano), items))
    kept = [(item, array) for item, array in zip(items, decoded) if array is not None]
    skipped = [item[0] for item, array in zip(items, decoded) if array is None]
    counts = np.bincount([item[1] for item, _ in kept], minlength=len(classes))
    empty = [classes[i] for i, count in enumerate(counts) if count == 0]
    if empty and require_every_class:
        raise ScriptError(f"class {empty[0]!r} has no readable image in {split_dir}")
    images = (np.stack([array for _, array in kept]) if kept
              else np.zeros((0, size, size, 3), np.uint8))
    labels = np.asarray([item[1] for item, _ in kept], dtype=np.int64)
    return DecodedSplit(images, labels, [item[0] for item, _ in kept], skipped)
