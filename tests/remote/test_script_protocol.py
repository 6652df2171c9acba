"""Issue 12: each side has one writer of the remote protocol, and the scripts stay small.

The app parses `@ai_nano {json}` records and a last `error: ...` line; the DL-server scripts
and the Nano scripts each write them through one module (dl_common.py, nano_common.py), so
a change of the contract is made once per side. These checks read the sources.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

ROOT = REPO
DL = ROOT / "dl_scripts"
NANO = ROOT / "nano_scripts"


def sources(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.py"))}


def code_only(text: str) -> str:
    """The source without docstrings and comments (they may mention the contract)."""
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)


@pytest.mark.parametrize("folder,owner", [(DL, "dl_common.py"), (NANO, "nano_common.py")])
def test_one_module_per_side_writes_the_protocol(folder: Path, owner: str) -> None:
    code = {name: code_only(text) for name, text in sources(folder).items()}
    parsers = [name for name, text in code.items() if re.search(r"class \w+\(argparse\.ArgumentParser\)", text)]
    assert parsers == [owner]
    markers = [name for name, text in code.items() if "@ai_nano" in text]
    assert markers in ([owner], [])  # the Nano side writes no record, only lines
    # job.py's guard for a missing sibling (dl_common itself may be the one missing) is the
    # only other writer of an error line
    error_lines = [name for name, text in code.items()
                   if re.search(r"""f?['"]error: (?!%s\.py is missing or broken beside)""", text)]
    assert error_lines == [owner], error_lines


def test_the_led_pins_are_defined_once_on_the_nano_side() -> None:
    code = {name: code_only(text) for name, text in sources(NANO).items()}
    assert [name for name, text in code.items() if re.search(r"12,\s*16,\s*18", text)] == ["nano_common.py"]
    loop = code["nano_loop.py"]
    assert "'--pins', default=DEFAULT_PINS_TEXT" in loop


def test_my_imagenet_takes_pins(tmp_path: Path) -> None:
    shown = subprocess.run([sys.executable, str(NANO / "my-imagenet.py"), "--help"], capture_output=True,
                           text=True, timeout=60)
    assert shown.returncode == 0 and "--pins" in shown.stdout
    bad = subprocess.run([sys.executable, str(NANO / "switch_off_led.py"), "--pins", "12,x", "--gpio", "sim"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stdout.splitlines()[-1] == \
        "error: --pins: 'x' is not a pin number (expected e.g. 12,16,18)"


def test_run_main_turns_failures_into_one_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture) -> None:
    monkeypatch.syspath_prepend(str(DL))
    import dl_common

    class Busy(dl_common.ScriptError):
        exit_code = 3

    def missing(argv: list[str] | None) -> int:
        open("/nonexistent/file.txt")
        return 0

    def busy(argv: list[str] | None) -> int:
        raise Busy("a job is already running in x")

    def gone(argv: list[str] | None) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    assert dl_common.run_main(missing) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "error: /nonexistent/file.txt: No such file or directory"
    assert dl_common.run_main(busy) == 3
    assert capsys.readouterr().out.splitlines()[-1] == "error: a job is already running in x"
    assert dl_common.run_main(gone) == 1 and capsys.readouterr().out == ""


@pytest.mark.parametrize("folder", [DL, NANO, ROOT / "bench"])
def test_script_modules_and_functions_stay_small(folder: Path) -> None:
    """STYLE: modules under 400 lines, functions at most 60."""
    for name, text in sources(folder).items():
        assert len(text.splitlines()) < 400, name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno - node.lineno + 1 <= 60, f"{name}: {node.name}"
