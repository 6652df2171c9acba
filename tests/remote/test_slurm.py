"""job.py under a real single-node Slurm (tests/slurm.py): submit, pend, run, fail, cancel.

The first tests drive job.py directly on this machine (SLURM_CONF in its environment); the
last one goes the way the app does: over the test OpenSSH server, as the test user, with a
real `python3 train.py` on CPU submitted through job.py. If Slurm cannot be brought up here
the fixture errors with the daemons' own messages: nothing is skipped.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.slurm import PARTITION, SlurmCluster
from tests.remote.test_job import JOB_PY, events, human_lines, wait_for


@pytest.fixture(scope="module")
def cluster() -> Iterator[SlurmCluster]:
    slurm = SlurmCluster()
    try:
        slurm.start()
        yield slurm
    finally:
        slurm.stop()


@pytest.fixture
def slurm(cluster: SlurmCluster) -> Iterator[SlurmCluster]:
    """The module's cluster, emptied of jobs after each test."""
    yield cluster
    cluster.cancel_all()
    wait_for(lambda: not cluster.run(["squeue", "-h", "-o", "%i"]).stdout.strip(),
             what="the queue to empty")


def job_py(cluster: SlurmCluster, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(JOB_PY), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=cluster.env())


def submit(cluster: SlurmCluster, job_dir: Path, command: list[str],
           *options: str) -> str:
    started = job_py(cluster, "start", "--job-dir", str(job_dir), "--scheduler", "slurm",
                     "--partition", PARTITION, "--time", "10", *options, "--", *command,
                     cwd=job_dir.parent)
    assert started.returncode == 0, started.stdout + started.stderr
    event = events(started.stdout)[-1]
    assert event["state"] == "pending"
    return event["slurm_job_id"]


def status(cluster: SlurmCluster, job_dir: Path) -> dict:
    shown = job_py(cluster, "status", "--job-dir", str(job_dir), cwd=job_dir.parent)
    assert shown.returncode == 0, shown.stdout
    return json.loads(shown.stdout)


class Follower:
    """`job.py follow` in the background, its lines collected as they come."""

    def __init__(self, argv: list[str], **popen: object) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, **popen)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def events(self) -> list[dict]:
        return events("\n".join(self.lines))

    def wait(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return code


def test_job_pends_behind_a_full_node_then_runs_and_completes(slurm: SlurmCluster,
                                                               tmp_path: Path) -> None:
    blocker = slurm.submit_blocker()
    wait_for(lambda: slurm.job_field(blocker, "JobState") == "RUNNING", what="the blocker")
    first = submit(slurm, tmp_path / "first", [sys.executable, "-c",
                                               "print('hello from slurm')"])
    second = submit(slurm, tmp_path / "second", ["true"])
    assert first != second
    follower = Follower([sys.executable, str(JOB_PY), "follow", "--job-dir",
                         str(tmp_path / "first")], env=slurm.env(), cwd=tmp_path)
    # Slurm gives a reason once its scheduler has looked at the job.
    wait_for(lambda: any("reason" in event for event in follower.events()), timeout=60,
             what="Slurm's reason")
    pending = [event for event in follower.events() if "reason" in event][0]
    assert pending["state"] == "pending" and pending["ahead"] == 0
    assert pending["reason"] in ("Resources", "Priority"), pending
    behind = status(slurm, tmp_path / "second")
    assert behind["state"] == "pending" and behind["ahead"] == 1, behind
    # scancel of a waiting job, through job.py stop.
    stopped = job_py(slurm, "stop", "--job-dir", str(tmp_path / "second"), cwd=tmp_path)
    assert events(stopped.stdout)[-1]["state"] == "cancelled"
    assert slurm.job_field(second, "JobState") == "CANCELLED"
    slurm.run(["scancel", blocker])
    assert follower.wait() == 0
    assert "hello from slurm" in human_lines("\n".join(follower.lines))
    states = [event["state"] for event in follower.events()]
    assert states[0] == "pending" and states[-1] == "finished"
    assert "running" in states or slurm.job_field(first, "JobState") == "COMPLETED"
    assert follower.events()[-1]["exit_code"] == 0
    assert slurm.job_field(first, "JobState") == "COMPLETED"
    # The job's name tells admins whose model it is.
    assert slurm.job_field(first, "JobName") == "ai_nano-first"


def test_held_job_is_pending_with_slurms_reason_until_released(slurm: SlurmCluster,
                                                               tmp_path: Path) -> None:
    job_dir = tmp_path / "held"
    slurm_id = submit(slurm, job_dir, [sys.executable, "-c", "import time; print('released'); "
                                       "time.sleep(4)"])  # seen running
    slurm.run(["scontrol", "hold", slurm_id])
    wait_for(lambda: status(slurm, job_dir).get("reason", "").startswith("JobHeld"),
             what="the hold to show")
    follower = Follower([sys.executable, str(JOB_PY), "follow", "--job-dir", str(job_dir)],
                        env=slurm.env(), cwd=tmp_path)
    wait_for(lambda: follower.events(), what="the first event")
    time.sleep(2.5)  # one more poll of follow's: still held
    slurm.run(["scontrol", "release", slurm_id])
    assert follower.wait() == 0
    states = [event["state"] for event in follower.events()]
    changes = [state for index, state in enumerate(states)
               if index == 0 or state != states[index - 1]]
    assert changes == ["pending", "running", "finished"], follower.lines
    assert follower.events()[0]["reason"] == "JobHeldAdmin"
    assert "released" in follower.lines


def test_failing_job_shows_slurms_reason_and_exit_code(slurm: SlurmCluster,
                                                       tmp_path: Path) -> None:
    job_dir = tmp_path / "fails"
    submit(slurm, job_dir, [sys.executable, "-c", "import sys; print('oops'); sys.exit(3)"])
    followed = job_py(slurm, "follow", "--job-dir", str(job_dir), cwd=tmp_path)
    assert followed.returncode == 3
    last = events(followed.stdout)[-1]
    assert last["state"] == "failed" and last["exit_code"] == 3
    assert "NonZeroExitCode" in last["reason"]
    assert "oops" in followed.stdout
    assert followed.stdout.splitlines()[-1].startswith("error: job failed")


def test_refused_submission_says_why(slurm: SlurmCluster, tmp_path: Path) -> None:
    started = job_py(slurm, "start", "--job-dir", str(tmp_path / "j"), "--scheduler", "slurm",
                     "--partition", "nosuch", "--", "true", cwd=tmp_path)
    assert started.returncode == 1
    last = started.stdout.splitlines()[-1]
    assert last.startswith("error: sbatch refused the job:") and "partition" in last


def test_stop_cancels_a_running_job_and_leaves_no_process(slurm: SlurmCluster,
                                                          tmp_path: Path) -> None:
    token = f"ai_nano_slurm_stop_{time.time_ns()}"
    job_dir = tmp_path / "long"
    slurm_id = submit(slurm, job_dir, [sys.executable, "-c",
                                       f"import time; print('{token}', flush=True); "
                                       "time.sleep(600)"])
    wait_for(lambda: status(slurm, job_dir)["state"] == "running", what="the job to run")
    wait_for(lambda: (job_dir / "output.log").exists()
             and token in (job_dir / "output.log").read_text(), what="its first line")
    again = job_py(slurm, "start", "--job-dir", str(job_dir), "--scheduler", "slurm", "--",
                   "true", cwd=tmp_path)
    assert again.returncode == 3 and "already running" in again.stdout
    stopped = job_py(slurm, "stop", "--job-dir", str(job_dir), cwd=tmp_path)
    assert stopped.returncode == 0, stopped.stdout
    assert slurm.job_field(slurm_id, "JobState") == "CANCELLED"
    left = subprocess.run(["pgrep", "-f", token], capture_output=True, text=True).stdout
    assert left.strip() == "", f"processes left after scancel: {left}"
    followed = job_py(slurm, "follow", "--job-dir", str(job_dir), cwd=tmp_path)
    assert followed.returncode != 0
    assert events(followed.stdout)[-1]["state"] == "cancelled"


# ---------------------------------------------------------------- the app's way: over SSH

@pytest.fixture
def slurm_sshd(cluster: SlurmCluster, test_user, known_hosts: Path) -> Iterator[object]:
    """A test sshd whose sessions find the cluster: `SetEnv SLURM_CONF=...` in its config,
    as an administrator sets it for a login node (sshd_config or /etc/environment)."""
    from tests.sshd import SshServer

    folder = Path(tempfile.mkdtemp(prefix="ai_nano_slurm_sshd_"))
    server = SshServer(folder, test_user, "slurm-login")
    with open(server.config_file, "a") as config:
        config.write(f"SetEnv SLURM_CONF={cluster.conf}\n")
    server.start()
    server.trust(known_hosts)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_train_py_submitted_over_ssh_pends_runs_and_completes(
        slurm: SlurmCluster, slurm_sshd, make_machine, known_hosts: Path, test_user) -> None:
    """The real train.py (CPU, 32 px, 2 epochs), submitted through job.py over SSH as the
    test user; pending behind a full node, then running, then completed; a second
    submission cancelled with job.py stop (scancel)."""
    from core.machines import open_connection
    from tests.media import make_split_dataset
    from tests.sshd import chown_tree, user_processes

    machine = make_machine(slurm_sshd)
    with open_connection(machine, known_hosts=known_hosts) as connection:
        workdir = connection.workdir()
        connection.makedirs(f"{workdir}/models")
        for script in sorted(JOB_PY.parent.glob("*.py")):
            connection.put_file(script, f"{workdir}/{script.name}")
        make_split_dataset(Path(workdir) / "models" / "m1", counts=(8, 4, 4), size=(40, 32))
        chown_tree(Path(workdir), test_user)
        python = machine.python
        blocker = slurm.submit_blocker()
        wait_for(lambda: slurm.job_field(blocker, "JobState") == "RUNNING", what="blocker")
        train = [python, "train.py", "--model-dir=models/m1/model", "models/m1",
                 "--no-pretrained", "--epochs", "2", "--resolution", "32", "--batch-size", "8",
                 "--workers", "1", "--device", "cpu"]
        started = connection.output([python, "job.py", "start", "--job-dir", "models/m1/job",
                                     "--scheduler", "slurm", "--partition", PARTITION,
                                     "--time", "15", "--", *train], cwd=workdir)
        slurm_id = events(started)[-1]["slurm_job_id"]
        assert slurm.job_field(slurm_id, "UserId").startswith(test_user.name)
        other = connection.output([python, "job.py", "start", "--job-dir", "models/m2/job",
                                   "--scheduler", "slurm", "--", "sleep", "300"], cwd=workdir)
        other_id = events(other)[-1]["slurm_job_id"]
        lines: list[str] = []
        result: list[int] = []
        follower = threading.Thread(daemon=True, target=lambda: result.append(connection.run(
            [python, "job.py", "follow", "--job-dir", "models/m1/job"], cwd=workdir,
            on_line=lines.append, timeout=300)))
        follower.start()
        wait_for(lambda: any(event.get("reason") == "Resources"
                             for event in events("\n".join(lines))), timeout=60,
                 what="pending (Resources) in the followed output")
        with open_connection(machine, known_hosts=known_hosts) as second:
            stopped = second.output([python, "job.py", "stop", "--job-dir", "models/m2/job"],
                                    cwd=workdir)
        assert events(stopped)[-1]["state"] == "cancelled"
        assert slurm.job_field(other_id, "JobState") == "CANCELLED"
        slurm.run(["scancel", blocker])
        follower.join(timeout=300)
    assert result == [0], lines[-10:]
    states = [event["state"] for event in events("\n".join(lines)) if event["event"] == "job"]
    assert states[0] == "pending" and "running" in states and states[-1] == "finished"
    epochs = [event for event in events("\n".join(lines)) if event["event"] == "epoch"]
    assert [event["epoch"] for event in epochs] == [1, 2]
    assert any(event["event"] == "end" for event in events("\n".join(lines)))
    assert (Path(workdir) / "models" / "m1" / "model" / "metrics.jsonl").exists()
    assert slurm.job_field(slurm_id, "JobState") == "COMPLETED"
    assert user_processes(test_user, "train.py --model-dir=models/m1") == []


def test_the_apps_training_step_on_slurm_shows_pending_running_and_stop_cancels(
        slurm: SlurmCluster, slurm_sshd, make_machine, known_hosts: Path, tmp_path: Path,
        test_user) -> None:
    """Steps 4 and 5 as the window runs them, with `"scheduler": "slurm"`: the log says
    the job pends (with Slurm's reason), runs, and ends with "End training model"; a
    second training stopped while pending is scancel'ed."""
    import functools

    from core import jobs
    from core import tasks
    from core.config import TrainingSettings
    from core.machines import open_connection
    from core.pipeline import Report, StepError
    from tests.media import make_image_folder
    from core.workspace import Workspace

    machine = make_machine(slurm_sshd, scheduler="slurm", partition=PARTITION, time="15")
    connect = functools.partial(open_connection, known_hosts=known_hosts)
    workspace = Workspace(make_image_folder(tmp_path / "ws" / "images", per_class=10,
                                            size=(40, 32)).parent)
    workspace.split(seed=0)
    name = tasks.upload_dataset_task(connect, machine, workspace, Report())
    second_name = tasks.upload_dataset_task(connect, machine, workspace, Report())
    settings = TrainingSettings(epochs=2, batch_size=8, resolution=32, pretrained=False,
                                patience=0)
    blocker = slurm.submit_blocker()
    wait_for(lambda: slurm.job_field(blocker, "JobState") == "RUNNING", what="blocker")
    lines: list[str] = []
    errors: list[str] = []

    def train(model: str, report: Report) -> None:
        try:
            jobs.train_model(connect, machine, model, settings, report)
        except StepError as error:
            errors.append(str(error))
    first = threading.Thread(target=train, args=(name, Report(line=lines.append)))
    first.start()
    wait_for(lambda: any(line.startswith("pending in the cluster's queue") and "Resources" in line
                         for line in lines), timeout=60, what="pending with Slurm's reason")
    second_lines: list[str] = []
    second_report = Report(line=second_lines.append)
    second = threading.Thread(target=train, args=(second_name, second_report))
    second.start()
    wait_for(lambda: any(line.startswith("pending") for line in second_lines), timeout=60,
             what="the second training pending")
    second_report.stop.set()  # Stop while pending: job.py stop runs scancel
    second.join(60)
    slurm.run(["scancel", blocker])
    first.join(300)
    assert "job running" in lines and lines[-1] == "End training model", lines[-10:]
    assert errors == ["Training stopped"]
    with open_connection(machine, known_hosts=known_hosts) as conn:
        state = jobs.training_state(conn, second_name)
    assert state["state"] == "cancelled"
    assert slurm.job_field(state["slurm_job_id"], "JobState") == "CANCELLED"
