"""Stand-ins for jetson-inference, jetson-utils, Jetson.GPIO and RPi.GPIO in the tests.

Hardware that cannot exist here (TensorRT, a CSI camera, GPIO pins) is replaced by these
objects. They record every call as one JSON line in $FAKE_JETSON_LOG so the tests can
assert what the script asked for. Behaviour is set through environment variables:

FAKE_JETSON_FRAMES   "0:0.9,0:0.9,1:0.8": class:confidence of each captured frame;
                     a trailing ",..." repeats the last frame forever (a live camera)
FAKE_JETSON_CLASSES  GetNumClasses() (default: the number of labels)
FAKE_JETSON_OPEN     "fail": videoSource raises (camera not found)
FAKE_JETSON_TOPK     "1": Classify accepts topK (newer jetson-inference)
FAKE_JETSON_SIZE     "640x480" (default): the captured images' width x height
FAKE_JETSON_FORMAT   "rgb8" (default), "rgba8" or "rgb32f": the captured images' format

Images as jetson-utils makes them: Capture() hands out a cudaImage that the GPU is still
filling; only after cudaDeviceSynchronize() does the memory that cudaToNumpy() maps hold
the picture (before, it reads black). The picture is RGB(A): the class's colour
(CLASS_RGB) over a texture, so a preview shows which class the frame is.
FAKE_GPIO_FAIL       "permission": GPIO setup raises PermissionError
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any

log = logging.getLogger(__name__)


def record(call: str, **details: Any) -> None:
    """Append one call to the log file the test reads."""
    path = os.environ.get("FAKE_JETSON_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log_file:
            log_file.write(json.dumps({"call": call, **details}) + "\n")


def _argv_value(argv: list[str], key: str) -> str | None:
    for item in argv:
        if item.startswith(f"--{key}="):
            return item.split("=", 1)[1]
    return None


# RGB colours of classes 0, 1, 2 in the stand-in's pictures (blue, red, yellow).
CLASS_RGB = ((30, 60, 200), (210, 40, 30), (230, 210, 30))
_CHANNELS = {"rgb8": 3, "rgba8": 4, "rgb32f": 3}
_unsynced: list = []  # images Capture() handed out that the GPU is still writing


class FakeImage:
    """What Capture() returns (a cudaImage): carries the class and confidence the fake net
    reports, its size and format; its pixels exist once the GPU is synchronised."""

    def __init__(self, class_id: int, confidence: float) -> None:
        self.class_id = class_id
        self.confidence = confidence
        size = os.environ.get("FAKE_JETSON_SIZE", "640x480").lower().split("x")
        self.width, self.height = int(size[0]), int(size[1])
        self.format = os.environ.get("FAKE_JETSON_FORMAT", "rgb8")
        self.channels = _CHANNELS[self.format]
        self._memory: Any = None  # the mapped device memory (numpy, made on first map)

    def memory(self) -> Any:
        import numpy as np  # only the frame tests need numpy (Python 3.6 runs have none)

        if self._memory is None:
            dtype = np.float32 if self.format.endswith("32f") else np.uint8
            self._memory = np.zeros((self.height, self.width, self.channels), dtype)
        return self._memory

    def finish_writing(self) -> None:
        """What the GPU does before cudaDeviceSynchronize returns: the picture lands."""
        import numpy as np

        memory = self.memory()
        rows = np.arange(self.height).reshape(-1, 1)
        cols = np.arange(self.width).reshape(1, -1)
        texture = ((rows // 8 + cols // 8) % 2) * 24 - 12   # a checkerboard, +-12
        for channel, value in enumerate(CLASS_RGB[self.class_id % len(CLASS_RGB)]):
            memory[:, :, channel] = np.clip(value + texture, 0, 255)
        if self.channels == 4:
            memory[:, :, 3] = 255


def cudaDeviceSynchronize() -> None:  # noqa: N802 (jetson-utils' name)
    record("cudaDeviceSynchronize")
    while _unsynced:
        _unsynced.pop().finish_writing()


def cudaToNumpy(image: FakeImage) -> Any:  # noqa: N802 (jetson-utils' name)
    """The image's memory as an HxWxC array (mapped: the same memory each time)."""
    if not isinstance(image, FakeImage):
        raise TypeError("cudaToNumpy() expects a cudaImage")
    record("cudaToNumpy", width=image.width, height=image.height, format=image.format,
           synced=image not in _unsynced)
    return image.memory()


class FakeImageNet:
    """imageNet(network, argv): reads --labels from argv like the real one."""

    def __init__(self, network: str = "googlenet", argv: list[str] | None = None) -> None:
        argv = list(argv or [])
        record("imageNet", network=network, argv=argv)
        labels_path = _argv_value(argv, "labels")
        self._labels = []
        if labels_path:
            with open(labels_path, encoding="utf-8") as labels_file:
                self._labels = [line.strip() for line in labels_file if line.strip()]
        self._classes = int(os.environ.get("FAKE_JETSON_CLASSES", len(self._labels)))
        self._threshold = 0.01

    def GetNumClasses(self) -> int:
        return self._classes

    def GetClassDesc(self, class_id: int) -> str:
        record("GetClassDesc", class_id=class_id)
        if class_id < len(self._labels):
            return self._labels[class_id]
        return f"Class #{class_id}"

    def SetThreshold(self, threshold: float) -> None:
        record("SetThreshold", threshold=threshold)
        self._threshold = threshold

    def Classify(self, image: FakeImage, *args: Any, **kwargs: Any) -> Any:
        """(class, confidence); with topK (newer versions) a list of (class, confidence)."""
        if "topK" in kwargs:
            if os.environ.get("FAKE_JETSON_TOPK") != "1":
                raise TypeError("Classify() got an unexpected keyword argument 'topK'")
            rest = (1.0 - image.confidence) / max(1, self._classes - 1)
            scores = [(i, image.confidence if i == image.class_id else rest)
                      for i in range(self._classes)]
            scores = [s for s in scores if s[1] >= self._threshold]
            return sorted(scores, key=lambda s: -s[1])[:kwargs["topK"]]
        return image.class_id, image.confidence


class FakeVideoSource:
    """videoSource(uri, argv=...): frames from $FAKE_JETSON_FRAMES."""

    legacy = False  # legacy Capture() raises at the end of the stream instead of None

    def __init__(self, uri: str, argv: list[str] | None = None) -> None:
        record("videoSource", uri=uri, argv=list(argv or []))
        if os.environ.get("FAKE_JETSON_OPEN") == "fail":
            raise Exception(f"videoSource -- failed to create input stream '{uri}'")
        spec = os.environ.get("FAKE_JETSON_FRAMES", "")
        self._forever = spec.endswith(",...")
        items = [item for item in spec.replace(",...", "").split(",") if item]
        self._frames = [FakeImage(int(c), float(p)) for c, p in
                        (item.split(":") for item in items)]
        self._next = 0
        self._streaming = True

    def Capture(self, *args: Any, **kwargs: Any) -> FakeImage | None:
        if self._next < len(self._frames):
            self._next += 1
            return _capturing(self._frames[self._next - 1])
        if self._forever and self._frames:
            return _capturing(self._frames[-1])
        self._streaming = False
        if self.legacy:
            raise Exception("videoSource failed to capture image")
        return None

    def IsStreaming(self) -> bool:
        return self._streaming

    def Close(self) -> None:
        record("Close")


def _capturing(image: FakeImage) -> FakeImage:
    """The GPU writes the captured frame asynchronously (see cudaDeviceSynchronize)."""
    if image not in _unsynced:
        _unsynced.append(image)
    return image


class LegacyVideoSource(FakeVideoSource):
    legacy = True


class FakeGPIOModule:
    """RPi.GPIO / Jetson.GPIO functions, recorded."""

    BOARD = "BOARD"
    OUT = "OUT"
    LOW = 0
    HIGH = 1

    def __init__(self, name: str) -> None:
        self.name = name

    def setmode(self, mode: str) -> None:
        record("GPIO.setmode", lib=self.name, mode=mode)

    def setwarnings(self, flag: bool) -> None:
        record("GPIO.setwarnings", lib=self.name, flag=flag)

    def setup(self, pin: int, mode: str, initial: int | None = None) -> None:
        if os.environ.get("FAKE_GPIO_FAIL") == "permission":
            raise PermissionError(13, "Permission denied", "/sys/class/gpio/export")
        record("GPIO.setup", lib=self.name, pin=pin, mode=mode, initial=initial)

    def output(self, pin: int, value: int) -> None:
        record("GPIO.output", lib=self.name, pin=pin, value=value)

    def cleanup(self, *pins: Any) -> None:
        record("GPIO.cleanup", lib=self.name)
