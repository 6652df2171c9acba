#!/usr/bin/env python3
"""Train an image classifier on the DL server: `train.py --model-dir=models/NAME/model models/NAME`.

Replaces pytorch-classification's train.py, which needed CUDA, decoded every JPEG again
each epoch and validated with a crop the Nano never makes. Here:
- CUDA when there is one, else CPU, same command; mixed precision where it pays;
- every image decoded once into memory, augmented as tensors (on the GPU when training there);
- validation with the Nano's preprocessing, so the accuracy printed is the Nano's;
- early stopping (--patience), --resume, --seed; checkpoints written atomically;
- --mode head|full|auto: head-only training on cached features of the frozen pretrained
  backbone (head_train.py, seconds on a CPU) or full fine-tuning; auto picks (choose_mode);
- stdout contract: human lines + `@ai_nano {json}` events (start, epoch, end), epochs also
  appended to <model-dir>/metrics.jsonl; on failure a last `error: <reason>` line.
"""
from __future__ import annotations

import logging
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

STARTED = time.perf_counter()  # the imports below (torch, torchvision) take seconds on a laptop
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from dl_common import (ArgumentParser, ScriptError, atomic_write_text, cpu_has_fast_bf16, emit,  # noqa: E402
                       ensure_writable_dir, labels_text, pick_device, run_main, say, set_cpu_threads,
                       usable_cpus, warn)
from dl_model import (BEST_CHECKPOINT, LAST_CHECKPOINT, build_model, imagenet_state,  # noqa: E402
                      load_backbone, load_weights_file, read_checkpoint)
from head_train import run_head  # noqa: E402
from nano_data import (IMAGENET_MEAN, IMAGENET_STD, DecodedSplit, dataset_classes,  # noqa: E402
                       decode_split, stored_size)
from training import (checkpoint_payload, finish_run, keep_previous_run,  # noqa: E402
                      choose_mode, new_run_state, publish_epoch, save_checkpoint, score_epoch,
                      seed_everything, should_stop)

log = logging.getLogger(__name__)
IMPORTED = time.perf_counter()


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
    parser.add_argument("--mode", choices=("auto", "head", "full"), default="auto",
                        help="head: train only the last layer on features of the frozen pretrained "
                             "backbone (seconds on a CPU); full: fine-tune the whole network; auto: "
                             "head on a computer without GPU when pretrained weights are there, else full")
    parser.add_argument("--head-views", type=int, choices=(1, 2), default=1,
                        help="head-only: 1 = the Nano's view of each training picture, 2 = also its mirror")
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


def initial_weights(model: nn.Module, args: Any, num_classes: int) -> tuple[str, bool]:
    """Load --weights or ImageNet weights into the backbone; returns (where from, pretrained?)."""
    if args.weights is not None:
        loaded = load_backbone(model, load_weights_file(args.weights), num_classes, f"--weights {args.weights}")
        return f"{args.weights} ({loaded} tensors)", True
    if not args.pretrained:
        return "random (--no-pretrained)", False
    state = imagenet_state(args.arch)
    if state is None:
        return "random (ImageNet weights unavailable)", False
    load_backbone(model, state, num_classes, f"ImageNet weights of {args.arch}")
    return "ImageNet", True


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



def resume_checkpoint(args: Any, classes: list[str]) -> dict[str, Any] | None:
    """--resume: the last checkpoint, checked against the dataset; its arch and resolution win."""
    if not args.resume:
        return None
    checkpoint = read_checkpoint(Path(args.model_dir) / LAST_CHECKPOINT)
    if checkpoint["classes"] != classes:
        raise ScriptError(f"cannot resume: the checkpoint's classes {checkpoint['classes']} differ "
                          f"from the dataset's {classes}")
    for name in ("arch", "resolution"):
        if getattr(args, name) != checkpoint[name]:
            say(f"resuming with the checkpoint's {name} {checkpoint[name]} (not {getattr(args, name)})")
            setattr(args, name, checkpoint[name])
    return checkpoint


def main(argv: list[str] | None = None) -> int:
    """Parse, check inputs, load the starting weights, choose the mode, train with early stopping."""
    args = parse_args(argv)
    classes = dataset_classes(Path(args.dataset))
    checkpoint = resume_checkpoint(args, classes)
    model_dir = ensure_writable_dir(Path(args.model_dir))
    device = pick_device(args.device)
    threads = set_cpu_threads() if device.type == "cpu" else torch.get_num_threads()
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed input size: let cuDNN pick its fastest kernels
    seed_everything(args.seed)
    model = build_model(args.arch, len(classes))
    source, pretrained = (("checkpoint", True) if checkpoint is not None
                          else initial_weights(model, args, len(classes)))
    mode, reason = choose_mode(args.mode, device, pretrained, checkpoint is not None)
    say(f"modules loaded in {IMPORTED - STARTED:.1f} s, starting weights ready "
        f"{time.perf_counter() - IMPORTED:.1f} s later")
    say(f"training mode: {'head-only' if mode == 'head' else 'full fine-tuning'} ({reason})")
    where = f"{device}{f' ({threads} threads)' if device.type == 'cpu' else ''}"

    def announce(train_images: int, val_images: int, details: str = "") -> None:
        """Once the data is known good: keep the earlier run's files aside, then say what starts."""
        if checkpoint is None:
            keep_previous_run(model_dir)
        atomic_write_text(model_dir / "labels.txt", labels_text(classes))
        say(f"training {args.arch} at {args.resolution}x{args.resolution} on {where}, weights: {source}, "
            f"{details}up to {args.epochs} epochs, patience {args.patience or 'off'}")
        emit("start", epochs=args.epochs, classes=classes, train_images=train_images,
             val_images=val_images, device=str(device), resolution=args.resolution, mode=mode,
             mode_reason=reason)

    if mode == "head":
        return run_head(args, model, classes, device, announce)
    return run_full(args, model, classes, device, checkpoint, announce)


def decode_datasets(args: Any, classes: list[str]) -> tuple[DecodedSplit, DecodedSplit]:
    """Train pictures decoded once at a size with room to crop; val with the Nano's stretch."""
    dataset = Path(args.dataset)
    started = time.perf_counter()
    train = decode_split(dataset / "train", classes, stored_size(args.resolution), nano=False,
                         workers=args.workers)
    val = decode_split(dataset / "val", classes, args.resolution, nano=True, workers=args.workers)
    say(f"decoded {len(train)} train and {len(val)} val images of {len(classes)} classes in "
        f"{time.perf_counter() - started:.1f} s ({(train.images.nbytes + val.images.nbytes) / 2**20:.0f} MiB in memory)")
    return train, val


def run_full(args: Any, model: nn.Module, classes: list[str], device: torch.device,
             checkpoint: dict[str, Any] | None, announce: Callable[..., None]) -> int:
    """Fine-tune the whole network: augmented batches, one epoch at a time, checkpoints each epoch."""
    train, val = decode_datasets(args, classes)
    dtype = choose_precision(args.precision, device)
    lr = args.lr if args.lr is not None else 0.01
    adapt_batchnorm_momentum(model, math.ceil(len(train) / args.batch_size))
    trainer = Trainer(model, device, dtype, lr, args.epochs)
    state = new_run_state(args.batch_size)
    if checkpoint is not None:
        trainer.model.load_state_dict(checkpoint["state_dict"])
        trainer.optimizer.load_state_dict(checkpoint["optimizer"])
        trainer.scheduler.load_state_dict(checkpoint["scheduler"])
        trainer.scheduler.T_max = args.epochs
        state.update(checkpoint["run"])
        torch.set_rng_state(checkpoint["rng"])
        say(f"resuming after epoch {state['epoch']} (best val accuracy {state['best_val_acc']:.1%} "
            f"at epoch {state['best_epoch']})")
    announce(len(train), len(val), f"precision {str(dtype).replace('torch.', '') if dtype else 'fp32'}, "
             f"lr {lr:g}, batch {state['batch_size']}, ")
    train_images = torch.from_numpy(train.images)
    if device.type == "cuda":
        train_images = train_images.to(device)  # augmentation then runs on the GPU
    data = {"train_x": train_images, "train_y": torch.from_numpy(train.labels),
            "val_x": torch.from_numpy(val.images), "val_y": torch.from_numpy(val.labels)}
    while state["epoch"] < args.epochs and not should_stop(state, args.patience):
        full_epoch(trainer, data, args, classes, state, lr)
    finish_run(Path(args.model_dir), state, args.epochs, args.patience)
    return 0


def full_epoch(trainer: Trainer, data: dict[str, torch.Tensor], args: Any, classes: list[str],
               state: dict[str, Any], lr: float) -> None:
    """Train one epoch, validate, save checkpoints, publish the record."""
    model_dir = Path(args.model_dir)
    epoch = state["epoch"] + 1
    lr_now = trainer.optimizer.param_groups[0]["lr"]
    train_loss, train_acc, seconds = train_epoch(trainer, data["train_x"], data["train_y"], args.resolution, state)
    if not math.isfinite(train_loss):
        raise ScriptError(f"training diverged at epoch {epoch} (loss is {train_loss}): lower --lr "
                          f"(now {lr:g}); the best epoch so far is kept in {model_dir / BEST_CHECKPOINT}")
    val_loss, val_acc = trainer.evaluate(data["val_x"], data["val_y"], max(state["batch_size"], 64))
    trainer.scheduler.step()
    best = score_epoch(state, epoch, val_loss, val_acc)
    if best:
        save_checkpoint(model_dir / BEST_CHECKPOINT, checkpoint_payload(
            trainer.model, args.arch, classes, args.resolution, state, mode="full"))
    save_checkpoint(model_dir / LAST_CHECKPOINT, checkpoint_payload(
        trainer.model, args.arch, classes, args.resolution, state, mode="full",
        optimizer=trainer.optimizer.state_dict(), scheduler=trainer.scheduler.state_dict(),
        run=dict(state), rng=torch.get_rng_state()))
    figures = {"train_loss": train_loss, "train_acc": train_acc, "val_loss": val_loss, "val_acc": val_acc,
               "seconds": seconds}
    publish_epoch(model_dir, state, args.epochs, figures, len(data["train_y"]), best, lr_now)


if __name__ == "__main__":
    sys.exit(run_main(main))
