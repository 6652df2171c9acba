"""Generated "webcam-like" pictures of shapes: the classes of the training benchmark.

Each picture: a random two-colour gradient background with sensor noise, a few distractor
blobs, and one shape of a random colour, size, position and rotation, slightly blurred.
Colour never tells the class; only the shape does, so a network must learn edges and
outlines, as with real webcam classes (a hand, a cup, a face).

PRETRAIN_SHAPES build the stand-in for ImageNet weights (bench/pretrain_weights.py);
TARGET_SHAPES are the benchmark's 3 classes, disjoint from those, as a classroom's classes
are disjoint from ImageNet's.
"""
from __future__ import annotations

import logging
import math
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

PRETRAIN_SHAPES = ("circle", "square", "triangle", "cross", "ring", "stripes", "checker", "star",
                   "diamond", "bar", "pentagon", "hexagon", "ellipse", "letter_l", "letter_t", "star8",
                   "square_outline", "triangle_outline", "dots", "zigzag")
TARGET_SHAPES = ("arrow", "crescent", "heart")


def _polygon(centre: tuple[float, float], radius: float, points: list[tuple[float, float]],
             angle: float) -> np.ndarray:
    """Unit-shape points (x, y in -1..1) rotated by angle, scaled and moved to centre."""
    cos, sin = math.cos(angle), math.sin(angle)
    out = [(centre[0] + radius * (x * cos - y * sin), centre[1] + radius * (x * sin + y * cos))
           for x, y in points]
    return np.round(np.asarray(out)).astype(np.int32)


def _star(points: int, inner: float) -> list[tuple[float, float]]:
    return [((1.0 if i % 2 == 0 else inner) * math.cos(math.pi * i / points - math.pi / 2),
             (1.0 if i % 2 == 0 else inner) * math.sin(math.pi * i / points - math.pi / 2))
            for i in range(2 * points)]


UNIT_POLYGONS: dict[str, list[tuple[float, float]]] = {
    "square": [(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)],
    "triangle": [(0.0, -1.0), (0.9, 0.7), (-0.9, 0.7)],
    "cross": [(-0.3, -1), (0.3, -1), (0.3, -0.3), (1, -0.3), (1, 0.3), (0.3, 0.3), (0.3, 1), (-0.3, 1),
              (-0.3, 0.3), (-1, 0.3), (-1, -0.3), (-0.3, -0.3)],
    "star": _star(5, 0.45),
    "diamond": [(0.0, -1.0), (0.6, 0.0), (0.0, 1.0), (-0.6, 0.0)],
    "bar": [(-1.0, -0.2), (1.0, -0.2), (1.0, 0.2), (-1.0, 0.2)],
    "arrow": [(-1, -0.25), (0.2, -0.25), (0.2, -0.7), (1, 0), (0.2, 0.7), (0.2, 0.25), (-1, 0.25)],
    "pentagon": [(math.cos(2 * math.pi * i / 5 - math.pi / 2), math.sin(2 * math.pi * i / 5 - math.pi / 2))
                 for i in range(5)],
    "hexagon": [(math.cos(2 * math.pi * i / 6), math.sin(2 * math.pi * i / 6)) for i in range(6)],
    "letter_l": [(-0.7, -1), (-0.2, -1), (-0.2, 0.5), (0.7, 0.5), (0.7, 1), (-0.7, 1)],
    "letter_t": [(-0.9, -1), (0.9, -1), (0.9, -0.5), (0.25, -0.5), (0.25, 1), (-0.25, 1), (-0.25, -0.5),
                 (-0.9, -0.5)],
    "star8": _star(8, 0.6),
}
OUTLINES = {"square_outline": "square", "triangle_outline": "triangle"}


def _background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    first, second = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    ramp = np.linspace(0.0, 1.0, width if rng.random() < 0.5 else height, dtype=np.float32)
    ramp = ramp[None, :, None] if len(ramp) == width else ramp[:, None, None]
    image = first + (second - first) * ramp
    return np.broadcast_to(image, (height, width, 3)).astype(np.float32)


def _distinct_colour(rng: np.random.Generator, background: np.ndarray) -> tuple[int, int, int]:
    mean = background.reshape(-1, 3).mean(0)
    while True:
        colour = rng.integers(0, 256, 3)
        if np.abs(colour - mean).sum() > 180:
            return tuple(int(v) for v in colour)


def draw_shape(image: np.ndarray, kind: str, rng: np.random.Generator, colour: tuple[int, int, int],
               radius_range: tuple[float, float] = (0.18, 0.36)) -> None:
    """Draw one shape of `kind` in place, at a random place, size (share of the short side) and angle."""
    height, width = image.shape[:2]
    side = min(width, height)
    radius = side * rng.uniform(*radius_range)
    centre = (rng.uniform(radius, width - radius), rng.uniform(radius, height - radius))
    angle = rng.uniform(-0.5, 0.5) if kind in ("arrow", "heart") else rng.uniform(0, 2 * math.pi)
    c = (int(centre[0]), int(centre[1]))
    r = int(radius)
    if kind == "circle":
        cv2.circle(image, c, r, colour, -1, cv2.LINE_AA)
    elif kind == "ring":
        cv2.circle(image, c, r, colour, max(2, r // 4), cv2.LINE_AA)
    elif kind == "crescent":
        cv2.circle(image, c, r, colour, -1, cv2.LINE_AA)
        offset = (int(c[0] + 0.45 * r * math.cos(angle)), int(c[1] + 0.45 * r * math.sin(angle)))
        inside = tuple(int(v) for v in image[min(height - 1, max(0, c[1] - r - 2)), c[0]])
        cv2.circle(image, offset, int(r * 0.85), inside, -1, cv2.LINE_AA)
    elif kind == "heart":
        lobe = max(2, int(r * 0.5))
        cv2.circle(image, (c[0] - lobe, c[1] - lobe // 2), lobe, colour, -1, cv2.LINE_AA)
        cv2.circle(image, (c[0] + lobe, c[1] - lobe // 2), lobe, colour, -1, cv2.LINE_AA)
        tip = _polygon(centre, radius, [(-1.0, -0.15), (1.0, -0.15), (0.0, 1.0)], angle * 0.3)
        cv2.fillPoly(image, [tip], colour, cv2.LINE_AA)
    elif kind == "ellipse":
        cv2.ellipse(image, c, (r, max(2, r // 2)), math.degrees(angle), 0, 360, colour, -1, cv2.LINE_AA)
    elif kind in OUTLINES:
        points = _polygon(centre, radius, UNIT_POLYGONS[OUTLINES[kind]], angle)
        cv2.polylines(image, [points], True, colour, max(2, r // 5), cv2.LINE_AA)
    elif kind == "dots":
        step = max(4, int(radius / 2))
        for y in range(c[1] - r + step // 2, c[1] + r, step):
            for x in range(c[0] - r + step // 2, c[0] + r, step):
                cv2.circle(image, (x, y), max(1, step // 3), colour, -1, cv2.LINE_AA)
    elif kind == "zigzag":
        xs = np.linspace(-1, 1, 7)
        points = [(x, -0.4 if i % 2 else 0.4) for i, x in enumerate(xs)]
        cv2.polylines(image, [_polygon(centre, radius, points, angle)], False, colour, max(2, r // 6),
                      cv2.LINE_AA)
    elif kind in ("stripes", "checker"):
        cell = max(3, int(radius / 3))
        patch = np.indices((2 * r, 2 * r)) // cell
        mask = (patch[0] % 2 == 0) if kind == "stripes" else ((patch[0] + patch[1]) % 2 == 0)
        y0, x0 = max(0, c[1] - r), max(0, c[0] - r)
        region = image[y0:y0 + 2 * r, x0:x0 + 2 * r]
        region[mask[:region.shape[0], :region.shape[1]]] = colour
    else:
        cv2.fillPoly(image, [_polygon(centre, radius, UNIT_POLYGONS[kind], angle)], colour, cv2.LINE_AA)


def _clutter(image: np.ndarray, rng: np.random.Generator) -> None:
    """Pretraining only: lines and speckle of random colours across the background (varied scenes)."""
    height, width = image.shape[:2]
    for _ in range(int(rng.integers(0, 5))):
        start = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        end = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(image, start, end, tuple(int(v) for v in rng.integers(0, 256, 3)),
                 int(rng.integers(1, max(2, width // 40))), cv2.LINE_AA)


def make_picture(kind: str, rng: np.random.Generator, size: tuple[int, int] = (320, 240),
                 radius_range: tuple[float, float] = (0.18, 0.36), clutter: bool = False) -> np.ndarray:
    """One BGR uint8 picture of a shape on a noisy webcam-like background.

    The benchmark's pictures use the defaults; pretraining widens the sizes and adds
    clutter so that the backbone learns features that hold across scales and scenes.
    """
    width, height = size
    background = _background(rng, width, height)
    image = np.ascontiguousarray(background.astype(np.uint8))
    if clutter:
        _clutter(image, rng)
    for _ in range(int(rng.integers(1, 4))):  # distractors: soft blobs of any colour
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(4, width // 8)), int(rng.integers(4, height // 8)))
        cv2.ellipse(image, centre, axes, float(rng.uniform(0, 180)), 0, 360,
                    tuple(int(v) for v in rng.integers(0, 256, 3)), -1, cv2.LINE_AA)
    draw_shape(image, kind, rng, _distinct_colour(rng, background), radius_range)
    noisy = image.astype(np.int16) + rng.integers(-20, 21, image.shape, dtype=np.int16)
    image = np.clip(noisy, 0, 255).astype(np.uint8)
    return cv2.GaussianBlur(image, (3, 3), 0)


def make_dataset(root: Path, shapes: tuple[str, ...], counts: tuple[int, int, int],
                 size: tuple[int, int] = (320, 240), seed: int = 0) -> Path:
    """Write root/{train,val,test}/<shape>/NNNNN.jpg and labels.txt (JPEG quality 90)."""
    rng = np.random.default_rng(seed)
    for split, count in zip(("train", "val", "test"), counts):
        for kind in shapes:
            folder = root / split / kind
            folder.mkdir(parents=True, exist_ok=True)
            for index in range(count):
                cv2.imwrite(str(folder / f"{index:05d}.jpg"), make_picture(kind, rng, size),
                            [cv2.IMWRITE_JPEG_QUALITY, 90])
    (root / "labels.txt").write_text("".join(f"{name}\n" for name in sorted(shapes)))
    return root
