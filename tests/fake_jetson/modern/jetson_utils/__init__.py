"""Stand-in for jetson_utils (the layout since 2021)."""
from fake_jetson_core import FakeVideoSource as videoSource  # noqa: F401
from fake_jetson_core import cudaDeviceSynchronize, cudaToNumpy  # noqa: F401
