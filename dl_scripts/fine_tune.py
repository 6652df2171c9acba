"""Full fine-tuning's parts: augmentation on tensors, the two recipes, one epoch with out-of-memory retries.

train.py runs them (run_full); bench/pretrain_weights.py uses the same augmentation.
"""
from __future__ import annotations

import logging
import math
import time
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from dl_common import ScriptError, cpu_has_fast_bf16, warn
from nano_data import IMAGENET_MEAN, IMAGENET_STD

log = logging.getLogger(__name__)


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
    """Holds the model, optimiser and run state; one call per epoch.

    recipe "scratch": SGD (momentum, Nesterov) at 0.01, BatchNorm in training mode.
    recipe "pretrained": AdamW at 1e-4, a linear warm-up over the first epoch, BatchNorm
    kept in eval mode (its pretrained statistics are used and kept; its scale and shift
    still learn). Measured from pretrained weights (bench/bench_train.py): the scratch
    recipe learnt slowly (46 % test accuracy after 5 epochs where the frozen features
    alone give 89 %), and a fitted last layer was undone in the first epoch by the shift
    between training-mode and eval-mode BatchNorm, or made SGD diverge.
    """

    def __init__(self, model: nn.Module, device: torch.device, dtype: torch.dtype | None,
                 lr: float, epochs: int, recipe: str = "scratch") -> None:
        self.device = device
        self.dtype = dtype
        self.recipe = recipe
        self.channels_last = device.type == "cuda" or dtype is not None
        self.model = model.to(device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        if recipe == "pretrained":
            self.optimizer: torch.optim.Optimizer = torch.optim.AdamW(self.model.parameters(), lr=lr,
                                                                      weight_decay=1e-4)
        else:
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.9,
                                             weight_decay=1e-4, nesterov=True)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=epochs)
        self.scaler = torch.amp.GradScaler("cuda", enabled=dtype == torch.float16)

    def train_mode(self) -> None:
        """Training mode; with the pretrained recipe BatchNorm stays in eval mode."""
        self.model.train()
        if self.recipe == "pretrained":
            for module in self.model.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()

    def warm_up(self, step: int, steps: int) -> None:
        """Pretrained recipe, first epoch: the learning rate rises linearly to its start value."""
        for group in self.optimizer.param_groups:
            group["lr"] = group["initial_lr"] * (step + 1) / steps

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
        trainer.train_mode()
        loss_sum, correct, started = 0.0, 0, time.perf_counter()
        warming_up = trainer.recipe == "pretrained" and state["epoch"] == 0
        try:
            parts = batches(len(labels), state["batch_size"])
            for step, index in enumerate(parts):
                if warming_up:
                    trainer.warm_up(step, len(parts))
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
