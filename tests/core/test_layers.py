"""The layers hold: core/ is Qt-free, only core/machines/ssh.py talks paramiko, widgets/ are
passive (no machines, no pipeline), and the remote scripts import nothing of the app."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

APP_PACKAGES = ("core", "widgets")
APP_TOP_LEVEL = ("ai_nano", "app_state", "record_images", "thread_camera", "thread_command",
                 "window_results", "window_steps", "window_tasks", "class_view",
                 "window_nano_view")


def modules_in(folder: str) -> list[Path]:
    return sorted(path for path in (REPO / folder).rglob("*.py") if "__pycache__" not in path.parts)


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module an import statement of the file names (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def importing(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imported_names(path)
                  if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes))


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_core_imports_without_qt():
    """Every core module imports in a Python where PyQt5 and pyqtgraph cannot be imported."""
    names = [module_name(path) for path in modules_in("core")]
    assert "core.workspace" in names and "core.machines.ssh.connection" in names
    code = ("import sys\n"
            "for blocked in ('PyQt5', 'pyqtgraph', 'sip'):\n"
            "    sys.modules[blocked] = None  # any import of it now raises ImportError\n"
            f"for name in {names!r}:\n"
            "    __import__(name)\n"
            "print('imported', len(sys.modules))\n")
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout


@pytest.mark.parametrize("path", modules_in("core"), ids=lambda p: str(p.relative_to(REPO)))
def test_core_module_names_no_qt(path):
    assert importing(path, ("PyQt5", "pyqtgraph", "sip", "widgets", *APP_TOP_LEVEL)) == []


def test_only_the_ssh_backend_imports_paramiko():
    """paramiko stays inside core/machines/ssh/ (the connection, its login messages)."""
    app_files = [REPO / f"{name}.py" for name in APP_TOP_LEVEL]
    for package in APP_PACKAGES:
        app_files += modules_in(package)
    users = [str(path.relative_to(REPO)) for path in app_files if importing(path, ("paramiko",))]
    assert "core/machines/ssh/connection.py" in users
    assert [user for user in users if not user.startswith("core/machines/ssh/")] == []


@pytest.mark.parametrize("path", modules_in("widgets"), ids=lambda p: str(p.relative_to(REPO)))
def test_widgets_are_passive(path):
    """Widgets draw data: no connection, no pipeline step, no worker, no window."""
    forbidden = ("core.machines", "core.pipeline", "core.tasks", "core.checks", "paramiko",
                 *APP_TOP_LEVEL)
    assert importing(path, forbidden) == []


def test_importing_the_widgets_loads_no_network_code():
    names = [module_name(path) for path in modules_in("widgets")]
    code = ("import os, sys\n"
            "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            f"for name in {names!r}:\n"
            "    __import__(name)\n"
            "loaded = sorted(n for n in sys.modules if n.startswith(('core.machines', "
            "'core.pipeline', 'paramiko')))\n"
            "print('loaded:', loaded)\n")
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout


@pytest.mark.parametrize("folder", ["dl_scripts", "nano_scripts"])
def test_remote_scripts_import_nothing_of_the_app(folder):
    app = (*APP_PACKAGES, *APP_TOP_LEVEL, "PyQt5", "paramiko")
    for path in modules_in(folder):
        assert importing(path, app) == [], path


def test_the_app_needs_no_sys_path_tricks():
    for path in [REPO / f"{name}.py" for name in APP_TOP_LEVEL] + modules_in("core") + \
            modules_in("widgets"):
        assert "sys.path" not in path.read_text(), path
