"""The steps of ai_nano after the recording, as plain functions: what they share (the
Report, StepError, script deployment) and step 4, the upload. Steps 5-6 are in jobs.py
(detached jobs on the DL server), steps 7-8 in nano_steps.py.

Each step takes the machines it works on (a `Connection` for each, local or SSH: the same
code path), names and paths, and a `Report` through which it streams lines and progress
and learns that the user pressed Stop. Nothing here imports Qt: `thread_command.py` runs
these functions in worker threads, and the tests call them directly.
"""
from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from core.config import MachineConfig
from core.identity import laptop_identity
from core.machines import Connection, RemoteCommandFailed
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.names import suggest_model_name
from core.version import SCRIPTS_MANIFEST, VERSION_KEY, __version__
from core.workspace import WorkspaceError

log = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parents[1]  # the repository: dl_scripts/, nano_scripts/
DL_SCRIPTS = APP_DIR / "dl_scripts"
NANO_SCRIPTS = APP_DIR / "nano_scripts"
MANIFEST = SCRIPTS_MANIFEST
# The app's own folders under each machine's workdir: a lab's train.py, onnx_export.py,
# ... in the workdir itself (~/TP_IA_NANO) are never overwritten (README, "Machines").
DL_SCRIPTS_DIR = "ai_nano_scripts"
NANO_SCRIPTS_DIR = "nano_scripts"

Connector = Callable[[MachineConfig], Connection]


class StepError(Exception):
    """A step could not be done; the message is meant for the student."""


@dataclass
class Report:
    """How a step talks back: lines, progress, and the user's Stop.

    `stop` ends whatever the step is waiting on. When `detached` is set too, the window
    is only going away: a detached job on the DL server is left running (a reopened
    project re-attaches to it) instead of being cancelled.
    """

    line: Callable[[str], None] = lambda text: None
    progress: Callable[[int, int], None] = lambda done, total: None
    stop: threading.Event = field(default_factory=threading.Event)
    detached: threading.Event = field(default_factory=threading.Event)


def stoppable_progress(report: Report, what: str) -> Callable[[int, int], None]:
    """A progress callback for a file copy that ends it when Stop is set.

    Both connections call it between chunks, and remove the partial file when it raises,
    so Stop (or the window closing) ends a long upload within one chunk.
    """
    def progress(done: int, total: int) -> None:
        if report.stop.is_set():
            raise StepError(QT_TRANSLATE_NOOP("core", "{what} stopped; the partial file was "
                                              "removed").format(what=what))
        report.progress(done, total)
    return progress


# --- script deployment -------------------------------------------------------------

def _local_manifest(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix in {".py", ".txt", ".md"}
    }


def _changed_scripts(conn: Connection, wanted: dict[str, str], manifest_path: str) -> list[str] | None:
    """Files to copy again; None when everything is there, from this app version."""
    try:
        present = json.loads(conn.read_text(manifest_path)) if conn.exists(manifest_path) else {}
    except ValueError:
        present = {}
    changed = [name for name, digest in wanted.items() if present.get(name) != digest]
    return None if not changed and present.get(VERSION_KEY) == __version__ else changed


DEPLOY_LOCK_STALE_S = 120.0   # a deployer that held the lock this long has died


def _take_deploy_lock(conn: Connection, lock: str, report: Report) -> None:
    """mkdir as a lock: thirty laptops of a class deploy into one folder at the same moment,
    and two copies of one file (same .part name) would leave a truncated script."""
    deadline = time.monotonic() + DEPLOY_LOCK_STALE_S
    while not conn.reserve_dir(lock):
        if report.stop.is_set():
            raise StepError(QT_TRANSLATE_NOOP("core", "Stopped while waiting for another laptop to "
                                              "install the scripts"))
        if time.monotonic() > deadline:
            log.warning("%s: removing the stale lock %s", conn.machine.name, lock)
            conn.remove(lock)
            deadline = time.monotonic() + DEPLOY_LOCK_STALE_S
        time.sleep(random.uniform(0.2, 0.6))


def deploy_scripts(conn: Connection, folder: Path, remote_dir: str, report: Report) -> int:
    """Copy `folder` into `remote_dir` when missing or changed; return files copied.

    A manifest of SHA-256 sums sits beside the scripts, so an unchanged folder costs one
    small read, and a changed or half-copied one is copied again. Laptops deploying at
    once take turns (a lock folder beside `remote_dir`); the later ones find it done.
    """
    wanted = _local_manifest(folder)
    manifest_path = posixpath.join(remote_dir, MANIFEST)
    if _changed_scripts(conn, wanted, manifest_path) is None:
        return 0
    lock = remote_dir.rstrip("/") + ".deploying"
    _take_deploy_lock(conn, lock, report)
    try:
        changed = _changed_scripts(conn, wanted, manifest_path)
        if changed is None:
            return 0
        if changed:
            report.line(QT_TRANSLATE_NOOP("core", "Installing {count} script(s) of {folder} into "
                                          "{remote_dir}").format(
                count=len(changed), folder=folder.name, remote_dir=remote_dir))
            conn.makedirs(remote_dir)
        for name in changed:
            conn.put_file(folder / name, posixpath.join(remote_dir, name))
        manifest = {**wanted, VERSION_KEY: __version__}  # the app version that deployed them
        conn.write_text(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
        return len(changed)
    finally:
        conn.remove(lock)


def dl_script(name: str) -> str:
    """A DL script's path relative to the workdir (the scripts' cwd, where models/ is)."""
    return posixpath.join(DL_SCRIPTS_DIR, name)


def python_of(conn: Connection) -> str:
    """The interpreter to run scripts with there (config.py fills in the default)."""
    return conn.machine.python


def missing_modules(conn: Connection, modules: list[str]) -> list[str]:
    """The modules of `modules` that the machine's Python cannot find."""
    probe = ("import importlib.util, sys\n"
             "def found(name):\n"
             "    try:\n"
             "        return importlib.util.find_spec(name) is not None\n"
             "    except ImportError:\n"
             "        return False\n"
             "print(' '.join(m for m in sys.argv[1:] if not found(m)))")
    python = python_of(conn)
    try:
        return conn.output([python, "-c", probe, *modules], timeout=60).split()
    except RemoteCommandFailed as error:
        raise StepError(QT_TRANSLATE_NOOP("core", "{python} does not run on {machine}: {reason}").format(
            python=python, machine=conn.machine.name, reason=text_of(error))) from error


def require_modules(conn: Connection, modules: list[str], requirements: str) -> None:
    """Fail early, with the exact install command, when a step's packages are missing.

    `requirements` is the requirements file's path on that machine (the deployed
    scripts folder holds one), so the command can be pasted there as it is.
    """
    missing = missing_modules(conn, modules)
    if missing:
        where = (QT_TRANSLATE_NOOP("core", "this computer") if conn.machine.is_local
                 else conn.machine.name)
        raise StepError(QT_TRANSLATE_NOOP("core", "{modules} missing on {where}: install with "
                                          "{command}").format(
            modules=", ".join(missing), where=where,
            command=f"{python_of(conn)} -m pip install -r {requirements}"))


def exit_status(rc: int) -> str:
    """The reason of a failure that printed none."""
    return QT_TRANSLATE_NOOP("core", "exit status {rc}").format(rc=rc)


def last_error(lines: list[str], default: str) -> str:
    """The reason the command gave (its last `error:` line). job.py's closing
    `error: job failed: ...` only repeats the exit status, so the command's own line wins."""
    errors = [text[len("error:"):].strip() for text in lines if text.startswith("error:")]
    own = [text for text in errors if not text.startswith("job failed")]
    return (own or errors or [default])[-1]


def keeping_tail(report: Report, lines: list[str], keep: int = 50) -> Report:
    """The same report, also keeping its last lines (to quote the reason of a failure)."""
    def line(text: str) -> None:
        lines.append(text)
        del lines[:-keep]
        report.line(text)
    return Report(line=line, progress=report.progress, stop=report.stop,
                  detached=report.detached)


def check_model_name(name: str) -> str:
    """Refuse a model name that is not one plain folder name under models/.

    Names come from suggest_model_name, but also from the Nano's folder list and the
    editable model box: "../x" or "a/b" would read or write outside the workdir.
    """
    if not isinstance(name, str) or not name.strip():
        raise StepError(QT_TRANSLATE_NOOP("core", "The model name is empty: upload the data first "
                                          "(step 4)"))
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise StepError(QT_TRANSLATE_NOOP("core", "The model name {name!r} is not a plain folder "
                                          "name (no '/', no leading dot)").format(name=name))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or len(name) > 200:
        raise StepError(QT_TRANSLATE_NOOP("core", "The model name {name!r} has a control character "
                                          "or is too long").format(name=name))
    return name


# --- step 4: upload the dataset ---------------------------------------------------

MAX_NAME_TRIES = 50


def reserve_model_name(dl: Connection, workspace_root: Path, owner: dict | None = None) -> str:
    """A model folder on the DL server that is this laptop's alone.

    Two laptops with the same login and working-space name uploading in the same second
    would get the same name; the folder is created exclusively, and on a collision the
    next name (``-2``, ``-3``...) is tried, so no two students ever share a model.
    ``owner.json`` in it says whose it is (login, laptop, working space, time) for the
    instructor's view (core/classroom.py).
    """
    models = posixpath.join(dl.workdir(), "models")
    taken = set(dl.listdir(models))
    owner = owner if owner is not None else laptop_identity(Path(workspace_root).name)
    for _ in range(MAX_NAME_TRIES):
        name = suggest_model_name(workspace_root, existing=taken)
        if dl.reserve_dir(posixpath.join(models, name)):
            dl.write_text(posixpath.join(models, name, "owner.json"),
                          json.dumps(owner, sort_keys=True))
            return name
        taken.add(name)
    raise StepError(QT_TRANSLATE_NOOP("core", "Could not reserve a model folder on {machine} after "
                                      "{tries} tries (models/ is crowded?)").format(
        machine=dl.machine.name, tries=MAX_NAME_TRIES))


def upload_dataset(workspace, model_name: str, dl: Connection, report: Report) -> None:
    """Archive train/val/test + labels.txt, send it, unpack it on the DL server."""
    check_model_name(model_name)
    report.line("begin : upload to DL machine")
    resplit_if_stale(workspace, report)
    state = workspace.root / ".ai_nano"
    state.mkdir(parents=True, exist_ok=True)
    for leftover in state.glob("upload-*.tar*"):  # archives (not pictures) of a killed upload
        leftover.unlink(missing_ok=True)
    try:
        archive, sha256, size = workspace.build_archive(state / f"upload-{model_name}.tar",
                                                        on_progress=report.progress,
                                                        stop=report.stop)
    except WorkspaceError as error:
        raise StepError(text_of(error)) from error
    report.line(QT_TRANSLATE_NOOP("core", "Archive done ({size:.1f} MB)").format(size=size / 1e6))
    try:
        workdir = dl.workdir()
        base = posixpath.join("models", model_name)  # relative to workdir, the scripts' cwd
        deploy_scripts(dl, DL_SCRIPTS, posixpath.join(workdir, DL_SCRIPTS_DIR), report)
        report.line(QT_TRANSLATE_NOOP("core", "On DL, creation of the {model} directory").format(
            model=model_name))
        dl.makedirs(posixpath.join(workdir, base))
        remote_archive = posixpath.join(workdir, base, "data.tar")
        dl.remove(remote_archive + ".part")        # left by an upload killed half-way
        free = dl.disk_free(posixpath.join(workdir, base))
        if free < 2 * size + 50_000_000:
            raise StepError(QT_TRANSLATE_NOOP("core", "Not enough disk space on {machine}: {free:.0f} MB "
                                              "free, the dataset needs about {need:.0f} MB").format(
                machine=dl.machine.name, free=free / 1e6, need=2 * size / 1e6))
        dl.put_file(archive, remote_archive, on_progress=stoppable_progress(report, QT_TRANSLATE_NOOP("core", "Upload")))
        lines: list[str] = []
        # Not stoppable: once the archive is there, unpacking it takes seconds, and a
        # window closing then must not leave a complete upload half-extracted.
        rc = dl.run([python_of(dl), dl_script("unpack.py"), posixpath.join(base, "data.tar"),
                     base, "--sha256", sha256, "--size", str(size)],
                    cwd=workdir, on_line=keeping_tail(report, lines).line)
        if rc != 0:
            raise StepError(QT_TRANSLATE_NOOP("core", "Unpacking failed on {machine}: {reason}").format(
                machine=dl.machine.name, reason=last_error(lines, exit_status(rc))))
    finally:
        archive.unlink(missing_ok=True)
    report.line(QT_TRANSLATE_NOOP("core", "Archive (tar) unpacked on the DL machine"))
    report.line("End : data (tar archive) uploaded and extracted to DL machine")


def resplit_if_stale(workspace, report: Report) -> None:
    """Upload what the student has: a split older than images/ is made again first.

    Pictures recorded since the split would be left out, and deleted ones (still hard
    links in train/) trained; the split's fingerprint of images/ tells (core/split.py).
    """
    if workspace.split_is_current():
        return
    seed = int(workspace.read_state("split.json").get("seed", 0) or 0)
    report.line(QT_TRANSLATE_NOOP("core", "The pictures changed since the last split: splitting "
                                  "again"))
    try:
        workspace.split(seed=seed)
    except Exception as error:      # WorkspaceError; pipeline does not import workspace
        raise StepError(text_of(error)) from error
