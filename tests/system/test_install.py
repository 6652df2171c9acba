"""Quick start command 1 (`./install.sh` = `python3 install.py`) on a stock Debian 12.

Run with Debian's own /usr/bin/python3 (3.11.2, externally managed: PEP 668) in a fresh
copy of the project, as a new user would: no network first (one line, nothing half-made
that trips the next run), then with it (the app starts from the venv), then again (quick:
nothing changes). A Debian without python3-venv gets one line naming the package.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from core.version import __version__
from tests.paths import REPO

ROOT = REPO
DEBIAN_PYTHON = "/usr/bin/python3"


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The files git would check out (tracked and new, not ignored), nothing else."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path / "ai_nano"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert not (copy / ".venv").exists()
    return copy


@pytest.fixture
def debian_python() -> str:
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import sys; print(sys.prefix)"],
                           capture_output=True, text=True, timeout=30)
    assert probe.returncode == 0 and probe.stdout.strip() == "/usr", (
        f"{DEBIAN_PYTHON} is not Debian's: tests/run.sh installs python3 and python3-venv")
    managed = subprocess.run([DEBIAN_PYTHON, "-c", "import sysconfig; print(sysconfig."
                              "get_path('stdlib'))"], capture_output=True, text=True).stdout
    assert Path(managed.strip(), "EXTERNALLY-MANAGED").exists(), "not externally managed"
    return DEBIAN_PYTHON


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install_env(home: Path, online: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    if not online:  # no index reachable, no local wheel folders, no pip.conf: offline
        env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_CACHE_DIR="1", PIP_RETRIES="0",
                   PIP_DEFAULT_TIMEOUT="3",
                   PIP_INDEX_URL=f"http://127.0.0.1:{_closed_port()}/simple")
    return env


def run_install(python: str, copy: Path, env: dict[str, str], *args: str,
                timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([python, "install.py", "--no-start", *args], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def test_install_with_debian_python_offline_then_online_then_again(
        debian_python: str, project_copy: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    venv = project_copy / ".venv"

    offline = run_install(debian_python, project_copy, install_env(home, online=False),
                          "--profile", "laptop", timeout=300)
    errors = offline.stderr.strip().splitlines()
    assert offline.returncode == 1 and len(errors) == 1, offline.stdout + offline.stderr
    assert errors[0].startswith("error: could not download the packages (no network"), errors
    assert "Traceback" not in offline.stderr
    assert not (venv / ".ai_nano_installed").exists()
    assert not (home / ".local" / "share" / "applications").exists()

    online = run_install(debian_python, project_copy, install_env(home, online=True),
                         "--profile", "laptop")
    assert online.returncode == 0, online.stdout + online.stderr
    assert "Removing the unfinished .venv of an earlier run" in online.stdout
    python = venv / "bin" / "python"
    version = subprocess.run([str(python), "ai_nano.py", "--version"], cwd=project_copy,
                             capture_output=True, text=True, timeout=120)
    assert version.stdout == f"ai_nano {__version__}\n", version.stderr
    config = tmp_path / "empty.json"
    config.write_text('{"DL_server": null, "jetson_nano": []}')
    check = subprocess.run([str(python), str(project_copy / "ai_nano.py"), "--check",
                            "--config", str(config)], capture_output=True, text=True,
                           timeout=120, cwd=tmp_path)
    assert check.returncode == 0 and check.stdout.startswith(f"ai_nano {__version__}\n"), (
        check.stdout + check.stderr)
    no_torch = subprocess.run([str(python), "-c", "import torch"], capture_output=True)
    assert no_torch.returncode != 0, "the laptop profile installed torch"
    entry = home / ".local" / "share" / "applications" / "ai_nano.desktop"
    text = entry.read_text()
    assert f'Exec="{python}" "{project_copy / "ai_nano.py"}"' in text
    icon = next(line.split("=", 1)[1] for line in text.splitlines() if line.startswith("Icon="))
    assert Path(icon).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    before = snapshot(venv), entry.stat().st_mtime_ns
    again = run_install(debian_python, project_copy, install_env(home, online=False),
                        "--profile", "laptop", timeout=60)  # offline: it needs nothing
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == f"ai_nano's laptop packages are already installed in {venv}\n"
    assert (snapshot(venv), entry.stat().st_mtime_ns) == before

    other_home = tmp_path / "other"  # another user of the same copy: --no-launcher
    skipped = run_install(debian_python, project_copy, install_env(other_home, online=False),
                          "--profile", "laptop", "--no-launcher", timeout=60)
    assert skipped.returncode == 0 and not other_home.exists(), skipped.stderr


def test_without_the_venv_module_one_line_names_the_package(
        debian_python: str, project_copy: Path, tmp_path: Path) -> None:
    """Debian without python3-venv: ensurepip cannot be imported (shadowed here so)."""
    shadow = tmp_path / "no_venv"
    shadow.mkdir()
    (shadow / "ensurepip.py").write_text("raise ImportError(\"No module named 'ensurepip'\")\n")
    env = {**install_env(tmp_path / "home", online=True), "PYTHONPATH": str(shadow)}
    result = run_install(debian_python, project_copy, env, "--no-launcher", timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: Python's venv module is missing: install it with "
        "`sudo apt install python3-venv`, then run this again"]
    assert not (project_copy / ".venv").exists()


def test_the_profile_follows_the_config(project_copy: Path) -> None:
    """The shipped config (this computer plays every part) needs torch; a lab's does not."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("install_copy", project_copy / "install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.default_profile(project_copy / "config.json") == "one-computer"
    assert module.default_profile(ROOT / "doc" / "config.lab.json") == "laptop"
