"""Where the tests find the repository's parts, wherever a test module sits below tests/."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"        # recorded outputs of the real scripts
FAKES = REPO / "tests" / "fake_jetson"  # stand-ins for jetson-inference and the GPIO modules
