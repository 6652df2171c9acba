"""nano_scripts must run on Python 3.6: JetPack 4's `python3` on the Jetson Nano is 3.6.9.

Why two kinds of check: the static one (vermin, the minimum Python version of every
feature used) runs on any machine, so CI always catches a 3.7+ feature; where a Python 3.6
interpreter exists, the scripts also run under it for real and must print and call exactly
what they print and call under the Python that runs the tests.
"""
from __future__ import annotations

import ast
import glob
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.remote.test_nano_scripts import (LABELS, build_colour_model, env_for, recorded,
                                            sigterm_during_inference)
from tests.paths import FAKES, REPO

log = logging.getLogger(__name__)

ROOT = REPO
SCRIPTS = ROOT / "nano_scripts"
IMAGENET = SCRIPTS / "my-imagenet.py"
SWITCH_OFF = SCRIPTS / "switch_off_led.py"
TARGET = "3.6"
# vermin's own entry point: `python -m vermin` does not exist, the console script may be
# off PATH, so the test calls main() with the running interpreter.
VERMIN = [sys.executable, "-c", "import sys; from vermin.main import main; sys.exit(main())"]
# --eval-annotations: without `from __future__ import annotations` (3.7+) Python 3.6
# evaluates every annotation when the def runs, so list[int] or X | None fail there.
# f'{x=}' is named because older vermins leave it off. vermin's `X | Y` feature is not used:
# it guesses, and flags os.O_WRONLY | os.O_CREAT; annotation_unions() checks that exactly.
VERMIN_OPTIONS = [f"-t={TARGET}-", "--violations", "--no-tips", "--eval-annotations",
                  "--feature", "fstring-self-doc", "--pessimistic", "-p=1"]
PY36_PATHS = ["/root/.pyenv/versions/3.6.15/bin/python3",
              *sorted(glob.glob("/root/.pyenv/versions/3.6.*/bin/python3"))]


# ---------------------------------------------------------------- static check (any machine)

def annotation_unions(path: Path) -> list[str]:
    """`X | Y` inside an annotation (3.10+; 3.6 evaluates annotations when the def runs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    annotations = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            annotations.append(node.returns)
            annotations += [arg.annotation for arg in [
                *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                arguments.vararg, arguments.kwarg] if arg is not None]
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
    return [f"{path.name}:{inner.lineno}: union types as `X | Y` in an annotation need 3.10"
            for annotation in annotations if annotation is not None
            for inner in ast.walk(annotation)
            if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr)]


def static_check(folder: Path) -> list[str]:
    """Every reason the .py files of `folder` need a Python newer than 3.6 (empty: none)."""
    files = sorted(folder.glob("*.py"))
    assert files, f"no Python file in {folder}"
    result = subprocess.run([*VERMIN, *VERMIN_OPTIONS, *map(str, files)], capture_output=True,
                            text=True, cwd=str(folder), timeout=120)
    problems = [] if result.returncode == 0 else [result.stdout + result.stderr]
    for path in files:
        problems += annotation_unions(path)
    return problems


def test_vermin_is_installed() -> None:
    """The static check is the one that runs in CI: a missing tool must fail, not skip."""
    result = subprocess.run([*VERMIN, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, ("vermin is missing: pip install -r requirements-test.txt\n"
                                    + result.stderr)


def test_nano_scripts_need_at_most_python36() -> None:
    problems = static_check(SCRIPTS)
    assert not problems, "\n".join(problems)


# One snippet per 3.7+ feature that crept (or could creep) into the scripts.
NEWER_FEATURES = {
    "future annotations": ("from __future__ import annotations\n", "__future__.annotations"),
    "dataclass": ("from dataclasses import dataclass\n\n@dataclass\nclass Point:\n"
                  "    x: int\n", "dataclasses"),
    "run capture_output": ("import subprocess\nsubprocess.run(['true'], capture_output=True, "
                           "text=True)\n", "subprocess.run(capture_output)"),
    "list[int] annotation": ("def first(items: list[int]) -> int:\n    return items[0]\n",
                             "builtin generic type annotation"),
    "X | None annotation": ("def name(text: str | None) -> None:\n    pass\n",
                            "union types"),
    "walrus": ("if (count := 3) > 2:\n    pass\n", "named expressions"),
    "positional-only": ("def only(a, /, b):\n    return a\n", "positional-only parameters"),
    "f-string =": ("value = 1\ntext = f'{value=}'\n", "self-documenting f-strings"),
    "monotonic_ns": ("import time\nstamp = time.monotonic_ns()\n", "time.monotonic_ns"),
    "nullcontext": ("import contextlib\nwith contextlib.nullcontext():\n    pass\n",
                    "contextlib.nullcontext"),
}


@pytest.mark.parametrize("feature", sorted(NEWER_FEATURES))
def test_static_check_fails_on_a_newer_feature(feature: str, tmp_path: Path) -> None:
    """The check above is not vacuous: the same call on a copy with one 3.7+ line fails."""
    snippet, named = NEWER_FEATURES[feature]
    copy = tmp_path / "nano_scripts"
    shutil.copytree(SCRIPTS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    module = copy / "nano_gpio.py"
    module.write_text(module.read_text() + "\n\n" + snippet)
    report = "\n".join(static_check(copy))
    assert named in report and "nano_gpio.py" in report, report


def test_bitwise_or_outside_annotations_is_fine(tmp_path: Path) -> None:
    """Flags like os.O_WRONLY | os.O_CREAT work on 3.6 and must not fail the check."""
    module = tmp_path / "flags.py"
    module.write_text("import os\n\n\ndef open_log(path: str) -> int:\n"
                      "    return os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)\n")
    assert static_check(tmp_path) == []


# ---------------------------------------------------------------- real runs under Python 3.6

def find_python36() -> str | None:
    """A working Python 3.6 interpreter: pyenv's 3.6.x, else `python3.6` on PATH."""
    candidates = list(PY36_PATHS)
    on_path = shutil.which("python3.6")
    if on_path:
        candidates.append(on_path)
    for candidate in dict.fromkeys(candidates):
        if not os.access(candidate, os.X_OK):
            continue
        try:
            probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 6)":
            return candidate
    return None


@pytest.fixture(scope="module")
def python36() -> str:
    found = find_python36()
    if found is None:
        pytest.skip("no Python 3.6 interpreter here (looked for " + ", ".join(PY36_PATHS)
                    + " and python3.6 on PATH): only the static vermin check ran")
    return found


def _drop_annotations(source: str) -> str:
    """The same module without annotations or `from __future__ import annotations`.

    Why: the stand-ins in tests/fake_jetson use 3.9+ annotations; without them their code
    runs unchanged on 3.6, so both interpreters drive the very same fakes.
    """
    class Stripper(ast.NodeTransformer):
        def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
            return None if node.module == "__future__" else node

        def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
            node.returns = None
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                        arguments.vararg, arguments.kwarg]:
                if arg is not None:
                    arg.annotation = None
            self.generic_visit(node)
            return node

        def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
            if node.value is None:
                return ast.Pass()
            return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)

    tree = ast.fix_missing_locations(Stripper().visit(ast.parse(source)))
    return ast.unparse(tree) + "\n"


@pytest.fixture(scope="module")
def fakes36(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fake_jetson with annotations dropped, for both interpreters."""
    target = tmp_path_factory.mktemp("fake_jetson36")
    for source in FAKES.rglob("*.py"):
        destination = target / source.relative_to(FAKES)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(_drop_annotations(source.read_text(encoding="utf-8")))
    return target


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model36")
    build_colour_model(folder / "resnet18.onnx")
    (folder / "labels.txt").write_text("".join(f"{name}\n" for name in LABELS))
    return folder


def run_under(python: str, script: Path, args: list[str], env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-B", str(script), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_every_module_compiles_and_imports_on_36(python36: str) -> None:
    """Compiling finds 3.7+ syntax; importing evaluates every annotation, as 3.6 does."""
    code = ("import glob, sys; sys.path.insert(0, sys.argv[1])\n"
            "for name in sorted(glob.glob(sys.argv[1] + '/*.py')):\n"
            "    compile(open(name, encoding='utf-8').read(), name, 'exec')\n"
            "import nano_common, nano_gpio, nano_loop, nano_tensorrt, switch_off_led\n"
            "print('imported')\n")
    result = subprocess.run([python36, "-B", "-c", code, str(SCRIPTS)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "imported\n", result.stderr


def test_onnx_backend_module_imports_on_36(python36: str) -> None:
    """nano_onnx needs numpy, which a bare Python 3.6 may lack."""
    if subprocess.run([python36, "-c", "import numpy"], capture_output=True).returncode:
        pytest.skip(f"numpy is not installed for {python36}: nano_onnx only compiled")
    result = subprocess.run([python36, "-B", "-c", "import nano_onnx; print('imported')"],
                            capture_output=True, text=True, cwd=str(SCRIPTS), timeout=60)
    assert result.returncode == 0 and result.stdout == "imported\n", result.stderr


def test_imagenet_help_on_36(python36: str) -> None:
    result = run_under(python36, IMAGENET, ["--help"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: my-imagenet.py") and "--backend" in result.stdout


@pytest.mark.parametrize("gpio", ["sim", "jetson"])
def test_switch_off_led_same_on_36(gpio: str, python36: str, fakes36: Path,
                                   tmp_path: Path) -> None:
    runs = {}
    for python in (sys.executable, python36):
        log_path = tmp_path / f"calls-{len(runs)}.jsonl"
        env = env_for(fakes36, log_path, "gpio")
        result = run_under(python, SWITCH_OFF, ["--gpio", gpio, "--pins", "12,16"], env)
        assert result.returncode == 0, result.stdout + result.stderr
        runs[python] = (result.stdout, recorded(log_path))
    assert runs[python36] == runs[sys.executable]
    stdout, calls = runs[python36]
    if gpio == "sim":
        assert stdout.splitlines() == ["LED pin 12 off", "LED pin 16 off"]
    else:
        assert [(c["call"], c.get("pin"), c.get("value")) for c in calls
                if c["call"] == "GPIO.output"] == [("GPIO.output", 12, 0), ("GPIO.output", 16, 0)]
        assert calls[-1] == {"call": "GPIO.cleanup", "lib": "Jetson.GPIO"}


TRT_CASES = {
    "modern": ("modern", {}, []),
    "legacy": ("legacy", {}, []),
    "modern topK scores": ("modern", {"FAKE_JETSON_TOPK": "1"}, ["--print-scores"]),
}


@pytest.mark.parametrize("case", sorted(TRT_CASES))
def test_tensorrt_backend_same_on_36(case: str, python36: str, fakes36: Path, model_dir: Path,
                                     tmp_path: Path) -> None:
    """The TensorRT path needs only the standard library: run it against the stand-ins."""
    layout, variables, extra = TRT_CASES[case]
    args = [f"--model={model_dir / 'resnet18.onnx'}", f"--labels={model_dir / 'labels.txt'}",
            "--input_blob=input_0", "--output_blob=output_0", "--headless", "--camera=0",
            "--gpio=sim", "--input-flip=rotate-180", "--preview-width=0", *extra]
    runs = {}
    for python in (sys.executable, python36):
        log_path = tmp_path / f"calls-{len(runs)}.jsonl"
        env = env_for(fakes36, log_path, layout, FAKE_JETSON_FRAMES="0:0.9,0:0.8,2:0.7",
                      **variables)
        result = run_under(python, IMAGENET, args, env)
        assert result.returncode == 0, result.stdout + result.stderr
        runs[python] = (result.stdout, recorded(log_path))
    assert runs[python36] == runs[sys.executable]
    stdout, calls = runs[python36]
    lines = stdout.splitlines()
    assert "image is recognized as 'blue' (class #0) with 90.000000% confidence" in lines
    assert "image is recognized as 'yellow' (class #2) with 70.000000% confidence" in lines
    assert [line for line in lines if line.startswith("LED pin")] == [
        "LED pin 12 on", "LED pin 12 off", "LED pin 18 on", "LED pin 18 off"]
    assert bool([line for line in lines if line.startswith("scores: ")]) == bool(extra)
    names = [c["call"] for c in calls]
    assert names[0] == "imageNet" and names.count("videoSource") == 1
    assert ("SetThreshold" in names) == bool(extra)
    assert calls[-1]["call"] == "Close"


def test_sigterm_switches_leds_off_on_36(python36: str, fakes36: Path, model_dir: Path,
                                          tmp_path: Path) -> None:
    """Signals and the worker thread behave on 3.6 too: off within a second, GPIO cleaned."""
    log_path = tmp_path / "calls.jsonl"
    env = env_for(fakes36, log_path, "modern", "gpio", FAKE_JETSON_FRAMES="2:0.9,...")
    args = [f"--model={model_dir / 'resnet18.onnx'}", f"--labels={model_dir / 'labels.txt'}",
            "--headless"]
    returncode, took, gpio = sigterm_during_inference(python36, args, env, log_path)
    assert returncode == 0 and took < 1.0, (returncode, took)
    assert gpio[0] == ("GPIO.output", 18, 1)
    assert gpio[-2:] == [("GPIO.output", 18, 0), ("GPIO.cleanup", None, None)]
