"""One webcam, two users on one computer: the window's preview lends it to the Nano.

Why (issue 15): a V4L2 webcam serves one opener; a second one gets EBUSY. When the Nano
is this computer and its camera is the one the preview holds, the preview closes it
first (core.capture.CaptureSession.lend_camera) and takes it back when the inference
ends. This module holds the Qt-free parts: whether a hand-over is needed, and running a
task only once the camera is free.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from core.camera import same_camera
from core.config import MachineConfig
from core.messages import QT_TRANSLATE_NOOP
from core.nano_camera import nano_of
from core.pipeline import Report, StepError

log = logging.getLogger(__name__)

#: How long a task waits for the preview to close the camera (a read in progress ends
#: within one frame; a stalled stream may take its read timeout).
RELEASE_WAIT_S = 10.0


def needs_camera(nano: MachineConfig, preview_source: str) -> bool:
    """Whether running on `nano` opens the camera the preview holds now: the same device
    on this computer, or that Nano's own camera (step 2 recording from it)."""
    if nano_of(preview_source) is not None:
        return nano_of(preview_source) == nano.name
    return nano.is_local and same_camera(nano.camera or "/dev/video0", preview_source)


def when_released(released: threading.Event | None, function: Callable[..., Any], *args: Any,
                  report: Report, wait_s: float = RELEASE_WAIT_S, **kwargs: Any) -> Any:
    """Run `function(*args, report=report, **kwargs)` once `released` is set (None: at once).

    A worker runs this, so the GUI thread never waits for the camera."""
    if released is not None and not released.wait(wait_s):
        raise StepError(QT_TRANSLATE_NOOP(
            "core", "The preview did not release the camera in time: "
                    "try step 8 again (or close other programs using it)"))
    return function(*args, report=report, **kwargs)
