"""Check the lab's machines before (and during) a lab: the same checks for the window and
for instructors (`python3 ai_nano.py --check`).

For the DL server and every Jetson Nano of config.json: reachable, login accepted, Python
found (and its version), PyTorch with its CUDA device (DL server), jetson-inference or
ONNX Runtime (Nano), the camera device (Nano), free disk space in the workdir. One small
probe script runs with the machine's own interpreter, so a whole machine costs one SSH
login and one command. Machines are checked in parallel threads: a lab with ten Nanos
of which three are switched off takes one connect timeout, not three. Qt-free.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from core.check_report import CHECKS, FAIL, OK, SKIP, WARN, CheckResult, CheckRow
from core.config import Config, ConfigError, MachineConfig, host_port, load_config
from core.machines import (DEFAULT_KNOWN_HOSTS, AuthenticationFailed, Connection, HostKeyChanged,
                      MachineError, RemoteCommandFailed, Unreachable, UnknownHostKey,
                      open_connection, remember_host_key)
from core.messages import QT_TRANSLATE_NOOP, concat, text_of
from core.version import SCRIPTS_MANIFEST, VERSION_KEY, __version__, scripts_version_note

log = logging.getLogger(__name__)

# Below these, a lab runs out of space mid-way (datasets, checkpoints of ~45 MB each,
# TensorRT engines); warn a little earlier so the instructor can clean up in time.
_DISK_FAIL_BYTES = {"dl": 1 << 30, "nano": 512 << 20}
_DISK_WARN_BYTES = {"dl": 5 << 30, "nano": 2 << 30}
_GIB = float(1 << 30)
_PROBE_TIMEOUT_S = 90.0
# dl_scripts and torch >= 2.5 need 3.9 (tests/test_compat_debian.py); JetPack 4 has 3.6.
_MIN_PYTHON = {"dl": (3, 9), "nano": (3, 6)}  # importing torch on a busy server takes a while

# Runs on the remote machine with its configured interpreter, which may be as old as the
# Nano's Python 3.6: no f-strings, no walrus. argv: role, camera, scheduler, the deployed
# scripts' manifest and its version key. Prints one JSON object.
_PROBE = r"""
import glob, json, os, platform, shutil, sys
info = {"python": platform.python_version(), "executable": sys.executable}
role, camera, scheduler = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    with open(os.path.expanduser(sys.argv[4])) as manifest:
        info["scripts_version"] = json.load(manifest).get(sys.argv[5], "")
except Exception:
    pass
if scheduler == "slurm":
    info["sbatch"] = shutil.which("sbatch") or ""
def failure(exc):
    return "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
if role == "dl":
    try:
        import torch
        info["torch"] = torch.__version__.split("+")[0]
        try:
            if torch.cuda.is_available():
                info["cuda"] = torch.cuda.get_device_name(0)
                info["cuda_count"] = torch.cuda.device_count()
        except Exception as exc:
            info["cuda_error"] = failure(exc)
    except Exception as exc:
        info["torch_error"] = failure(exc)
else:
    for name in ("jetson_inference", "jetson.inference"):
        try:
            __import__(name)
            info["jetson_inference"] = name
            break
        except Exception as exc:
            info["jetson_inference_error"] = failure(exc)
    try:
        import onnxruntime
        info["onnxruntime"] = onnxruntime.__version__
    except Exception as exc:
        info["onnxruntime_error"] = failure(exc)
    device = camera
    if camera.startswith("csi://"):
        device = "/dev/video" + camera[len("csi://"):]
    if device.startswith("/"):
        info["camera_path"] = device
        info["camera_exists"] = os.path.exists(device)
        info["camera_access"] = os.access(device, os.R_OK)
    info["video_devices"] = sorted(glob.glob("/dev/video*"))
print(json.dumps(info))
"""


def _skip_rest(row: CheckRow, why: str) -> None:
    for key, _title in CHECKS:
        row.results.setdefault(key, CheckResult(SKIP, why))


def _gib(size: int) -> str:
    return QT_TRANSLATE_NOOP("core", "{size:.1f} GiB").format(size=size / _GIB)


def _check_disk(row: CheckRow, connection: Connection) -> None:
    """Free space where the app will write (the workdir, or its nearest existing parent)."""
    role = row.role if row.role in _DISK_FAIL_BYTES else "nano"
    path = connection.workdir()
    while not connection.exists(path) and path not in ("/", ""):
        path = path.rsplit("/", 1)[0] or "/"
    free = connection.disk_free(path)
    free_text = QT_TRANSLATE_NOOP("core", "{size} free").format(size=_gib(free))
    if free < _DISK_FAIL_BYTES[role]:
        row.results["disk"] = CheckResult(FAIL, free_text, QT_TRANSLATE_NOOP(
            "core", "only {size} free in {path}: free some space").format(size=_gib(free), path=path))
    elif free < _DISK_WARN_BYTES[role]:
        row.results["disk"] = CheckResult(WARN, free_text, QT_TRANSLATE_NOOP(
            "core", "little space left in {path}").format(path=path))
    else:
        row.results["disk"] = CheckResult(OK, free_text, path)


def _software_result(machine: MachineConfig, info: dict[str, Any]) -> CheckResult:
    role, python = machine.role, machine.python
    if role == "dl":
        if "torch" not in info:
            return CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "no PyTorch"), QT_TRANSLATE_NOOP(
                "core", "{python} cannot import torch ({reason}): pip install torch "
                "torchvision").format(python=python, reason=info.get("torch_error", "unknown error")))
        if machine.scheduler == "slurm":
            # The login node often has no GPU: the GPUs are on the nodes Slurm starts.
            if not info.get("sbatch"):
                return CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "no sbatch"), QT_TRANSLATE_NOOP(
                    "core", "scheduler is slurm but sbatch is not on the PATH"))
            if machine.partition:
                return CheckResult(OK, QT_TRANSLATE_NOOP("core", "torch {version}, GPUs via Slurm "
                                                         "(partition {partition})").format(
                    version=info["torch"], partition=machine.partition))
            return CheckResult(OK, QT_TRANSLATE_NOOP("core", "torch {version}, GPUs via Slurm").format(
                version=info["torch"]))
        if "cuda" in info:
            count = info.get("cuda_count", 1)
            text = f"torch {info['torch']}, {info['cuda']}"
            if count > 1:
                text = concat(text, QT_TRANSLATE_NOOP("core", " (+{count} more)").format(count=count - 1))
            return CheckResult(OK, text)
        reason = info.get("cuda_error", QT_TRANSLATE_NOOP("core", "no CUDA device visible"))
        return CheckResult(WARN, QT_TRANSLATE_NOOP("core", "torch {version}, CPU only").format(
            version=info["torch"]), QT_TRANSLATE_NOOP("core", "{reason}: training will be slow").format(
            reason=reason))
    if "jetson_inference" in info:
        return CheckResult(OK, "jetson-inference" + (
            f" + ONNX Runtime {info['onnxruntime']}" if "onnxruntime" in info else ""))
    if "onnxruntime" in info:
        return CheckResult(OK, f"ONNX Runtime {info['onnxruntime']}", QT_TRANSLATE_NOOP(
            "core", "no jetson-inference: runs on ONNX Runtime (slower than TensorRT)"))
    return CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "no inference runtime"), QT_TRANSLATE_NOOP(
        "core", "{python} imports neither jetson_inference ({jetson_error}) nor onnxruntime "
        "({onnxruntime_error})").format(python=python,
                                        jetson_error=info.get("jetson_inference_error", "?"),
                                        onnxruntime_error=info.get("onnxruntime_error", "?")))


def _manifest_path(machine: MachineConfig, connection: Connection) -> str:
    """Where pipeline.deploy_scripts leaves the manifest on that machine.

    Over SSH the workdir stays as configured (the probe expands ~, and a relative path
    starts from the home folder there): no SFTP round trip just for this.
    """
    workdir = connection.workdir() if machine.is_local else machine.workdir
    folder = workdir.rstrip("/") + ("" if machine.role == "dl" else "/nano_scripts")
    return f"{folder}/{SCRIPTS_MANIFEST}"


def _with_scripts_version(result: CheckResult, info: dict[str, Any]) -> CheckResult:
    """An OK cell turns yellow when the deployed scripts come from another app version."""
    if "scripts_version" not in info:  # none deployed yet: the first step deploys them
        return result
    note = scripts_version_note(str(info["scripts_version"]))
    if not note or result.state != OK:
        return result
    return CheckResult(WARN, QT_TRANSLATE_NOOP("core", "old scripts; {text}").format(text=result.text),
                       concat(*(part for part in (result.detail, note) if part), sep="; "))


def _camera_result(camera: str, info: dict[str, Any]) -> CheckResult:
    if "camera_exists" not in info:
        return CheckResult(SKIP, QT_TRANSLATE_NOOP("core", "stream, not checked"), QT_TRANSLATE_NOOP(
            "core", "{camera} is not a device path").format(camera=camera))
    path = info["camera_path"]
    found = ", ".join(info.get("video_devices", [])) or QT_TRANSLATE_NOOP("core", "none")
    if not info["camera_exists"]:
        return CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "no {path}").format(path=path), QT_TRANSLATE_NOOP(
            "core", "{path} does not exist (video devices found: {found})").format(path=path, found=found))
    if not info.get("camera_access", False):
        return CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "{path}: no permission").format(path=path),
                           QT_TRANSLATE_NOOP("core", "the login cannot read {path}: add it to the "
                                             "'video' group").format(path=path))
    return CheckResult(OK, path)


def _probe(row: CheckRow, machine: MachineConfig, connection: Connection) -> None:
    """Run the probe with the machine's interpreter and fill python/software/camera."""
    try:
        text = connection.output([machine.python, "-c", _PROBE, machine.role, machine.camera,
                                  machine.scheduler, _manifest_path(machine, connection),
                                  VERSION_KEY], timeout=_PROBE_TIMEOUT_S)
        info = json.loads(text.strip().splitlines()[-1])
    except RemoteCommandFailed as exc:
        row.results["python"] = CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "{python} not working").format(
            python=machine.python), text_of(exc))
        return
    except (ValueError, IndexError):
        row.results["python"] = CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "unexpected output"),
                                            QT_TRANSLATE_NOOP("core", "{python} printed no check "
                                                              "result").format(python=machine.python))
        return
    version = str(info.get("python", "?"))
    needed = _MIN_PYTHON[machine.role]
    too_old = tuple(int(p) for p in version.split(".")[:2] if p.isdigit()) < needed
    row.results["python"] = CheckResult(
        FAIL if too_old else OK, f"Python {version}",
        QT_TRANSLATE_NOOP("core", "{executable}: Python {needed} or newer is needed").format(
            executable=info.get("executable", machine.python), needed=f"{needed[0]}.{needed[1]}")
        if too_old else f"{info.get('executable', machine.python)}")
    row.results["software"] = _with_scripts_version(_software_result(machine, info), info)
    if machine.role == "nano":
        row.results["camera"] = _camera_result(machine.camera, info)


def check_machine(machine: MachineConfig, *, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                  timeout: float = 5.0) -> CheckRow:
    """Every check of one machine; never raises (a failure becomes a red cell)."""
    row = CheckRow(machine=machine.name, role=machine.role, address=str(machine.address))
    if machine.role != "nano":
        row.results["camera"] = CheckResult(SKIP, QT_TRANSLATE_NOOP("core", "not needed"))
    try:
        with open_connection(machine, known_hosts=known_hosts, timeout=timeout) as connection:
            local = machine.is_local
            row.results["reachable"] = CheckResult(OK, QT_TRANSLATE_NOOP("core", "this computer")
                                                   if local else QT_TRANSLATE_NOOP("core", "yes"))
            row.results["login"] = CheckResult(OK, QT_TRANSLATE_NOOP("core", "local") if local else
                                               QT_TRANSLATE_NOOP("core", "as {login}").format(
                                                   login=machine.login))
            _probe(row, machine, connection)
            _check_disk(row, connection)
    except Unreachable as exc:
        row.results["reachable"] = CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "no"), text_of(exc))
        _skip_rest(row, QT_TRANSLATE_NOOP("core", "not reachable"))
    except UnknownHostKey as exc:
        row.unknown_host_key = exc
        row.results["reachable"] = CheckResult(OK, QT_TRANSLATE_NOOP("core", "yes"))
        row.results["login"] = CheckResult(
            FAIL, QT_TRANSLATE_NOOP("core", "unknown host key"), QT_TRANSLATE_NOOP(
                "core", "{machine} ({address}) presents an unknown {key_type} key {fingerprint}. If "
                "the machine's administrator confirms it, accept it in the window or with: python3 "
                "ai_nano.py --check --accept-new-host-keys").format(
                machine=machine.name, address=host_port(exc.host, exc.port), key_type=exc.key_type,
                fingerprint=exc.fingerprint))
        _skip_rest(row, QT_TRANSLATE_NOOP("core", "host key not accepted"))
    except (AuthenticationFailed, HostKeyChanged) as exc:
        row.results["reachable"] = CheckResult(OK, QT_TRANSLATE_NOOP("core", "yes"))
        text = (QT_TRANSLATE_NOOP("core", "host key changed") if isinstance(exc, HostKeyChanged)
                else QT_TRANSLATE_NOOP("core", "refused"))
        row.results["login"] = CheckResult(FAIL, text, text_of(exc))
        _skip_rest(row, QT_TRANSLATE_NOOP("core", "no login"))
    except MachineError as exc:  # e.g. the connection dropped half-way
        row.results.setdefault("reachable", CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "error"),
                                                        text_of(exc)))
        for key, _title in CHECKS:
            if key not in row.results:
                row.results[key] = CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "error"), text_of(exc))
                break
        _skip_rest(row, QT_TRANSLATE_NOOP("core", "not checked"))
    except Exception as exc:  # a check must report, never crash the window or the CLI
        log.exception("checking %s failed", machine.name)
        row.results.setdefault("reachable", CheckResult(FAIL, QT_TRANSLATE_NOOP("core", "error"),
                                                        f"{type(exc).__name__}: {exc}"))
        _skip_rest(row, QT_TRANSLATE_NOOP("core", "not checked"))
    _skip_rest(row, QT_TRANSLATE_NOOP("core", "not checked"))
    return row


def config_machines(config: Config) -> list[MachineConfig]:
    """The machines of a config in table order: the DL server first, then the Nanos."""
    return ([config.dl_server] if config.dl_server is not None else []) + list(config.nanos)


def check_machines(config: Config, *, known_hosts: Path = DEFAULT_KNOWN_HOSTS,
                   timeout: float = 5.0) -> list[CheckRow]:
    """Check every machine of the config in parallel; rows in config order."""
    machines = config_machines(config)
    if not machines:
        return []
    with ThreadPoolExecutor(max_workers=min(len(machines), 16),
                            thread_name_prefix="machine-check") as pool:
        futures = [pool.submit(check_machine, m, known_hosts=known_hosts, timeout=timeout)
                   for m in machines]
        return [future.result() for future in futures]


_MARKS = {OK: "ok", WARN: "WARN", FAIL: "FAIL", SKIP: "-"}


def format_table(rows: Sequence[CheckRow], *, cell_width: int = 34) -> str:
    """A plain-text table (one line per machine), then the problems spelled out."""
    header = ["Machine", "Role"] + [title for _key, title in CHECKS]
    lines_cells = [header]
    for row in rows:
        cells = [row.machine, "DL server" if row.role == "dl" else "Nano"]
        for key, _title in CHECKS:
            result = row.result(key)
            cell = _MARKS[result.state] if result.state == SKIP else f"{_MARKS[result.state]} {result.text}"
            cells.append(cell if len(cell) <= cell_width else cell[:cell_width - 1] + "…")
        lines_cells.append(cells)
    widths = [max(len(cells[i]) for cells in lines_cells) for i in range(len(header))]
    out = ["  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in lines_cells]
    problems = [f"  {row.machine} / {title}: {row.result(key).detail or row.result(key).text}"
                for row in rows for key, title in CHECKS
                if row.result(key).state in (FAIL, WARN)]
    if problems:
        out += ["", "Problems:"] + problems
    out += ["", "All machines ready." if rows and not any(r.failed for r in rows)
            else f"{sum(r.failed for r in rows)} of {len(rows)} machine(s) not ready."
            if rows else "No machines in the configuration."]
    return "\n".join(out)


def default_config_path() -> Path:
    """config.json next to the app, where ai_nano.py looks for it."""
    return Path(__file__).resolve().parents[1] / "config.json"


def main(argv: Sequence[str] | None = None) -> int:
    """`python3 ai_nano.py --check`: print the table; 0 when nothing is red, 1 when
    something is, 2 when the configuration cannot be read."""
    parser = argparse.ArgumentParser(prog="ai_nano.py --check",
                                     description="Check the DL server and the Jetson Nanos.")
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, default=None,
                        help="configuration file (default: config.json next to ai_nano.py)")
    parser.add_argument("--known-hosts", type=Path, default=DEFAULT_KNOWN_HOSTS,
                        help=f"known_hosts file (default: {DEFAULT_KNOWN_HOSTS})")
    parser.add_argument("--timeout", type=float, default=5.0, help="connect timeout in seconds")
    parser.add_argument("--accept-new-host-keys", action="store_true",
                        help="remember host keys seen for the first time (changed keys stay refused)")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    config_path = args.config or default_config_path()
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    rows = check_machines(config, known_hosts=args.known_hosts, timeout=args.timeout)
    if args.accept_new_host_keys and any(row.unknown_host_key for row in rows):
        for row in rows:
            if row.unknown_host_key is not None:
                remember_host_key(args.known_hosts, row.unknown_host_key)
                print(f"remembered the host key of {row.machine}: "
                      f"{row.unknown_host_key.key_type} {row.unknown_host_key.fingerprint}")
        rows = check_machines(config, known_hosts=args.known_hosts, timeout=args.timeout)
    print(f"ai_nano {__version__}\n")
    print(format_table(rows))
    return 1 if any(row.failed for row in rows) else 0


if __name__ == "__main__":
    # main() prints the config's warnings itself; the config logger would repeat them.
    logging.basicConfig(level=logging.ERROR)
    sys.exit(main())
