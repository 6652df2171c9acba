"""ONNX Runtime backend: OpenCV capture plus onnxruntime, preprocessing as jetson-inference.

Why: a board without jetson-inference (a Raspberry Pi, a PC, a Jetson without it) must give
the same class for the same frame, so the frame is prepared exactly as imageNet prepares it
for ONNX classifiers: whole frame stretched to W x H by nearest neighbour (no crop), RGB,
planar CHW, /255, then ImageNet mean and std.
"""
import logging
import queue
import threading
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from nano_common import CameraLost, NanoError, camera_device, check_model_file, file_path, is_network_uri

log = logging.getLogger(__name__)

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
_END = object()  # end of a video file


class Preprocessor:
    """BGR uint8 frame -> 1x3xHxW float32, jetson-inference's way, with cached index maps.

    Two cheap passes per frame (about 0.5 ms at 640x480 -> 224x224, a quarter of the
    per-channel table lookups used before): the nearest rows and columns are gathered with
    np.take, then each RGB plane is scaled and shifted in place (v / 255 - mean) / std as
    one multiply and one subtract in float32 (within 4e-7 of the float64 formula).
    """

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        std = np.asarray(STD, dtype=np.float64).reshape(3, 1, 1)
        self._scale = (1.0 / (255.0 * std)).astype(np.float32)
        self._offset = (np.asarray(MEAN, dtype=np.float64).reshape(3, 1, 1) / std).astype(np.float32)
        self._maps: Dict[Tuple[int, int], Tuple[np.ndarray, np.ndarray]] = {}

    def _index_maps(self, src_h: int, src_w: int) -> Tuple[np.ndarray, np.ndarray]:
        """Source row/column of each output pixel: floor(x * src / dst), as imageNet."""
        key = (src_h, src_w)
        if key not in self._maps:
            rows = (np.arange(self.height) * src_h) // self.height
            cols = (np.arange(self.width) * src_w) // self.width
            self._maps[key] = (rows, cols)
        return self._maps[key]

    def __call__(self, frame_bgr: np.ndarray) -> np.ndarray:
        rows, cols = self._index_maps(frame_bgr.shape[0], frame_bgr.shape[1])
        small = frame_bgr.take(rows, axis=0).take(cols, axis=1)     # H x W x 3, BGR
        tensor = np.empty((1, 3, self.height, self.width), np.float32)
        planes = tensor[0]
        planes[...] = small.transpose(2, 0, 1)[::-1]                # RGB = BGR reversed
        planes *= self._scale
        planes -= self._offset
        return tensor


def session_options(onnxruntime: Any) -> Any:
    """onnxruntime's defaults, except that its threads do not spin between runs.

    Spinning threads keep every core busy while the next frame is decoded and prepared,
    so the frame reader (which needs those cores) and the model slow each other down;
    measured by bench/bench_inference.py (README: "Inference on the Nano").
    """
    options = onnxruntime.SessionOptions()
    try:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    except (AttributeError, RuntimeError):  # an onnxruntime older than 1.4: its defaults
        log.debug("onnxruntime without session config entries: threads may spin")
    return options


def open_session(model: str, labels: List[str], input_blob: Optional[str],
                 output_blob: Optional[str]) -> Tuple[Any, str, str, int, int]:
    """Load the ONNX file and check it; returns (session, input, output, width, height)."""
    check_model_file(model)
    import onnxruntime  # imported here so a missing package is a clear error line

    available = onnxruntime.get_available_providers()
    providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]
    try:
        session = onnxruntime.InferenceSession(model, session_options(onnxruntime), providers=providers)
    except Exception as error:
        raise NanoError(f"cannot load model {model}: {str(error).splitlines()[0]}") from error
    inputs = {item.name: item for item in session.get_inputs()}
    outputs = {item.name: item for item in session.get_outputs()}
    input_name = input_blob or next(iter(inputs))
    output_name = output_blob or next(iter(outputs))
    if input_name not in inputs:
        raise NanoError(f"model has no input named '{input_name}' (it has: "
                        f"{', '.join(inputs)}): check --input_blob")
    if output_name not in outputs:
        raise NanoError(f"model has no output named '{output_name}' (it has: "
                        f"{', '.join(outputs)}): check --output_blob")
    shape = inputs[input_name].shape
    if len(shape) != 4 or not all(isinstance(d, int) for d in shape) or shape[:2] != [1, 3]:
        raise NanoError(f"model input '{input_name}' has shape {shape}: expected a static "
                        f"1x3xHxW (export with a fixed input size)")
    out_shape = outputs[output_name].shape
    classes = out_shape[-1] if out_shape and isinstance(out_shape[-1], int) else None
    if classes != len(labels):
        raise NanoError(f"labels file has {len(labels)} classes but the model outputs "
                        f"{classes if classes is not None else out_shape}: use the labels.txt "
                        f"exported with this model")
    return session, input_name, output_name, shape[3], shape[2]


class OpenCvCamera:
    """A camera, a video file or a network stream through OpenCV."""

    def __init__(self, uri: str) -> None:
        import cv2

        # The reader thread is the parallelism: OpenCV's own worker threads would only
        # compete with the model for the same cores.
        cv2.setNumThreads(1)
        self.uri = uri
        self.is_file = False
        device = camera_device(uri)
        path = file_path(uri)
        if uri.startswith("csi://"):
            raise NanoError(f"{uri}: CSI cameras need the TensorRT backend (jetson-inference)")
        if device is not None:
            self._capture = cv2.VideoCapture(device, cv2.CAP_V4L2)
        elif is_network_uri(uri):
            self._capture = cv2.VideoCapture(uri, cv2.CAP_FFMPEG)
        elif path is not None:
            import os
            if not os.path.isfile(path):
                raise NanoError(f"camera not found: no video file {path}")
            self.is_file = True
            self._capture = cv2.VideoCapture(path)
        else:
            raise NanoError(f"camera not found: unknown camera URI {uri}")
        if not self._capture.isOpened():
            self._capture.release()
            raise NanoError(f"camera not found: cannot open {uri}")

    def read(self) -> Optional[np.ndarray]:
        """The next BGR frame, or None when the source has none left."""
        ok, frame = self._capture.read()
        return frame if ok and frame is not None else None

    def release(self) -> None:
        self._capture.release()


class FrameReader(threading.Thread):
    """Reads and preprocesses frames while the model runs on the previous one.

    A file keeps every frame (bounded queue, the reader waits). A live camera keeps only
    the newest frame, so the LED follows what the camera sees now, not a backlog. Each item
    is (tensor, BGR frame): the frame travels by reference, for the preview (nano_frames);
    without a model (--capture-only) the tensor is None.
    """

    def __init__(self, camera: OpenCvCamera, preprocess: Optional[Preprocessor]) -> None:
        super().__init__(name="frame-reader", daemon=True)
        self._camera = camera
        self._preprocess = preprocess
        self._queue: queue.Queue = queue.Queue(maxsize=2 if camera.is_file else 1)
        self._stop_event = threading.Event()
        self.frames_read = 0
        self.released = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                frame = self._camera.read()
                if frame is None:
                    self._put(_END)
                    return
                self.frames_read += 1
                self._put((self._preprocess(frame) if self._preprocess else None, frame))
        except Exception as error:  # reported by the classification loop
            self._put(error)
        finally:
            self._camera.release()
            self.released.set()

    def _put(self, item: Any) -> None:
        if not self._camera.is_file and item is not _END:
            try:                      # live: drop the stale frame
                self._queue.get_nowait()
            except queue.Empty:
                pass
        while not self._stop_event.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def get(self) -> Any:
        """(tensor, frame), or None at the end of the stream or once stopped."""
        while True:
            try:
                item = self._queue.get(timeout=0.1)
                break
            except queue.Empty:
                if self._stop_event.is_set():
                    return None
        if item is _END:
            return None
        if isinstance(item, Exception):
            raise NanoError(f"camera {self._camera.uri} failed: {item}")
        return item

    def stop(self) -> None:
        self._stop_event.set()

    @property
    def stopping(self) -> bool:
        return self._stop_event.is_set()


class OnnxRuntimeBackend:
    """Classification with onnxruntime on frames captured by OpenCV (no model: the camera
    alone, for --capture-only)."""

    name = "onnxruntime"

    def __init__(self, model: Optional[str], labels: List[str], camera_uri: str,
                 input_blob: Optional[str], output_blob: Optional[str]) -> None:
        self.labels = labels
        self.scores_available = True
        self.preprocess: Optional[Preprocessor] = None
        if model is not None:
            self._session, self._input, self._output, width, height = open_session(
                model, labels, input_blob, output_blob)
            log.info("model %s: input %s 1x3x%dx%d", model, self._input, height, width)
            self.preprocess = Preprocessor(width, height)
        self._frame: Optional[np.ndarray] = None
        camera = OpenCvCamera(camera_uri)
        self._live = not camera.is_file
        self.is_file = camera.is_file
        self._reader = FrameReader(camera, self.preprocess)
        self._reader.start()
        self._first = True

    @property
    def session(self) -> Any:
        """The onnxruntime session (the benchmark times bare runs on it)."""
        return self._session

    @property
    def input_name(self) -> str:
        return self._input

    def next_frame(self) -> Optional[np.ndarray]:
        """The next preprocessed frame (without a model: the BGR frame); None at the end of
        a file; NanoError if none came, CameraLost when a live camera stops."""
        item = self._reader.get()
        if item is None:
            if self._first:
                raise NanoError(f"camera {self._reader._camera.uri} delivers no frames")
            if self._live and not self._reader.stopping:
                raise CameraLost(f"camera {self._reader._camera.uri} stopped delivering frames")
            return None
        self._first = False
        tensor, self._frame = item
        return tensor if tensor is not None else self._frame

    def picture(self, frame: Any) -> Optional[np.ndarray]:
        """The BGR camera frame behind the last next_frame() (for the preview)."""
        return self._frame

    def classify(self, tensor: np.ndarray) -> Tuple[int, float, List[float]]:
        """(class id, confidence, every class probability) for one frame."""
        scores = self._session.run([self._output], {self._input: tensor})[0].reshape(-1)
        class_id = int(np.argmax(scores))
        return class_id, float(scores[class_id]), scores.tolist()

    def interrupt(self) -> None:
        """Ask the reader to stop; safe from any thread, even while a frame is classified."""
        self._reader.stop()

    def close(self, wait_s: float = 0.3) -> bool:
        """Stop reading and release the camera; False if the reader is stuck in a read."""
        self._reader.stop()
        return self._reader.released.wait(wait_s)
