"""TensorRT backend: jetson-inference's imageNet and videoSource, under either module layout.

Why the `imageNet(name, argv)` form: it is the one every jetson-inference version accepts;
with --model/--labels/--input_blob/--output_blob in argv the name is not used to pick a
built-in network. Camera URIs are handed to videoSource unchanged (csi://0 included).
"""
import logging
from typing import Any, List, Optional, Tuple

from nano_common import (CameraLost, NanoError, camera_device, check_model_file,
                         check_onnx_input, file_path)

log = logging.getLogger(__name__)


def import_jetson() -> Tuple[Any, Any]:
    """(imageNet class, videoSource class) from jetson_inference/jetson_utils or jetson.*."""
    try:
        from jetson_inference import imageNet
        from jetson_utils import videoSource
        return imageNet, videoSource
    except ImportError:
        pass
    import jetson.inference  # the layout of JetPack 4 builds before 2021
    import jetson.utils
    return jetson.inference.imageNet, jetson.utils.videoSource


def import_jetson_utils() -> Any:
    """The jetson-utils module (cudaToNumpy, cudaDeviceSynchronize), either layout."""
    try:
        import jetson_utils
        return jetson_utils
    except ImportError:
        import jetson.utils
        return jetson.utils


def jetson_available() -> bool:
    """True when jetson-inference imports (what --backend auto checks)."""
    try:
        import_jetson()
        return True
    except Exception as error:  # a broken install counts as absent
        log.debug("jetson-inference not usable: %s", error)
        return False


def jetson_argv(program: str, model: str, labels_path: str, input_blob: Optional[str],
                output_blob: Optional[str], headless: bool, passthrough: List[str]) -> List[str]:
    """The argv imageNet and videoSource parse: our options in `--key=value` form + unknowns."""
    argv = [program, f"--model={model}", f"--labels={labels_path}"]
    if input_blob:
        argv.append(f"--input_blob={input_blob}")
    if output_blob:
        argv.append(f"--output_blob={output_blob}")
    if headless:
        argv.append("--headless")
    return argv + passthrough


class TensorRtBackend:
    """Classification with jetson-inference (TensorRT engine, CUDA capture)."""

    name = "tensorrt"

    def __init__(self, model: Optional[str], labels: List[str], camera_uri: str,
                 argv: List[str], want_scores: bool, input_blob: Optional[str] = None) -> None:
        self.labels = labels
        self.is_file = False
        image_net, video_source = import_jetson()
        self._utils = import_jetson_utils()
        self._net: Any = None
        self.scores_available = False
        if model is not None:
            self._load(model, labels, argv, want_scores, input_blob, image_net)
        device = camera_device(camera_uri)
        self._uri = f"/dev/video{device}" if device is not None else camera_uri
        # a stream that ends is a video's end for a file, a lost camera otherwise
        self.end_reason = "end_of_video" if file_path(self._uri) else "camera_lost"
        try:
            self._source = video_source(self._uri, argv=argv)
        except Exception as error:
            raise NanoError(f"camera not found: cannot open {self._uri}: {error}") from error
        self._first = True

    def _load(self, model: str, labels: List[str], argv: List[str], want_scores: bool,
              input_blob: Optional[str], image_net: Any) -> None:
        """The TensorRT network (none with --capture-only)."""
        check_model_file(model)
        check_onnx_input(model, input_blob)
        try:
            self._net = image_net(model, argv)
        except Exception as error:
            raise NanoError(f"jetson-inference cannot load model {model}: {error} "
                            f"(see the lines above)") from error
        classes = self._net.GetNumClasses()
        if classes != len(labels):
            raise NanoError(f"labels file has {len(labels)} classes but the model outputs "
                            f"{classes}: use the labels.txt exported with this model")
        # Every class score needs Classify(img, topK=N) (jetson-inference since 2022) and
        # imageNet's own threshold at 0; the first frame tells whether this version has it.
        self.scores_available = want_scores
        self._saved_threshold: Optional[float] = None
        if want_scores and hasattr(self._net, "SetThreshold"):
            if hasattr(self._net, "GetThreshold"):
                self._saved_threshold = self._net.GetThreshold()
            self._net.SetThreshold(0.0)

    def next_frame(self) -> Optional[Any]:
        """A CUDA image; None at the end of a file; NanoError if the camera fails."""
        while True:
            try:
                image = self._source.Capture()
            except Exception as error:  # old versions raise at end of stream or on error
                if not self._source.IsStreaming():
                    return self._end_of_stream()
                raise CameraLost(f"camera {self._uri} failed: {error}") from error
            if image is not None:
                self._first = False
                return image
            if not self._source.IsStreaming():  # new versions return None
                return self._end_of_stream()
            # None while streaming = a capture timeout; try again

    def _end_of_stream(self) -> None:
        if self._first:
            raise NanoError(f"camera {self._uri} delivers no frames")
        return None

    def classify(self, image: Any) -> Tuple[int, float, Optional[List[float]]]:
        """(class id, confidence, every class probability or None)."""
        if not self.scores_available:
            class_id, confidence = self._net.Classify(image)
            return int(class_id), float(confidence), None
        try:
            ranked = self._net.Classify(image, topK=len(self.labels))
        except TypeError:
            log.warning("this jetson-inference cannot return every class score "
                        "(no Classify topK): --print-scores ignored")
            self.scores_available = False
            if self._saved_threshold is not None:
                self._net.SetThreshold(self._saved_threshold)
            return self.classify(image)
        scores = [0.0] * len(self.labels)
        for class_id, confidence in ranked:
            if 0 <= class_id < len(scores):
                scores[class_id] = float(confidence)
        best = max(range(len(scores)), key=scores.__getitem__)
        return best, scores[best], scores

    def picture(self, image: Any) -> Any:
        """The captured cudaImage as a BGR numpy copy, for the preview (nano_frames).

        cudaToNumpy maps the image's memory: the GPU must have finished writing it
        (cudaDeviceSynchronize), and the next Capture may reuse it, hence the copy; the
        image is RGB(A), OpenCV wants BGR.
        """
        import numpy as np

        self._utils.cudaDeviceSynchronize()
        array = self._utils.cudaToNumpy(image)
        if array.ndim == 3 and array.shape[2] in (3, 4):
            array = array[:, :, 2::-1]
        return np.ascontiguousarray(array)

    def class_desc(self, class_id: int) -> str:
        return self._net.GetClassDesc(class_id)

    def close(self, wait_s: float = 0.5) -> bool:
        """Close the camera (videoSource.Close where it exists)."""
        try:
            if hasattr(self._source, "Close"):
                self._source.Close()
        except Exception as error:
            log.warning("closing the camera failed: %s", error)
        return True
