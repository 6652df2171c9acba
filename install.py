#!/usr/bin/env python3
"""Install ai_nano into a virtual environment in this folder (`.venv`), then open it.

Why a venv: Debian 12 and Ubuntu 24.04 refuse `pip install` into the system's Python
(PEP 668, "externally-managed-environment"). Only the standard library is used here, so
the distribution's own `python3` runs it. A second run with the same requirements changes
nothing (a stamp holds their hash); a run that stopped half-way (no network, Ctrl-C) is
started over from scratch by the next one.

    python3 install.py                      # the profile config.json needs, then the window
    python3 install.py --profile laptop     # a laptop of a three-computer lab: no torch
    python3 install.py --profile one-computer --torch-cpu   # torch from PyTorch's CPU index
    python3 install.py --no-start --no-launcher
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINIMUM = (3, 9)
PROFILES = {  # the requirements files of each profile, relative to HERE
    "laptop": ["requirements.txt"],
    "one-computer": ["requirements.txt", "dl_scripts/requirements.txt",
                     "nano_scripts/requirements.txt"],
}
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
STAMP = ".ai_nano_installed"  # in the venv: the hash of what was installed
BUILDING = ".ai_nano_building"  # in the venv while it is being made
# What pip says when it cannot reach the index (offline, proxy, DNS); "(from versions:
# none)" is all it says when its retries are off. A package with versions, none of them
# for this Python, is another error: pip's own last line says which.
NETWORK_SIGNS = ("NewConnectionError", "Failed to establish a new connection",
                 "Temporary failure in name resolution", "Network is unreachable",
                 "Connection refused", "(from versions: none)", "ConnectTimeout",
                 "ReadTimeout", "ProxyError", "Max retries exceeded", "Could not fetch URL")


class InstallError(Exception):
    """One line for the user: what went wrong and what to do."""


def default_profile(config: Path) -> str:
    """one-computer when config.json makes this computer a DL server or a Nano."""
    try:
        data = json.loads(config.read_text(encoding="utf-8-sig"))
        machines = [data.get("DL_server") or {}] + list(data.get("jetson_nano") or [])
        local = any(str(m.get("ip", "")).lower() == "local" or m.get("transport") == "local"
                    for m in machines if isinstance(m, dict))
    except (OSError, ValueError, AttributeError, TypeError):
        local = True  # the shipped config is the one-computer lab
    return "one-computer" if local else "laptop"


def wanted_hash(profile: str, pip_args: list[str]) -> str:
    """What the venv must hold: the profile's files, pip's options, the base Python."""
    digest = hashlib.sha256(f"{profile}\n{pip_args}\n{sys.version}\n".encode())
    for name in PROFILES[profile]:
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def is_current(venv: Path, digest: str) -> bool:
    stamp = venv / STAMP
    return (stamp.is_file() and stamp.read_text().strip() == digest
            and os.access(venv_python(venv), os.X_OK))


def check_venv_module() -> None:
    """Debian and Ubuntu ship venv's pip bootstrap (ensurepip) in a separate package."""
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        raise InstallError("Python's venv module is missing: install it with "
                           "`sudo apt install python3-venv`, then run this again") from None


def create_venv(venv: Path) -> None:
    """A fresh venv with pip; marked as being built until the install completes."""
    unfinished = (venv / BUILDING).exists() or not os.access(venv_python(venv), os.X_OK)
    if venv.exists() and unfinished:
        print(f"Removing the unfinished {venv.name} of an earlier run", flush=True)
        shutil.rmtree(venv)
    if venv.exists():
        (venv / BUILDING).write_text("")
        return
    check_venv_module()
    print(f"Creating the virtual environment {venv}", flush=True)
    result = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        if "ensurepip" in result.stdout + result.stderr:
            raise InstallError("Python's venv module cannot install pip: install it with "
                               "`sudo apt install python3-venv`, then run this again")
        raise InstallError(f"could not create {venv}: {_last_line(result.stderr)}")
    (venv / BUILDING).write_text("")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no message"])[-1]


def pip_install(venv: Path, profile: str, pip_args: list[str], log_path: Path) -> None:
    """pip's own output goes to a log; the user gets one line if it fails."""
    requirements = [arg for name in PROFILES[profile] for arg in ("-r", str(HERE / name))]
    argv = [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check",
            *requirements, *pip_args]
    print(f"Installing the {profile} packages (pip's log: {log_path}); "
          "this takes a while the first time", flush=True)
    with open(log_path, "w", encoding="utf-8") as log:
        result = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, cwd=str(HERE))
    if result.returncode == 0:
        return
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if any(sign in text for sign in NETWORK_SIGNS):
        raise InstallError(f"could not download the packages (no network to the package "
                           f"index?); nothing was installed, run this again when the network "
                           f"is back (details: {log_path})")
    raise InstallError(f"pip failed: {_last_line(text)} (details: {log_path})")


def install(venv: Path, profile: str, pip_args: list[str]) -> bool:
    """Make `venv` hold `profile`; False when it already did (nothing changed)."""
    digest = wanted_hash(profile, pip_args)
    if is_current(venv, digest):
        print(f"ai_nano's {profile} packages are already installed in {venv}", flush=True)
        return False
    create_venv(venv)
    (venv / STAMP).unlink(missing_ok=True)
    log_path = Path(tempfile.gettempdir()) / f"ai_nano-install-{os.getuid()}.log"
    pip_install(venv, profile, pip_args, log_path)
    (venv / STAMP).write_text(digest + "\n")
    (venv / BUILDING).unlink()
    print(f"Installed: {venv_python(venv)} {HERE / 'ai_nano.py'}", flush=True)
    return True


def install_launcher(venv: Path) -> Path:
    """The menu entry (freedesktop): ~/.local/share/applications/ai_nano.desktop."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    icon = data_home / "icons" / "hicolor" / "256x256" / "apps" / "ai_nano.png"
    icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "launcher" / "ai_nano.png", icon)
    template = (HERE / "launcher" / "ai_nano.desktop").read_text(encoding="utf-8")
    entry = data_home / "applications" / "ai_nano.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    text = (template.replace("@PYTHON@", _desktop_quote(str(venv_python(venv))))
            .replace("@APP@", _desktop_quote(str(HERE / "ai_nano.py")))
            .replace("@DIR@", str(HERE)).replace("@ICON@", str(icon)))
    entry.write_text(text, encoding="utf-8")
    print(f"Menu entry: {entry}", flush=True)
    return entry


def _desktop_quote(arg: str) -> str:
    """A quoted argument of an Exec line (Desktop Entry Specification)."""
    escaped = arg.replace("\\", "\\\\\\\\").replace('"', '\\\\"').replace("`", "\\\\`") \
        .replace("$", "\\\\$").replace("%", "%%")
    return f'"{escaped}"'


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES),
                        help="laptop: the app only; one-computer: also torch and ONNX Runtime "
                             "(default: what config.json needs)")
    parser.add_argument("--torch-cpu", action="store_true",
                        help=f"take torch from PyTorch's CPU-only index ({TORCH_CPU_INDEX}): "
                             "about 200 MB instead of about 4 GB with CUDA")
    parser.add_argument("--venv", type=Path, default=HERE / ".venv")
    parser.add_argument("--no-launcher", action="store_true", help="no menu entry")
    parser.add_argument("--no-start", action="store_true", help="do not open the window")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if sys.version_info < MINIMUM:
        print(f"error: ai_nano needs Python {'.'.join(map(str, MINIMUM))} or newer; this is "
              f"{sys.version.split()[0]}", file=sys.stderr)
        return 2
    profile = args.profile or default_profile(HERE / "config.json")
    if not args.profile:
        other = "laptop" if profile == "one-computer" else "one-computer"
        print(f"Profile {profile} (from config.json); the other one: --profile {other}",
              flush=True)
    pip_args = ["--extra-index-url", TORCH_CPU_INDEX] if args.torch_cpu else []
    venv = args.venv.absolute()
    try:
        changed = install(venv, profile, pip_args)
        if not args.no_launcher and (changed or not _launcher_present()):
            install_launcher(venv)
    except InstallError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nerror: interrupted; the next run starts the installation over",
              file=sys.stderr)
        return 130
    if args.no_start:
        return 0
    os.execv(str(venv_python(venv)), [str(venv_python(venv)), str(HERE / "ai_nano.py")])
    return 0  # not reached


def _launcher_present() -> bool:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return (data_home / "applications" / "ai_nano.desktop").is_file()


if __name__ == "__main__":
    sys.exit(main())
