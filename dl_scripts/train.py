#!/usr/bin/env python3
"""Train an image classifier on the DL server: `train.py --model-dir=models/NAME/model models/NAME`.

Replaces pytorch-classification's train.py, which needed CUDA, decoded every JPEG again
each epoch and validated with a crop the Nano never makes. Here:
- CUDA when there is one, else CPU, same command; mixed precision where it pays;
- every image decoded once into memory, augmented as tensors (on the GPU when training there);
- validation with the Nano's preprocessing, so the accuracy printed is the Nano's;
- early stopping (--patience), --resume, --seed; checkpoints written atomically;
- stdout contract: human lines + `@ai_nano {json}` events (start, epoch, end), epochs also
  appended to <model-dir>/metrics.jsonl; on failure a last `error: <reason>` line.
"""
from __future__ import annotations

import errno
import json
import logging
import math
import os
import random
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from dl_common import (ArgumentParser, ScriptError, atomic_torch_save, atomic_write_text,  # noqa: E402
                       cpu_has_fast_bf16, emit, ensure_writable_dir, labels_text, pick_device,
                       run_main, say, set_cpu_threads, usable_cpus, warn)
from dl_model import (BEST_CHECKPOINT, LAST_CHECKPOINT, build_model, imagenet_state,  # noqa: E402
                      load_backbone, load_weights_file, read_checkpoint)
from nano_data import (IMAGENET_MEAN, IMAGENET_STD, dataset_classes,  # noqa: E402
                       decode_split, stored_size)

log = logging.getLogger(__name__)

METRICS_FILE = "metrics.jsonl"


def parse_args(argv: list[str] | None) -> Any:
    """The command line the desktop app uses (doc/ARCHITECTURE.md, "Remote scripts")."""
    parser = ArgumentParser(description="Train an image classifier on models/NAME/{train,val}.")
    parser.add_argument("dataset", help="dataset folder holding train/ val/ [test/] and labels.txt")
    parser.add_argument("--model-dir", required=True, help="where checkpoints and metrics go")
    parser.add_argument("--arch", default="resnet18", help="torchvision classifier name")
    parser.add_argument("--epochs", type=int, default=35, help="maximum number of epochs")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=None, help="SGD learning rate (default 0.01)")
    parser.add_argument("--resolution", type=int, default=224, help="network input side in pixels")
    parser.add_argument("--workers", type=int, default=min(8, usable_cpus()),
                        help="threads decoding the images (once, at start)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--pretrained", dest="pretrained", action="store_true", default=True,
                        help="start from ImageNet weights (default)")
    parser.add_argument("--no-pretrained", dest="pretrained", action="store_false",
                        help="start from random weights")
    parser.add_argument("--weights", type=Path, default=None, help="backbone weights file to start from")
    parser.add_argument("--patience", type=int, default=8,
                        help="stop after this many epochs without better val accuracy (0: never)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true", help="continue from <model-dir>/checkpoint.pth.tar")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16", "fp16"), default="auto",
                        help="auto: fp16/bf16 on CUDA, bf16 on CPUs that compute it natively")
    args = parser.parse_args(argv)
    for name, minimum in (("epochs", 1), ("batch_size", 1), ("resolution", 16), ("workers", 1),
                          ("patience", 0)):
        if getattr(args, name) < minimum:
            parser.error(f"--{name.replace('_', '-')} must be at least {minimum}")
    if args.lr is not None and not (0 < args.lr < 10):
        parser.error("--lr must be between 0 and 10")
    return args


def choose_precision(requested: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype, or None for plain fp32."""
    if requested == "fp32":
        return None
    if requested == "bf16":
        return torch.bfloat16
    if requested == "fp16":
        if device.type != "cuda":
            raise ScriptError("--precision fp16 needs CUDA; use bf16 or fp32 on a CPU")
        return torch.float16
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if cpu_has_fast_bf16() else None


def augment(batch: torch.Tensor, resolution: int) -> torch.Tensor:
    """Random crop-and-stretch, flip and light colour jitter on a uint8 N x S x S x 3 batch.

    One affine grid sample per batch does what RandomResizedCrop + flip does per image, on
    whatever device the batch lives. Crops keep 40-100 % of the area, so the whole-frame
    stretch the Nano sees is among them. Returns normalised N x 3 x R x R float32.
    """
    n = batch.shape[0]
    device = batch.device
    images = batch.permute(0, 3, 1, 2).float().div_(255.0)
    area = torch.empty(n, device=device).uniform_(0.4, 1.0)
    aspect = torch.exp(torch.empty(n, device=device).uniform_(math.log(3 / 4), math.log(4 / 3)))
    width = torch.sqrt(area * aspect).clamp(max=1.0)
    height = torch.sqrt(area / aspect).clamp(max=1.0)
    centre_x = (torch.rand(n, device=device) * 2 - 1) * (1 - width)
    centre_y = (torch.rand(n, device=device) * 2 - 1) * (1 - height)
    flip = torch.where(torch.rand(n, device=device) < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3, device=device)
    theta[:, 0, 0] = width * flip
    theta[:, 0, 2] = centre_x
    theta[:, 1, 1] = height
    theta[:, 1, 2] = centre_y
    grid = F.affine_grid(theta, [n, 3, resolution, resolution], align_corners=False)
    out = F.grid_sample(images, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    brightness = torch.empty(n, 1, 1, 1, device=device).uniform_(0.8, 1.2)
    contrast = torch.empty(n, 1, 1, 1, device=device).uniform_(0.8, 1.2)
    grey = out.mean(dim=(1, 2, 3), keepdim=True)
    out = ((out - grey) * contrast + grey).mul_(brightness).clamp_(0.0, 1.0)
    return normalise(out)


def normalise(images01: torch.Tensor) -> torch.Tensor:
    """ImageNet mean/std on N x 3 x H x W values in 0..1 (the Nano's normalisation)."""
    mean = torch.tensor(IMAGENET_MEAN, device=images01.device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=images01.device).view(1, 3, 1, 1)
    return (images01 - mean) / std


class Trainer:
    """Holds the model, optimiser and run state; one call per epoch."""

    def __init__(self, model: nn.Module, device: torch.device, dtype: torch.dtype | None,
                 lr: float, epochs: int) -> None:
        self.device = device
        self.dtype = dtype
        self.channels_last = device.type == "cuda" or dtype is not None
        self.model = model.to(device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.9,
                                         weight_decay=1e-4, nesterov=True)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=epochs)
        self.scaler = torch.amp.GradScaler("cuda", enabled=dtype == torch.float16)

    def _input(self, images: torch.Tensor) -> torch.Tensor:
        return images.contiguous(memory_format=torch.channels_last) if self.channels_last else images

    def _autocast(self) -> Any:
        return torch.autocast(self.device.type, dtype=self.dtype or torch.float32,
                              enabled=self.dtype is not None)

    def evaluate(self, images: torch.Tensor, labels: torch.Tensor, batch_size: int) -> tuple[float, float]:
        """Mean loss and accuracy on Nano-preprocessed uint8 images (N x R x R x 3)."""
        self.model.eval()
        loss_sum, correct = 0.0, 0
        with torch.inference_mode():
            for start in range(0, len(labels), batch_size):
                batch = images[start:start + batch_size].to(self.device, non_blocking=True)
                target = labels[start:start + batch_size].to(self.device, non_blocking=True)
                inputs = normalise(batch.permute(0, 3, 1, 2).float().div_(255.0))
                with self._autocast():
                    logits = self.model(self._input(inputs))
                loss_sum += F.cross_entropy(logits.float(), target, reduction="sum").item()
                correct += (logits.argmax(1) == target).sum().item()
        return loss_sum / len(labels), correct / len(labels)


def train_step(trainer: Trainer, inputs: torch.Tensor, target: torch.Tensor) -> tuple[float, int]:
    """One optimiser step; returns (summed loss, correct predictions) of the batch."""
    with trainer._autocast():
        logits = trainer.model(trainer._input(inputs))
        loss = F.cross_entropy(logits.float(), target)
    trainer.optimizer.zero_grad(set_to_none=True)
    trainer.scaler.scale(loss).backward()
    trainer.scaler.step(trainer.optimizer)
    trainer.scaler.update()
    return loss.item() * len(target), int((logits.argmax(1) == target).sum().item())


def batches(count: int, batch_size: int) -> list[torch.Tensor]:
    """A shuffled epoch cut into batches; a lone last image joins the previous batch (BatchNorm)."""
    order = torch.randperm(count)
    parts = list(order.split(batch_size))
    if len(parts) > 1 and len(parts[-1]) == 1:
        parts[-2] = torch.cat([parts[-2], parts.pop()])
    return parts


def is_out_of_memory(error: BaseException) -> bool:
    """CUDA's OutOfMemoryError, or the CPU allocator's equivalent RuntimeError."""
    text = str(error).lower()
    out_of_memory = getattr(torch, "OutOfMemoryError", torch.cuda.OutOfMemoryError)
    return isinstance(error, out_of_memory) or (
        isinstance(error, RuntimeError) and ("out of memory" in text or "not enough memory" in text))


def train_epoch(trainer: Trainer, images: torch.Tensor, labels: torch.Tensor, resolution: int,
                state: dict[str, Any]) -> tuple[float, float, float]:
    """One epoch; on out-of-memory, halve state['batch_size'] and run the epoch again."""
    while True:
        trainer.model.train()
        loss_sum, correct, started = 0.0, 0, time.perf_counter()
        try:
            for index in batches(len(labels), state["batch_size"]):
                batch = images[index].to(trainer.device, non_blocking=True)
                target = labels[index].to(trainer.device, non_blocking=True)
                step_loss, step_correct = train_step(trainer, augment(batch, resolution), target)
                loss_sum += step_loss
                correct += step_correct
            return loss_sum / len(labels), correct / len(labels), time.perf_counter() - started
        except Exception as error:
            if not is_out_of_memory(error):
                raise
            if trainer.device.type == "cuda":
                torch.cuda.empty_cache()
            where = "GPU" if trainer.device.type == "cuda" else "computer"
            if state["batch_size"] <= 1:
                raise ScriptError(f"out of memory on this {where} even with batch size 1: "
                                  "lower --resolution or use a smaller --arch") from None
            smaller = max(1, state["batch_size"] // 2)
            warn(f"out of memory on this {where} at batch size {state['batch_size']}: "
                 f"running the epoch again with --batch-size {smaller}")
            state["batch_size"] = smaller


def keep_previous_run(model_dir: Path) -> None:
    """A fresh run moves an earlier run's files to previous-<time>/ instead of overwriting them.

    The ONNX file, labels and evaluation go too: left beside new checkpoints they would
    describe another model, and could be sent to a Nano by mistake.
    """
    names = [BEST_CHECKPOINT, LAST_CHECKPOINT, METRICS_FILE, "evaluation.json"]
    old = [model_dir / name for name in names if (model_dir / name).exists()] + sorted(model_dir.glob("*.onnx"))
    if not old:
        return
    if (model_dir / "labels.txt").exists():
        old.append(model_dir / "labels.txt")
    keep = model_dir / f"previous-{datetime.now():%Y%m%d-%H%M%S}"
    keep.mkdir(exist_ok=True)
    for path in old:
        os.replace(path, keep / path.name)
    say(f"an earlier training of this model was kept in {keep}")


def initial_weights(model: nn.Module, args: Any, num_classes: int) -> str:
    """Load --weights or ImageNet weights into the backbone; returns where the weights came from."""
    if args.weights is not None:
        loaded = load_backbone(model, load_weights_file(args.weights), num_classes, f"--weights {args.weights}")
        return f"{args.weights} ({loaded} tensors)"
    if not args.pretrained:
        return "random (--no-pretrained)"
    state = imagenet_state(args.arch)
    if state is None:
        return "random (ImageNet weights unavailable)"
    load_backbone(model, state, num_classes, f"ImageNet weights of {args.arch}")
    return "ImageNet"


def adapt_batchnorm_momentum(model: nn.Module, steps_per_epoch: int) -> float:
    """Let BatchNorm's running statistics catch up within one epoch, even on a tiny dataset.

    With PyTorch's default momentum (0.1) and only a few batches per epoch, the running
    mean/variance used at validation stay near their start values for many epochs, and a
    small classroom dataset trained from scratch validates at chance level. The momentum is
    raised so that the start values keep at most 10 % weight after one epoch.
    """
    momentum = max(0.1, 1.0 - 0.1 ** (1.0 / max(1, steps_per_epoch)))
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.momentum = momentum
    return momentum


def seed_everything(seed: int) -> None:
    """Same seed, same run (on CPU; cuDNN keeps some non-determinism for speed)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def main(argv: list[str] | None = None) -> int:
    """Parse, check inputs, decode the dataset once, train with early stopping."""
    args = parse_args(argv)
    dataset = Path(args.dataset)
    model_dir = Path(args.model_dir)
    classes = dataset_classes(dataset)
    checkpoint = read_checkpoint(model_dir / LAST_CHECKPOINT) if args.resume else None
    if checkpoint is not None:
        if checkpoint["classes"] != classes:
            raise ScriptError(f"cannot resume: the checkpoint's classes {checkpoint['classes']} differ "
                              f"from the dataset's {classes}")
        for name in ("arch", "resolution"):
            if getattr(args, name) != checkpoint[name]:
                say(f"resuming with the checkpoint's {name} {checkpoint[name]} (not {getattr(args, name)})")
                setattr(args, name, checkpoint[name])
    ensure_writable_dir(model_dir)
    device = pick_device(args.device)
    threads = set_cpu_threads() if device.type == "cpu" else torch.get_num_threads()
    dtype = choose_precision(args.precision, device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed input size: let cuDNN pick its fastest kernels
    seed_everything(args.seed)

    started = time.perf_counter()
    train = decode_split(dataset / "train", classes, stored_size(args.resolution), nano=False,
                         workers=args.workers)
    val = decode_split(dataset / "val", classes, args.resolution, nano=True, workers=args.workers)
    say(f"decoded {len(train)} train and {len(val)} val images of {len(classes)} classes in "
        f"{time.perf_counter() - started:.1f} s ({(train.images.nbytes + val.images.nbytes) / 2**20:.0f} MiB in memory)")

    model = build_model(args.arch, len(classes))
    source = "checkpoint" if checkpoint is not None else initial_weights(model, args, len(classes))
    lr = args.lr if args.lr is not None else 0.01
    adapt_batchnorm_momentum(model, math.ceil(len(train) / args.batch_size))
    trainer = Trainer(model, device, dtype, lr, args.epochs)
    state: dict[str, Any] = {"epoch": 0, "best_val_acc": -1.0, "best_val_loss": math.inf, "best_epoch": 0,
                             "since_improvement": 0, "batch_size": args.batch_size}
    if checkpoint is not None:
        trainer.model.load_state_dict(checkpoint["state_dict"])
        trainer.optimizer.load_state_dict(checkpoint["optimizer"])
        trainer.scheduler.load_state_dict(checkpoint["scheduler"])
        trainer.scheduler.T_max = args.epochs
        state.update(checkpoint["run"])
        torch.set_rng_state(checkpoint["rng"])
        say(f"resuming after epoch {state['epoch']} (best val accuracy {state['best_val_acc']:.1%} "
            f"at epoch {state['best_epoch']})")
    else:
        keep_previous_run(model_dir)
    atomic_write_text(model_dir / "labels.txt", labels_text(classes))

    say(f"training {args.arch} at {args.resolution}x{args.resolution} on {device}"
        f"{f' ({threads} threads)' if device.type == 'cpu' else ''}, "
        f"precision {str(dtype).replace('torch.', '') if dtype else 'fp32'}, weights: {source}, lr {lr:g}, "
        f"batch {state['batch_size']}, up to {args.epochs} epochs, patience {args.patience or 'off'}")
    emit("start", epochs=args.epochs, classes=classes, train_images=len(train), val_images=len(val),
         device=str(device), resolution=args.resolution)
    train_images = torch.from_numpy(train.images)
    val_images = torch.from_numpy(val.images)
    if device.type == "cuda":
        train_images = train_images.to(device)  # augmentation then runs on the GPU
    train_labels = torch.from_numpy(train.labels)
    val_labels = torch.from_numpy(val.labels)

    stopped_early = False
    while state["epoch"] < args.epochs:
        if args.patience and state["since_improvement"] >= args.patience:
            stopped_early = True
            break
        epoch = state["epoch"] + 1
        lr_now = trainer.optimizer.param_groups[0]["lr"]
        train_loss, train_acc, seconds = train_epoch(trainer, train_images, train_labels, args.resolution, state)
        if not math.isfinite(train_loss):
            raise ScriptError(f"training diverged at epoch {epoch} (loss is {train_loss}): lower --lr "
                              f"(now {lr:g}); the best epoch so far is kept in {model_dir / BEST_CHECKPOINT}")
        val_loss, val_acc = trainer.evaluate(val_images, val_labels, max(state["batch_size"], 64))
        trainer.scheduler.step()
        best = val_acc > state["best_val_acc"] or (val_acc == state["best_val_acc"]
                                                    and val_loss < state["best_val_loss"])
        state["since_improvement"] = 0 if val_acc > state["best_val_acc"] else state["since_improvement"] + 1
        state["epoch"] = epoch
        if best:
            state.update(best_val_acc=val_acc, best_val_loss=val_loss, best_epoch=epoch)
            save_checkpoint(model_dir / BEST_CHECKPOINT, trainer, args, classes, state, full=False)
        save_checkpoint(model_dir / LAST_CHECKPOINT, trainer, args, classes, state, full=True)
        record = {"epoch": epoch, "epochs": args.epochs, "train_loss": round(train_loss, 5),
                  "train_acc": round(train_acc, 5), "val_loss": round(val_loss, 5),
                  "val_acc": round(val_acc, 5), "seconds": round(seconds, 3),
                  "images_per_s": round(len(train) / seconds, 1), "best": best,
                  "best_val_acc": round(state["best_val_acc"], 5), "lr": lr_now}
        with open(model_dir / METRICS_FILE, "a", encoding="utf-8") as metrics:
            metrics.write(json.dumps(record) + "\n")
        say(f"epoch {epoch}/{args.epochs}  train loss {train_loss:.4f} acc {train_acc:.1%}  "
            f"val loss {val_loss:.4f} acc {val_acc:.1%}  {seconds:.1f} s  {record['images_per_s']:.0f} img/s"
            f"{'  * best' if best else ''}")
        emit("epoch", **record)
    if args.patience and state["since_improvement"] >= args.patience and state["epoch"] < args.epochs:
        stopped_early = True
    if stopped_early:
        say(f"stopping early: val accuracy has not improved for {args.patience} epochs")
    say(f"best val accuracy {state['best_val_acc']:.1%} at epoch {state['best_epoch']}: "
        f"{model_dir / BEST_CHECKPOINT}")
    emit("end", best_epoch=state["best_epoch"], best_val_acc=round(state["best_val_acc"], 5),
         epochs_run=state["epoch"], stopped_early=stopped_early)
    return 0


# A ResNet-18 checkpoint is ~45 MB: less free space than this after a failed save = full.
CHECKPOINT_MARGIN_BYTES = 64 * 1024 * 1024


def save_checkpoint(path: Path, trainer: Trainer, args: Any, classes: list[str], state: dict[str, Any],
                    full: bool) -> None:
    """model_best holds the weights; checkpoint (full) also the optimiser and RNG for --resume."""
    model_state = {key: value.detach().to("cpu", copy=True).contiguous()
                   for key, value in trainer.model.state_dict().items()}
    payload: dict[str, Any] = {"format": 1, "arch": args.arch, "classes": classes,
                               "resolution": args.resolution, "epoch": state["epoch"],
                               "best_val_acc": state["best_val_acc"], "state_dict": model_state}
    if full:
        payload.update(optimizer=trainer.optimizer.state_dict(), scheduler=trainer.scheduler.state_dict(),
                       run=dict(state), rng=torch.get_rng_state())
    try:
        atomic_torch_save(payload, path)
    except (OSError, RuntimeError) as error:
        # torch reports a full disk as an opaque RuntimeError ("unexpected pos ..."): say it.
        path.with_name(f".{path.name}.part").unlink(missing_ok=True)
        free = shutil.disk_usage(path.parent).free
        if getattr(error, "errno", None) == errno.ENOSPC or free < CHECKPOINT_MARGIN_BYTES:
            raise ScriptError(f"no space left on the disk of this server to save {path.name} "
                              f"({free / 1e6:.1f} MB free in {path.parent}): free some space "
                              "there and train again") from None
        raise


if __name__ == "__main__":
    sys.exit(run_main(main))
