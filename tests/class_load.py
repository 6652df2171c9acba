"""A whole class at once (issue 13, part 2): N simulated laptops against one real sshd DL
server that keeps Debian's default MaxStartups/MaxSessions, and real sshd Nanos.

Each laptop is a thread running the app's own task functions (core/tasks.py, core/jobs.py;
no window), with its own working space (all named "fruits") and its own known_hosts. All
start within one second (a barrier): machine check, upload (>= 5 MB), a tiny training
through the queue (max_parallel_trainings 2), export + evaluation, model upload, 10 s of
inference, stop. Two students share each Nano and take turns through its lock.
Used by tests/system/test_class_load.py (small) and bench/bench_class.py (full class).
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from core import checks, jobs, tasks
from core.config import MachineConfig, TrainingSettings
from core.machines import open_connection
from core.machines.ssh import crowded
from core.nano_steps import NANO_LOCK, NanoInUse
from core.pipeline import Report
from core.protocol import parse_event
from core.workspace import Workspace
from tests.media import CLASS_COLOURS, make_image_folder, mjpeg_stream
from tests.sshd import SshdFactory, TestUser, make_user_dir, remove_user_dir, user_processes

log = logging.getLogger(__name__)

SETTINGS = TrainingSettings(arch="resnet18", epochs=1, batch_size=16, resolution=32,
                            pretrained=False, patience=0)
PICTURE_SIZE = (320, 240)     # noisy JPEGs of ~47 KB: 45 a class make a >= 5 MB upload
PER_CLASS = 45
NANO_TURN_WAIT_S = 600.0
# What a lab server has: OpenSSH's (and Debian's) defaults, written out (the suite's servers
# keep them too, by leaving them unset).
DEBIAN_LIMITS = ("MaxStartups 10:30:100", "MaxSessions 10")


@dataclass
class Laptop:
    index: int
    workspace: Workspace
    known_hosts: Path
    nano: MachineConfig
    classes: list[str]
    owner: dict
    model: str = ""
    labels_seen: list[str] = field(default_factory=list)
    results: int = 0
    archive_mb: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    error: str = ""


@dataclass
class ClassRun:
    laptops: list[Laptop]
    wall_s: float
    start_spread_s: float
    retries: int
    job_states: dict[str, dict]
    problems: list[str]

    @property
    def failures(self) -> list[str]:
        return [f"laptop {lap.index}: {lap.error}" for lap in self.laptops if lap.error]

    def longest_queue_wait_s(self) -> float:
        return max((s.get("started", 0) - s.get("created", 0) for s in self.job_states.values()),
                   default=0.0)

    def phase_text(self) -> str:
        """Median and longest seconds of each phase over the laptops."""
        import statistics
        names = [name for name in ("check", "upload", "train", "convert", "upload_nano",
                                   "inference") if any(name in lap.phases for lap in self.laptops)]
        parts = []
        for name in names:
            values = [lap.phases[name] for lap in self.laptops if name in lap.phases]
            parts.append(f"{name} {statistics.median(values):.1f}/{max(values):.1f}")
        return "phases, median/longest s: " + ", ".join(parts)

    def summary(self) -> str:
        return (f"{len(self.laptops)} laptops: wall time {self.wall_s:.1f} s, "
                f"{len(self.failures)} failure(s), start spread {self.start_spread_s:.2f} s, "
                f"longest queue wait {self.longest_queue_wait_s():.1f} s, "
                f"connection retries {self.retries}, "
                f"archives {min(lap.archive_mb for lap in self.laptops):.1f}-"
                f"{max(lap.archive_mb for lap in self.laptops):.1f} MB")


def _machine(server, user: TestUser, role: str, name: str, workdir: Path, **extra) -> MachineConfig:
    import sys
    return MachineConfig(name=name, role=role, host=server.host, port=server.port,
                         login=user.name, password=user.password, transport="ssh",
                         python=sys.executable, workdir=str(workdir), **extra)


def _make_laptop(index: int, base: Path, nano: MachineConfig, servers) -> Laptop:
    folder = base / f"laptop{index:02d}"
    known_hosts = folder / "known_hosts"
    folder.mkdir(parents=True)
    known_hosts.write_text("".join(server.known_hosts_line() + "\n" for server in servers))
    workspace = Workspace(folder / "fruits")          # the same folder name on every laptop
    colours = {f"red{index}": CLASS_COLOURS["red"], f"blue{index}": CLASS_COLOURS["blue"],
               f"yellow{index}": CLASS_COLOURS["yellow"]}
    make_image_folder(workspace.images_dir, colours, PER_CLASS, PICTURE_SIZE, seed=index)
    workspace.split(seed=0)
    return Laptop(index, workspace, known_hosts, nano, sorted(colours),
                  {"login": f"student{index:02d}", "laptop": f"laptop{index:02d}",
                   "workspace": "fruits"})


def _inference_turn(lap: Laptop, connect, inference_s: float) -> None:
    """Run inference for inference_s seconds, waiting for the Nano while the other student
    holds it (their turn), as a student would press the button again."""
    deadline = time.monotonic() + NANO_TURN_WAIT_S
    while True:
        report = Report()
        stop = report.stop

        def line(text: str, lap=lap, stop=stop) -> None:
            event = parse_event(text)
            if event is not None and event.name == "labels":
                lap.labels_seen = list(event.data.get("labels", []))
            if text.startswith("image is recognized"):
                lap.results += 1
                if lap.results == 1:
                    threading.Timer(inference_s, stop.set).start()
        report.line = line
        result = tasks.inference_task(connect, lap.nano, lap.model, report=report,
                                      owner=lap.owner)
        if not isinstance(result, NanoInUse):
            if lap.results == 0:
                raise AssertionError("inference ended without a single result")
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"never got the Nano: {result}")
        time.sleep(1.0)


def _laptop_flow(lap: Laptop, dl: MachineConfig, barrier: threading.Barrier,
                 starts: list[float], inference_s: float) -> None:
    connect = lambda machine: open_connection(machine, known_hosts=lap.known_hosts)  # noqa: E731
    barrier.wait()
    starts.append(time.monotonic())
    lines: list[str] = []
    report = Report(line=lines.append)

    def phase(name: str, function, *args, **kwargs):
        started = time.monotonic()
        result = function(*args, **kwargs)
        lap.phases[name] = time.monotonic() - started
        return result
    try:
        rows = phase("check", lambda: [checks.check_machine(m, known_hosts=lap.known_hosts)
                                       for m in (dl, lap.nano)])
        failed = [f"{row.machine}: {row.result(key).detail or row.result(key).text}"
                  for row in rows for key in ("reachable", "login") if row.result(key).state
                  == "fail"]
        if failed:
            raise AssertionError("machine check: " + "; ".join(failed))
        lap.model = phase("upload", tasks.upload_dataset_task, connect, dl, lap.workspace, report)
        lap.archive_mb = max(float(t.split("(")[1].split()[0]) for t in lines
                             if t.startswith("Archive done ("))
        phase("train", jobs.train_model, connect, dl, lap.model, SETTINGS, report)
        phase("convert", jobs.convert_to_onnx, connect, dl, lap.model, report)
        phase("upload_nano", tasks.upload_model_task, connect, dl, lap.nano, lap.model,
              SETTINGS.arch, report)
        phase("inference", _inference_turn, lap, connect, inference_s)
    except Exception as error:  # recorded: the run reports every laptop's outcome
        lap.error = f"{type(error).__name__}: {error}"
        log.debug("laptop %d failed:\n%s", lap.index, traceback.format_exc())
        lap.error += " | last lines: " + " / ".join(lines[-3:])


def _leftovers(user: TestUser, remote: Path, dl_dir: Path, nano_dirs: list[Path]) -> list[str]:
    """Processes of the run still alive, queue locks or Nano locks still held."""
    from nano_lock import is_held   # nano_scripts/ (put on sys.path by the caller)
    from job_queue import is_locked  # dl_scripts/
    problems = [f"process left: {line}" for line in user_processes(user, str(remote))]
    queue = dl_dir / "queue"
    for path in sorted(queue.rglob("*")) if queue.is_dir() else []:
        if path.is_file() and (path.suffix in (".lock", ".ticket")) and is_locked(str(path)):
            problems.append(f"queue lock still held: {path}")
    for folder in nano_dirs:
        if is_held(str(folder / NANO_LOCK)):
            problems.append(f"Nano lock still held: {folder / NANO_LOCK}")
    return problems


def run_class(factory: SshdFactory, user: TestUser, base: Path, laptops: int, nanos: int,
              inference_s: float = 10.0) -> ClassRun:
    """The whole scenario; never raises for a laptop's failure (see ClassRun.failures)."""
    import sys
    root = Path(__file__).resolve().parents[1]
    for folder in ("nano_scripts", "dl_scripts"):
        if str(root / folder) not in sys.path:
            sys.path.append(str(root / folder))
    (dl_server,) = factory.start(1, prefix="class-dl", options=DEBIAN_LIMITS)
    nano_servers = factory.start(nanos, prefix="class-nano", options=DEBIAN_LIMITS)
    remote = make_user_dir(user, "class")
    try:
        with mjpeg_stream(CLASS_COLOURS["red"]) as camera:
            dl = _machine(dl_server, user, "dl", "DL server", remote / "dl",
                          max_parallel_trainings=2)
            nano_cfgs = [_machine(server, user, "nano", f"nano{j + 1}", remote / f"nano{j + 1}",
                                  camera=camera) for j, server in enumerate(nano_servers)]
            servers = [dl_server, *nano_servers]
            laps = [_make_laptop(i, base, nano_cfgs[i % nanos], servers) for i in range(laptops)]
            barrier = threading.Barrier(laptops)
            starts: list[float] = []
            retries_before = crowded.retries()
            started = time.monotonic()
            threads = [threading.Thread(target=_laptop_flow, args=(lap, dl, barrier, starts,
                                                                   inference_s), daemon=True)
                       for lap in laps]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
        states = {}
        for lap in laps:
            path = remote / "dl" / "models" / lap.model / "job" / "state.json"
            if lap.model and path.is_file():
                states[lap.model] = json.loads(path.read_text())
        time.sleep(1.0)   # processes that were just signalled
        problems = _leftovers(user, remote, remote / "dl",
                              [remote / f"nano{j + 1}" for j in range(nanos)])
        return ClassRun(laps, wall, max(starts) - min(starts) if starts else 0.0,
                        crowded.retries() - retries_before, states, problems)
    finally:
        for server in [dl_server, *nano_servers]:
            server.stop()
        for line in user_processes(user, str(remote)):   # a run cut short: its detached jobs
            try:
                os.kill(int(line.split()[0]), 9)
            except (ProcessLookupError, ValueError):
                pass
        if not os.environ.get("AI_NANO_KEEP_CLASS"):
            remove_user_dir(remote)


def check_class(run: ClassRun) -> list[str]:
    """What must hold; [] when the class went well."""
    wrong = list(run.failures) + list(run.problems)
    if run.start_spread_s > 1.0:
        wrong.append(f"laptops started {run.start_spread_s:.2f} s apart (> 1 s)")
    names = [lap.model for lap in run.laptops if lap.model]
    if len(set(names)) != len(names):
        wrong.append(f"two laptops share a model: {sorted(names)}")
    for lap in run.laptops:
        if lap.model and not lap.error and lap.labels_seen != lap.classes:
            wrong.append(f"laptop {lap.index}: the Nano ran labels {lap.labels_seen}, "
                         f"its classes are {lap.classes}")
        if not lap.error and lap.archive_mb < 5.0:
            wrong.append(f"laptop {lap.index}: uploaded only {lap.archive_mb} MB")
    by_ticket = sorted(run.job_states.values(), key=lambda s: s.get("ticket") or 0)
    admitted = [s.get("admitted", 0) for s in by_ticket]
    if admitted != sorted(admitted):
        wrong.append("trainings did not start in arrival order: "
                     + ", ".join(f"ticket {s.get('ticket')}@{s.get('admitted')}"
                                 for s in by_ticket))
    if len(by_ticket) != len(run.laptops):
        wrong.append(f"{len(by_ticket)} training(s) recorded for {len(run.laptops)} laptops")
    return wrong

