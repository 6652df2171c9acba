"""Stand-in for jetson_inference (the layout since 2021)."""
from fake_jetson_core import FakeImageNet as imageNet  # noqa: F401
