"""Stand-in for jetson.utils: Capture() raises at the end of a stream, as old versions do."""
from fake_jetson_core import LegacyVideoSource as videoSource  # noqa: F401
from fake_jetson_core import cudaDeviceSynchronize, cudaToNumpy  # noqa: F401
