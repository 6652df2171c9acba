"""Head-only training: a frozen pretrained backbone, features computed once, a trained last layer.

On a laptop CPU a full fine-tuning of ResNet-18 takes minutes per class set; training only
the last layer on the backbone's features takes seconds, and with pretrained weights it is
about as accurate on a few webcam classes (bench/bench_train.py measures both). So:
- every picture goes through the frozen backbone once, with the Nano's preprocessing
  (nano_data.nano_resize + ImageNet mean/std), and with --head-views 2 its mirror image;
- its features are cached by the SHA-256 of the file's bytes under
  <model-dir>/feature_cache/, per backbone and resolution, so a retraining after adding
  pictures computes only the new ones;
- the head is trained for a fixed number of epochs (the last weights kept), and the whole
  network (backbone + trained head) is saved in the usual checkpoint, so onnx_export.py
  and the Nano are unchanged;
- a full fine-tuning from pretrained weights starts with the same fitted head (fit_head).
"""
from __future__ import annotations

import hashlib
import io
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError
from torch import nn

from dl_common import ScriptError, atomic_torch_save, say, warn
from dl_model import BEST_CHECKPOINT, head_prefix
from nano_data import IMAGENET_MEAN, IMAGENET_STD, list_images, nano_resize
from training import checkpoint_payload, finish_run, new_run_state, publish_epoch, save_checkpoint

log = logging.getLogger(__name__)

CACHE_DIR = "feature_cache"
CACHE_FORMAT = 1
VIEW_NAMES = ("nano", "mirror")  # the Nano's whole-frame stretch, then its mirror image
HEAD_LR = 1e-2
HEAD_BATCH = 16


def linear_classifier(model: nn.Module, num_classes: int) -> tuple[nn.Module, str, nn.Linear] | None:
    """(parent module, attribute name, the Linear giving class scores), or None when the
    network's last layer is not a Linear one (squeezenet's is a convolution)."""
    name = head_prefix(model, num_classes).rstrip(".")
    layer = model.get_submodule(name) if name and name != "\0" else None
    if not isinstance(layer, nn.Linear):
        return None
    parent_name, _, attribute = name.rpartition(".")
    return (model.get_submodule(parent_name) if parent_name else model), attribute, layer


def classifier_layer(model: nn.Module, num_classes: int) -> tuple[nn.Module, str, nn.Linear]:
    """linear_classifier's answer, or the reason head-only training cannot run."""
    found = linear_classifier(model, num_classes)
    if found is None:
        raise ScriptError("head-only training needs a network whose last layer is a Linear layer "
                          "(resnet, mobilenet, efficientnet ...): use --mode full with this --arch")
    return found


def backbone_digest(model: nn.Module, head: str, arch: str, resolution: int) -> str:
    """Identity of the frozen backbone: cached features are valid only for the same weights."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}:{arch}:{resolution}".encode())
    for key, value in sorted(model.state_dict().items()):
        if not key.startswith(head):
            digest.update(key.encode())
            digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:20]


class FeatureCache:
    """'<SHA-256 of a picture file>/<view>' -> D float32 features, one file per backbone."""

    def __init__(self, model_dir: Path, backbone: str) -> None:
        self.path = model_dir / CACHE_DIR / f"features-{backbone}.pt"
        self.features: dict[str, torch.Tensor] = {}
        self.added = 0
        if self.path.is_file():
            try:
                stored = torch.load(self.path, map_location="cpu", weights_only=True)
                self.features = dict(stored["features"])
            except Exception as error:  # a damaged cache is only lost time
                warn(f"ignoring the unreadable feature cache {self.path} ({type(error).__name__})")
        self.before = len(self.features)

    def save(self) -> None:
        if self.added:
            self.path.parent.mkdir(exist_ok=True)
            atomic_torch_save({"format": CACHE_FORMAT, "features": self.features}, self.path)


def _read(path: Path) -> tuple[str, bytes] | None:
    try:
        data = path.read_bytes()
    except OSError as error:
        warn(f"skipping {path}: {error.strerror or error}")
        return None
    return hashlib.sha256(data).hexdigest(), data


def _nano_views(data: bytes, path: Path, resolution: int, views: list[int]) -> np.ndarray | None:
    """len(views) x R x R x 3 uint8: view 0 the Nano's whole-frame nearest stretch, 1 its mirror."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        warn(f"skipping {path}: not a readable image ({type(error).__name__})")
        return None
    view = nano_resize(rgb, resolution, resolution)
    return np.stack([view if index == 0 else view[:, ::-1] for index in views])


def fold_batchnorm(model: nn.Module) -> nn.Module:
    """A copy of a torchvision ResNet in eval mode with each BatchNorm folded into its convolution.

    The same function (within float rounding) in fewer passes over memory: about 7 % faster
    on a laptop CPU. Other architectures are returned as they are. The model itself is
    untouched: the checkpoint keeps the starting weights exactly.
    """
    import copy

    import torchvision
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    if not isinstance(model, torchvision.models.ResNet):
        return model
    folded = copy.deepcopy(model).eval()
    for module in folded.modules():
        for index in ("1", "2", "3"):
            conv, norm = getattr(module, f"conv{index}", None), getattr(module, f"bn{index}", None)
            if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):
                setattr(module, f"conv{index}", fuse_conv_bn_eval(conv, norm))
                setattr(module, f"bn{index}", nn.Identity())
        downsample = getattr(module, "downsample", None)
        if (isinstance(downsample, nn.Sequential) and len(downsample) == 2
                and isinstance(downsample[0], nn.Conv2d) and isinstance(downsample[1], nn.BatchNorm2d)):
            module.downsample = nn.Sequential(fuse_conv_bn_eval(downsample[0], downsample[1]))
    return folded


class FeatureExtractor:
    """The frozen backbone in eval mode (BatchNorm uses its stored statistics, as on the Nano)."""

    def __init__(self, model: nn.Module, device: torch.device, batch_size: int) -> None:
        self.model = fold_batchnorm(model.eval()).to(device)
        self.device = device
        self.batch_size = batch_size
        self.channels_last = True  # measurably faster convolutions on CPU and GPU
        self.model = self.model.to(memory_format=torch.channels_last)
        self.mean = torch.tensor(IMAGENET_MEAN, device=device).view(1, 3, 1, 1) * 255
        self.std = torch.tensor(IMAGENET_STD, device=device).view(1, 3, 1, 1) * 255
        self.seconds = 0.0  # time spent in the backbone (the rest is reading and decoding)

    def __call__(self, views: np.ndarray) -> torch.Tensor:
        """N x R x R x 3 uint8 -> N x D float32 on the CPU."""
        started = time.perf_counter()
        out = []
        with torch.inference_mode(), torch.autocast(self.device.type, torch.float16,
                                                    enabled=self.device.type == "cuda"):
            for start in range(0, len(views), self.batch_size):
                batch = torch.from_numpy(views[start:start + self.batch_size]).to(self.device)
                inputs = (batch.permute(0, 3, 1, 2).float() - self.mean) / self.std
                out.append(self.model(inputs.contiguous(memory_format=torch.channels_last)).float().cpu())
        self.seconds += time.perf_counter() - started
        return torch.cat(out) if out else torch.zeros(0, 0)


def split_features(split_dir: Path, classes: list[str], extract: FeatureExtractor, cache: FeatureCache,
                   resolution: int, views: int, workers: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (N x views x D) and labels (N) of every readable picture of a split.

    Files are read and hashed in a thread pool; only the views whose '<SHA-256>/<view>' is
    not in the cache are computed. A class left empty is an error.
    """
    items = list_images(split_dir, classes)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        read = list(pool.map(lambda item: _read(item[0]), items))
        kept = [(item, found) for item, found in zip(items, read) if found is not None]
        todo = {}
        for item, (digest, data) in kept:
            missing = [v for v in range(views) if f"{digest}/{v}" not in cache.features]
            if missing:
                todo[digest] = (item[0], data, missing)
        keys = list(todo)
        step = 4 * extract.batch_size
        for start in range(0, len(keys), step):
            chunk = keys[start:start + step]
            pictures = list(pool.map(lambda key: _nano_views(todo[key][1], todo[key][0], resolution,
                                                             todo[key][2]), chunk))
            good = [(key, array) for key, array in zip(chunk, pictures) if array is not None]
            if good:
                features = iter(extract(np.concatenate([array for _, array in good])))
                for key, _ in good:
                    for view in todo[key][2]:
                        cache.features[f"{key}/{view}"] = next(features).clone()
                cache.added += len(good)
    usable = [(found[0], item[1]) for item, found in kept if f"{found[0]}/0" in cache.features]
    counts = np.bincount([label for _, label in usable], minlength=len(classes))
    empty = [classes[i] for i, count in enumerate(counts) if count == 0]
    if empty:
        raise ScriptError(f"class {empty[0]!r} has no readable image in {split_dir}")
    features = torch.stack([torch.stack([cache.features[f"{key}/{v}"] for v in range(views)])
                            for key, _ in usable])
    return features, torch.tensor([label for _, label in usable], dtype=torch.int64)


def standardise(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-feature mean and std of the training features (the head learns faster on z-scores)."""
    return features.mean(0), features.std(0).clamp_min(1e-6)


def fold_standardisation(weights: dict[str, torch.Tensor], mean: torch.Tensor,
                         std: torch.Tensor) -> dict[str, torch.Tensor]:
    """A head trained on (x - mean) / std, rewritten to take x: the exported network stays a plain ResNet."""
    weight = weights["weight"] / std
    return {"weight": weight, "bias": weights["bias"] - weight @ mean}


def train_head(layer: nn.Linear, data: dict[str, torch.Tensor], epochs: int, lr: float,
               publish: Callable[[dict[str, Any], dict[str, float], bool], None] | None = None) -> dict[str, Any]:
    """Train the last layer on cached features for `epochs`; keep the last weights.

    Each epoch goes once through every training picture (in each view) in shuffled small
    batches and takes milliseconds. The learning rate follows a cosine down to zero and the
    last weights are kept: the problem is convex, and choosing an epoch on a classroom's
    few validation pictures picked an early, worse head (bench/bench_train.py: 1 to 8
    points of test accuracy lost on three generated datasets). Returns the run state
    (val figures of the kept head) with the weights rewritten for raw features.
    """
    head = layer.cpu().float()
    mean, std = standardise(data["train_x"].flatten(0, 1))
    train_x = (data["train_x"].flatten(0, 1) - mean) / std
    train_y = data["train_y"].repeat_interleave(data["train_x"].shape[1])
    val_x = (data["val_x"][:, 0] - mean) / std
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    state = new_run_state(HEAD_BATCH)
    for epoch in range(1, epochs + 1):
        started, loss_sum, correct = time.perf_counter(), 0.0, 0
        lr_now = optimizer.param_groups[0]["lr"]
        for index in torch.randperm(len(train_y)).split(HEAD_BATCH):
            logits = head(train_x[index])
            loss = F.cross_entropy(logits, train_y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(index)
            correct += int((logits.argmax(1) == train_y[index]).sum())
        scheduler.step()
        with torch.inference_mode():
            logits = head(val_x)
            val_loss = F.cross_entropy(logits, data["val_y"]).item()
            val_acc = (logits.argmax(1) == data["val_y"]).float().mean().item()
        state.update(epoch=epoch, best_epoch=epoch, best_val_acc=val_acc, best_val_loss=val_loss)
        if publish is not None:
            publish(state, {"train_loss": loss_sum / len(train_y), "train_acc": correct / len(train_y),
                            "val_loss": val_loss, "val_acc": val_acc, "seconds": time.perf_counter() - started,
                            "lr": lr_now, "images": len(train_y)}, epoch == epochs)
    weights = {key: value.detach().clone() for key, value in head.state_dict().items()}
    layer.load_state_dict(fold_standardisation(weights, mean, std))
    return state


def fit_head(args: Any, model: nn.Module, classes: list[str], device: torch.device,
             announce: Callable[[int, int], None] | None = None, epochs: int | None = None,
             lr: float | None = None, publish: bool = True) -> dict[str, Any]:
    """Features of every picture (cached), then the last layer of `model` trained on them, in place.

    Head-only mode publishes each epoch (the window's curves); a full fine-tuning calls it
    with publish=False to start from a fitted last layer (train.py, fine-tuning recipe).
    """
    model_dir = Path(args.model_dir)
    parent, attribute, layer = classifier_layer(model, len(classes))
    head = head_prefix(model, len(classes))
    cache = FeatureCache(model_dir, backbone_digest(model, head, args.arch, args.resolution))
    setattr(parent, attribute, nn.Identity())
    try:
        extract = FeatureExtractor(model, device, batch_size=32)
        data, seconds = _features(args, classes, extract, cache)
    finally:
        setattr(parent, attribute, layer)
    say(f"features of {len(data['train_y'])} train and {len(data['val_y'])} val pictures in {seconds:.1f} s "
        f"(backbone {extract.seconds:.1f} s, reading, decoding and caching {seconds - extract.seconds:.1f} s): "
        f"{cache.added} computed ({' + '.join(VIEW_NAMES[:args.head_views])} view), "
        f"the others from {cache.path} ({cache.before} features cached before)")
    if announce is not None:
        announce(len(data["train_y"]), len(data["val_y"]))
    epochs = epochs or args.epochs

    def publish_head(state: dict[str, Any], figures: dict[str, float], last: bool) -> None:
        publish_epoch(model_dir, state, epochs, figures, int(figures["images"]), last, figures["lr"])

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: more threads only wait on each other
    started = time.perf_counter()
    try:
        state = train_head(layer, data, epochs, lr or HEAD_LR, publish_head if publish else None)
    finally:
        torch.set_num_threads(threads)
    say(f"head trained in {time.perf_counter() - started:.2f} s ({epochs} epochs, the last kept; "
        f"val accuracy {state['best_val_acc']:.1%})")
    return state


def _features(args: Any, classes: list[str], extract: FeatureExtractor,
              cache: FeatureCache) -> tuple[dict[str, torch.Tensor], float]:
    """Train (in --head-views views) and val features, the cache saved; (data, seconds)."""
    started = time.perf_counter()
    data: dict[str, torch.Tensor] = {}
    for split, views in (("train", args.head_views), ("val", 1)):
        data[f"{split}_x"], data[f"{split}_y"] = split_features(Path(args.dataset) / split, classes, extract,
                                                               cache, args.resolution, views, args.workers)
    cache.save()
    return data, time.perf_counter() - started


def run_head(args: Any, model: nn.Module, classes: list[str], device: torch.device,
             announce: Callable[[int, int], None]) -> int:
    """Head-only mode: the head fitted on the features, then the whole network saved as model_best."""
    model_dir = Path(args.model_dir)
    state = fit_head(args, model, classes, device, announce, lr=args.lr)
    started = time.perf_counter()
    model = model.cpu().to(memory_format=torch.contiguous_format)
    save_checkpoint(model_dir / BEST_CHECKPOINT, checkpoint_payload(
        model, args.arch, classes, args.resolution, state, mode="head"))
    say(f"whole network saved in {time.perf_counter() - started:.2f} s")
    finish_run(model_dir, state, args.epochs, 0)
    export_now(model, args, classes, state)
    return 0


def export_now(model: nn.Module, args: Any, classes: list[str], state: dict[str, Any]) -> None:
    """The checked ONNX file made here, from the network in memory (onnx_export.export_checked).

    torch is loaded and the network built: exporting now saves a second process the
    seconds of importing torch and rebuilding it; onnx_export.py (step 6) then finds the
    file stamped with this checkpoint's digest. A failure only defers the export to step 6.
    """
    from onnx_export import export_checked

    model_dir = Path(args.model_dir)
    started = time.perf_counter()
    network = nn.Sequential(model, nn.Softmax(dim=1)).eval()
    times: dict[str, float] = {}
    try:
        fields = export_checked(network, model_dir, model_dir / BEST_CHECKPOINT, args.arch, classes,
                                args.resolution, Path(args.dataset), state["epoch"], stamp=True, times=times)
    except ScriptError as error:
        warn(f"the ONNX file was not made at the end of the training ({error}): step 6 makes it")
        return
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in times.items())
    say(f"exported and checked {fields['onnx']} in {time.perf_counter() - started:.1f} s ({parts}; "
        f"ONNX Runtime vs PyTorch max abs diff {fields['max_abs_diff']:.2e})")
