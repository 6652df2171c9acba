"""Stand-in for jetson.inference (the layout before 2021)."""
from fake_jetson_core import FakeImageNet as imageNet  # noqa: F401
