"""The instructor's view of a class: every training on the DL server, every Nano's user.

`python3 ai_nano.py --class` (window: class_view.py) and `--class --text` (a table) are
built from config.json. One SSH command per machine: a small probe runs with the
machine's own Python (as core/checks.py does) and prints one JSON object, so thirty
trainings and fifteen Nanos cost sixteen logins, in parallel threads. A machine that is
down is a row that says so, never an exception. Qt-free.
"""
from __future__ import annotations

import json
import logging
import posixpath
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from core.config import Config, MachineConfig
from core.identity import clock, laptop_identity
from core.machines import Connection, MachineError, RemoteCommandFailed
from core.messages import QT_TRANSLATE_NOOP, text_of
from core.nano_steps import NANO_LOCK
from core.pipeline import (NANO_SCRIPTS, NANO_SCRIPTS_DIR, Report, StepError,
                           check_model_name, deploy_scripts, dl_script, python_of)

log = logging.getLogger(__name__)

_PROBE_TIMEOUT_S = 60.0

# Runs on the DL server in its workdir with its Python (maybe 3.6: no f-strings). argv:
# job.py's path. Prints {"models": [{model, owner, job, epoch, epochs, best_val_acc}]}.
_DL_PROBE = r"""
import glob, json, os, subprocess, sys
from concurrent.futures import ThreadPoolExecutor
job_py = sys.argv[1]
def read_json(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None
def one(folder):
    item = {"model": os.path.basename(folder.rstrip("/"))}
    owner = read_json(os.path.join(folder, "owner.json"))
    if isinstance(owner, dict):
        item["owner"] = owner
    job = os.path.join(folder, "job")
    if os.path.isdir(job):
        try:
            done = subprocess.run([sys.executable, job_py, "status", "--job-dir", job],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  universal_newlines=True, timeout=30)
            item["job"] = json.loads(done.stdout.strip().splitlines()[-1])
        except Exception as exc:
            item["job_error"] = "%s: %s" % (type(exc).__name__, exc)
    last = None
    try:
        with open(os.path.join(folder, "model", "metrics.jsonl")) as handle:
            for line in handle:
                if line.strip():
                    last = line
    except OSError:
        pass
    try:
        metrics = json.loads(last) if last else {}
        for key in ("epoch", "epochs", "best_val_acc"):
            if key in metrics:
                item[key] = metrics[key]
    except ValueError:
        pass
    return item
folders = sorted(glob.glob("models/*/"))
with ThreadPoolExecutor(max_workers=8) as pool:
    models = list(pool.map(one, folders))
print(json.dumps({"models": models, "job_py": os.path.isfile(job_py)}))
"""

# Runs on a Nano with its Python (3.6). argv: the lock file. Prints {held, holder}.
_NANO_PROBE = r"""
import errno, fcntl, json, os, sys
lock = sys.argv[1]
held = False
try:
    fd = os.open(lock, os.O_RDONLY)
except OSError:
    fd = None
if fd is not None:
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        held = exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)
    os.close(fd)
holder = {}
if held:
    try:
        with open(lock + ".json") as handle:
            holder = json.load(handle)
    except (OSError, ValueError):
        pass
print(json.dumps({"held": held, "holder": holder}))
"""


@dataclass
class Training:
    """One model folder on the DL server and its job."""

    model: str
    owner: str = ""            # "alice on laptop-3"
    workspace: str = ""
    state: str = "none"        # none (uploaded, never trained) | waiting | running | finished...
    ahead: int | None = None   # trainings ahead of it in the queue (while waiting)
    epoch: str = ""            # "3/35"
    best_val_acc: float | None = None
    scheduler: str = ""        # "" or "slurm" (with slurm_job_id)
    slurm_job_id: str = ""
    reason: str = ""


@dataclass
class NanoRow:
    """One Nano: reachable or not, free or in use by whom."""

    name: str
    address: str
    reachable: bool = False
    error: str = ""
    holder: dict = field(default_factory=dict)   # login, laptop, since, model, pid

    @property
    def in_use(self) -> bool:
        return bool(self.holder)

    def user_text(self) -> str:
        if not self.reachable:
            return QT_TRANSLATE_NOOP("core", "down: {error}").format(error=self.error)
        if not self.holder:
            return QT_TRANSLATE_NOOP("core", "free")
        holder = self.holder
        return QT_TRANSLATE_NOOP("core", "in use by {login} on {laptop} since {since}").format(
            login=holder.get("login") or "?", laptop=holder.get("laptop") or "?",
            since=clock(holder.get("since")))


@dataclass
class ClassState:
    dl_name: str = ""
    dl_error: str = ""
    trainings: list[Training] = field(default_factory=list)
    nanos: list[NanoRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _training(item: dict) -> Training:
    owner = item.get("owner") or {}
    job = item.get("job") or {}
    row = Training(model=str(item.get("model", "?")),
                   owner=(QT_TRANSLATE_NOOP("core", "{login} on {laptop}").format(
                       login=owner.get("login") or "?", laptop=owner.get("laptop") or "?")
                          if owner else ""),
                   workspace=str(owner.get("workspace", "")),
                   state=str(job.get("state", "none")),
                   scheduler=str(job.get("scheduler", "")),
                   slurm_job_id=str(job.get("slurm_job_id", "") or ""),
                   reason=str(job.get("reason", "") or item.get("job_error", "")))
    if row.state in ("waiting", "pending"):
        row.ahead = int(job.get("ahead") or 0)
    if "epoch" in item:
        row.epoch = f"{item['epoch']}/{item.get('epochs', '?')}"
    if isinstance(item.get("best_val_acc"), (int, float)):
        row.best_val_acc = float(item["best_val_acc"])
    return row


def _queue_order(row: Training) -> tuple:
    order = {"running": 0, "waiting": 1, "pending": 1}.get(row.state, 2)
    return (order, row.ahead if row.ahead is not None else 0, row.model)


def probe_dl(connect: Callable[[MachineConfig], Connection], dl: MachineConfig,
             state: ClassState) -> None:
    """Fill state.trainings (running first, then the queue in order, then the rest)."""
    state.dl_name = dl.name
    try:
        with connect(dl) as conn:
            text = conn.output([python_of(conn), "-c", _DL_PROBE, dl_script("job.py")],
                               cwd=conn.workdir(), timeout=_PROBE_TIMEOUT_S)
        data = json.loads(text.strip().splitlines()[-1])
    except RemoteCommandFailed as error:
        if "folder not found" in str(error):
            return          # no workdir yet: nobody uploaded anything
        state.dl_error = text_of(error)
        return
    except MachineError as error:
        state.dl_error = text_of(error)
        return
    except (ValueError, IndexError):
        state.dl_error = QT_TRANSLATE_NOOP("core", "{machine}: {python} printed no class status"
                                           ).format(machine=dl.name, python=dl.python)
        return
    state.trainings = sorted((_training(item) for item in data.get("models", [])),
                             key=_queue_order)


def probe_nano(connect: Callable[[MachineConfig], Connection], nano: MachineConfig) -> NanoRow:
    row = NanoRow(name=nano.name, address=nano.address)
    try:
        with connect(nano) as conn:
            row.reachable = True
            lock = posixpath.join(conn.workdir(), NANO_LOCK)
            text = conn.output([python_of(conn), "-c", _NANO_PROBE, lock],
                               timeout=_PROBE_TIMEOUT_S)
        data = json.loads(text.strip().splitlines()[-1])
        row.holder = dict(data.get("holder") or {}) if data.get("held") else {}
        if data.get("held") and not row.holder:
            row.holder = {"login": "?", "laptop": "?"}
    except MachineError as error:
        row.error = text_of(error)
    except (ValueError, IndexError):
        row.error = QT_TRANSLATE_NOOP("core", "{python} printed no status").format(
            python=nano.python)
    return row


def gather(config: Config, connect: Callable[[MachineConfig], Connection],
           report: Report | None = None) -> ClassState:
    """The whole class, machines in parallel; never raises for a machine that is down."""
    state = ClassState()
    seen: dict[str, str] = {}
    for nano in config.nanos:
        if not nano.is_local and nano.address in seen:
            state.warnings.append(QT_TRANSLATE_NOOP(
                "core", "{nano} and {other} are the same machine ({address}) in config.json"
            ).format(nano=nano.name, other=seen[nano.address], address=nano.address))
        seen.setdefault(nano.address, nano.name)
    with ThreadPoolExecutor(max_workers=min(16, len(config.nanos) + 1),
                            thread_name_prefix="class") as pool:
        dl = (pool.submit(probe_dl, connect, config.dl_server, state)
              if config.dl_server is not None else None)
        nanos = [pool.submit(probe_nano, connect, nano) for nano in config.nanos]
        state.nanos = [future.result() for future in nanos]
        if dl is not None:
            dl.result()
    if config.dl_server is None:
        state.warnings.append(QT_TRANSLATE_NOOP("core", "no DL server in config.json"))
    return state


# --- actions -----------------------------------------------------------------------

def stop_training(connect: Callable[[MachineConfig], Connection], dl: MachineConfig,
                  model: str, report: Report) -> None:
    """job.py stop: a waiting training leaves the queue, a running one ends."""
    check_model_name(model)
    with connect(dl) as conn:
        lines: list[str] = []
        rc = conn.run([python_of(conn), dl_script("job.py"), "stop", "--job-dir",
                       posixpath.join("models", model, "job")], cwd=conn.workdir(),
                      on_line=lines.append)
    if rc != 0:
        raise StepError(QT_TRANSLATE_NOOP("core", "Could not stop {model}: {reason}").format(
            model=model, reason=_last(lines, rc)))
    report.line(QT_TRANSLATE_NOOP("core", "Training {model} stopped").format(model=model))


def _last(lines: list[str], rc: int) -> str:
    """The remote script's last line (its own words), else its exit status."""
    return lines[-1] if lines else QT_TRANSLATE_NOOP("core", "exit status {rc}").format(rc=rc)


def _nano_script(conn: Connection, name: str, report: Report) -> list[str]:
    scripts = posixpath.join(conn.workdir(), NANO_SCRIPTS_DIR)
    deploy_scripts(conn, NANO_SCRIPTS, scripts, report)
    return [python_of(conn), posixpath.join(scripts, name)]


def stop_inference(connect: Callable[[MachineConfig], Connection], nano: MachineConfig,
                   report: Report) -> None:
    """End whoever's inference holds the Nano (their window says the instructor did),
    then switch every LED off."""
    by = dict(laptop_identity(), login="the instructor")
    with connect(nano) as conn:
        lock = posixpath.join(conn.workdir(), NANO_LOCK)
        lines: list[str] = []
        rc = conn.run(_nano_script(conn, "nano_lock.py", report)
                      + ["stop", "--lock", lock, "--by", json.dumps(by)], on_line=lines.append)
        if rc != 0:
            raise StepError(QT_TRANSLATE_NOOP("core", "{nano}: {reason}").format(
                nano=nano.name, reason=_last(lines, rc)))
        pins = ",".join(map(str, nano.pins))
        conn.run(_nano_script(conn, "switch_off_led.py", report) + ["--pins", pins],
                 on_line=report.line)
    report.line(QT_TRANSLATE_NOOP("core", "{nano}: inference stopped, LEDs off").format(
        nano=nano.name))


def blink_leds(connect: Callable[[MachineConfig], Connection], nano: MachineConfig,
               report: Report) -> None:
    """Each LED of the Nano's `pins` on in turn (refused while an inference runs there)."""
    with connect(nano) as conn:
        lock = posixpath.join(conn.workdir(), NANO_LOCK)
        lines: list[str] = []
        rc = conn.run(_nano_script(conn, "blink_leds.py", report)
                      + ["--pins", ",".join(map(str, nano.pins)), "--lock", lock],
                      on_line=lambda text: (lines.append(text), report.line(text)),
                      stop=report.stop)
    errors = [text[len("error:"):].strip() for text in lines if text.startswith("error:")]
    if rc != 0:
        raise StepError(QT_TRANSLATE_NOOP("core", "{nano}: {reason}").format(
            nano=nano.name, reason=_last(errors, rc)))


def percent(share: float) -> str:
    """An accuracy as a percentage ("75.0%"; French: "75,0 %")."""
    return QT_TRANSLATE_NOOP("core", "{share:.1%}").format(share=share)


# --- text ----------------------------------------------------------------------------

def format_text(state: ClassState) -> str:
    """`--class --text`: the trainings, then the Nanos, then the warnings."""
    out = [f"Trainings on {state.dl_name or 'the DL server'}:"]
    if state.dl_error:
        out.append(f"  {state.dl_name}: DOWN: {state.dl_error}")
    rows = [["Model", "Owner", "State", "Queue", "Epoch", "Best val acc"]]
    for t in state.trainings:
        state_text = t.state + (f" (Slurm {t.slurm_job_id})" if t.scheduler == "slurm" else "")
        rows.append([t.model, t.owner or "?", state_text,
                     "" if t.ahead is None else f"{t.ahead} ahead", t.epoch,
                     "" if t.best_val_acc is None else percent(t.best_val_acc)])
    if len(rows) == 1 and not state.dl_error:
        out.append("  none")
    elif len(rows) > 1:
        out += _columns(rows)
    out += ["", "Nanos:"]
    nano_rows = [["Nano", "Address", "Status", "Model"]]
    for n in state.nanos:
        nano_rows.append([n.name, n.address, n.user_text(), n.holder.get("model", "")])
    out += _columns(nano_rows) if state.nanos else ["  none"]
    if state.warnings:
        out += ["", "Warnings:"] + [f"  {text}" for text in state.warnings]
    return "\n".join(out)


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()
            for row in rows]


def state_json(state: ClassState) -> dict[str, Any]:
    """For tests and scripts: the same data as plain dicts."""
    return {"dl_error": state.dl_error, "warnings": state.warnings,
            "trainings": [vars(t) for t in state.trainings],
            "nanos": [dict(vars(n)) for n in state.nanos]}
