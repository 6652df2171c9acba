"""dl_scripts/job.py run for real: detached jobs, re-attaching, stop, and the flock queue.

Every test runs job.py as a subprocess, as the DL server would over SSH, and checks the
effects through the operating system: /proc for processes and process groups, flock for
locks, the files in the job folder. Jobs are held at known points by "gate" files the
test creates, so nothing depends on how fast this (shared, 2-core) machine is.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.paths import REPO

JOB_PY = REPO / "dl_scripts" / "job.py"
MARKER = "@ai_nano "

# A job body: prints `first` lines, waits for the gate file (if any), prints `then` lines.
GATED_SCRIPT = """
import os, sys, time
first, then, gate, code = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
for i in range(first):
    print("line", i)
while gate and not os.path.exists(gate):
    time.sleep(0.05)
for i in range(first, first + then):
    print("line", i)
print("to stderr", file=sys.stderr)
sys.exit(code)
"""


def gated(first: int, then: int = 0, gate: Path | None = None, code: int = 0) -> list[str]:
    return [sys.executable, "-c", GATED_SCRIPT, str(first), str(then), str(gate or ""),
            str(code)]


def job_py(*args: str, cwd: Path, timeout: float = 60,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(JOB_PY), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def events(stdout: str) -> list[dict]:
    return [json.loads(line[len(MARKER):]) for line in stdout.splitlines()
            if line.startswith(MARKER)]


def human_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if not line.startswith(MARKER)]


def status(job_dir: Path) -> dict:
    result = job_py("status", "--job-dir", str(job_dir), cwd=job_dir.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def wait_for(predicate: Callable[[], object], timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


def group_members(pgid: int) -> list[int]:
    """Live processes (zombies excluded) whose process group is `pgid`, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def pid_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def lock_is_free(path: Path) -> bool:
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.fixture
def jobs(tmp_path: Path) -> Iterator[Callable[..., subprocess.CompletedProcess]]:
    """start(name, command, *options): job.py start in tmp_path; every job stopped at the end."""
    started: list[Path] = []

    def start(name: str, command: list[str], *options: str) -> subprocess.CompletedProcess:
        job_dir = tmp_path / name
        started.append(job_dir)
        return job_py("start", "--job-dir", str(job_dir), *options, "--", *command,
                      cwd=tmp_path)

    yield start
    for job_dir in started:
        job_py("stop", "--job-dir", str(job_dir), cwd=tmp_path)


def test_start_returns_at_once_and_follow_prints_everything(tmp_path: Path, jobs) -> None:
    gate = tmp_path / "gate"
    began = time.monotonic()
    result = jobs("j", gated(3, 2, gate))
    took = time.monotonic() - began
    assert result.returncode == 0, result.stdout
    assert events(result.stdout)[0]["state"] == "running"
    assert took < 5, f"start took {took:.1f} s: it must not wait for the job"
    job_dir = tmp_path / "j"
    # The job runs on behind the gate, and its first lines reach the log right away
    # (PYTHONUNBUFFERED): a student sees each epoch as it ends, not at the end.
    wait_for(lambda: (job_dir / "output.log").exists()
             and "line 2" in (job_dir / "output.log").read_text(), what="unbuffered lines")
    assert status(job_dir)["state"] == "running"
    assert pid_alive(status(job_dir)["pgid"])
    follower = subprocess.Popen([sys.executable, str(JOB_PY), "follow", "--job-dir",
                                 str(job_dir)], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert follower.stdout.readline().startswith(MARKER)  # attached while running
    gate.touch()
    output = follower.stdout.read()  # (not communicate(): it skips readline's buffer)
    assert follower.wait(timeout=30) == 0
    assert human_lines(output) == [f"line {i}" for i in range(5)] + ["to stderr"]
    assert events(output)[-1] == {"event": "job", "state": "finished", "exit_code": 0,
                                  "line": 6}
    assert (job_dir / "exit_code").read_text() == "0\n"
    assert status(job_dir)["state"] == "finished"
    assert lock_is_free(job_dir / "job.lock")


def test_failing_command_reports_failed_with_its_exit_code(tmp_path: Path, jobs) -> None:
    assert jobs("bad", gated(1, code=3)).returncode == 0
    followed = job_py("follow", "--job-dir", str(tmp_path / "bad"), cwd=tmp_path)
    assert followed.returncode == 3
    last = events(followed.stdout)[-1]
    assert last["state"] == "failed" and last["exit_code"] == 3
    assert "exit status 3" in last["reason"]
    assert followed.stdout.splitlines()[-1].startswith("error: ")
    assert status(tmp_path / "bad")["exit_code"] == 3


def test_missing_program_fails_with_a_clear_reason(tmp_path: Path, jobs) -> None:
    assert jobs("none", ["/nonexistent/trainer"]).returncode == 0
    followed = job_py("follow", "--job-dir", str(tmp_path / "none"), cwd=tmp_path)
    assert followed.returncode == 127
    assert "cannot start /nonexistent/trainer" in followed.stdout
    assert events(followed.stdout)[-1]["state"] == "failed"


def test_follow_killed_midway_then_reattached_shows_the_rest_once(tmp_path: Path,
                                                                  jobs) -> None:
    gate = tmp_path / "gate"
    assert jobs("j", gated(20, 15, gate)).returncode == 0
    job_dir = tmp_path / "j"
    first = subprocess.Popen([sys.executable, str(JOB_PY), "follow", "--job-dir", str(job_dir)],
                             stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    received: list[str] = []
    while "line 19" not in received:
        line = first.stdout.readline()
        assert line, "follow ended before the job did"
        if not line.startswith(MARKER):
            received.append(line.rstrip("\n"))
    first.send_signal(signal.SIGHUP)  # what a dropped SSH link does to it
    received += human_lines(first.stdout.read())
    assert first.wait(timeout=10) == -signal.SIGHUP
    assert status(job_dir)["state"] == "running", "the job must survive its follower"
    gate.touch()  # the job goes on while nobody follows it
    wait_for(lambda: status(job_dir)["state"] == "finished", what="the job to finish")
    again = job_py("follow", "--job-dir", str(job_dir), "--from-line", str(len(received)),
                   cwd=tmp_path)
    assert again.returncode == 0
    assert events(again.stdout)[-1]["line"] == 36  # the log position, for the next attach
    combined = received + human_lines(again.stdout)
    assert combined == [f"line {i}" for i in range(35)] + ["to stderr"]


def test_second_start_in_the_same_folder_is_refused(tmp_path: Path, jobs) -> None:
    gate = tmp_path / "gate"
    assert jobs("j", gated(1, 1, gate)).returncode == 0
    log_before = (tmp_path / "j" / "output.log")
    wait_for(lambda: log_before.exists() and log_before.read_text(), what="first line")
    second = jobs("j", gated(0, code=9))
    assert second.returncode == 3
    assert "already running" in second.stdout
    assert second.stdout.splitlines()[-1].startswith("error: ")
    gate.touch()
    followed = job_py("follow", "--job-dir", str(tmp_path / "j"), cwd=tmp_path)
    assert followed.returncode == 0, "the refused start must not disturb the first job"
    assert human_lines(followed.stdout) == ["line 0", "line 1", "to stderr"]


STUBBORN_TREE = """
import signal, subprocess, sys, time
ignore_term = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(300)"
subprocess.Popen([sys.executable, "-c", ignore_term])
subprocess.Popen(["sleep", "300"])
time.sleep(0.5)
print("tree ready", flush=True)
time.sleep(300)
"""


def test_stop_ends_the_whole_process_group_and_frees_the_lock(tmp_path: Path, jobs) -> None:
    assert jobs("tree", [sys.executable, "-c", STUBBORN_TREE]).returncode == 0
    job_dir = tmp_path / "tree"
    wait_for(lambda: "tree ready" in (job_dir / "output.log").read_text(), what="the tree")
    before = status(job_dir)
    pgid = before["pgid"]
    assert len(group_members(pgid)) == 3
    runner = json.loads((job_dir / "state.json").read_text())["runner_pid"]
    stopped = job_py("stop", "--job-dir", str(job_dir), cwd=tmp_path)
    assert stopped.returncode == 0, stopped.stdout
    assert events(stopped.stdout)[-1]["state"] == "cancelled"
    assert group_members(pgid) == [], "a child ignoring SIGTERM must get SIGKILL"
    assert not pid_alive(runner)
    assert lock_is_free(job_dir / "job.lock")
    followed = job_py("follow", "--job-dir", str(job_dir), cwd=tmp_path)
    assert followed.returncode != 0
    assert events(followed.stdout)[-1]["state"] == "cancelled"


def timed_job(seconds: float) -> list[str]:
    """A job that logs when it started and ended (wall clock) and runs `seconds`."""
    code = ("import time; print('start', time.time(), flush=True); "
            f"time.sleep({seconds}); print('end', time.time())")
    return [sys.executable, "-c", code]


def start_end(job_dir: Path) -> tuple[float, float]:
    found = dict(line.split() for line in (job_dir / "output.log").read_text().splitlines())
    return float(found["start"]), float(found["end"])


def max_overlap(spans: list[tuple[float, float]]) -> int:
    points = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    running = most = 0
    for _, step in points:
        running += step
        most = max(most, running)
    return most


@pytest.mark.parametrize("slots,count", [(1, 3), (2, 5)])
def test_queue_runs_at_most_n_at_once_in_arrival_order(tmp_path: Path, jobs, slots: int,
                                                       count: int) -> None:
    queue = tmp_path / "queue"
    starts = [jobs(f"job{i}", timed_job(1.5), "--queue-dir", str(queue), "--slots", str(slots))
              for i in range(count)]
    assert all(result.returncode == 0 for result in starts)
    last = events(starts[-1].stdout)[0]
    assert last["state"] == "waiting" and last["ahead"] >= 1, last
    last_follower = subprocess.Popen(
        [sys.executable, str(JOB_PY), "follow", "--job-dir", str(tmp_path / f"job{count - 1}")],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    finals = [job_py("follow", "--job-dir", str(tmp_path / f"job{i}"), cwd=tmp_path)
              for i in range(count)]
    assert [result.returncode for result in finals] == [0] * count
    seen = last_follower.stdout.read()
    last_follower.wait(timeout=30)
    # What the student's window shows: "k ahead" counting down, then running, finished.
    waited = [event["ahead"] for event in events(seen) if event["state"] == "waiting"]
    assert waited[0] >= 1 and waited[-1] == 0 and waited == sorted(waited, reverse=True)
    assert [event["state"] for event in events(seen)][-2:] == ["running", "finished"]
    spans = [start_end(tmp_path / f"job{i}") for i in range(count)]
    assert max_overlap(spans) == slots, spans
    admitted = [status(tmp_path / f"job{i}")["admitted"] for i in range(count)]
    assert admitted == sorted(admitted), "jobs must get a slot in the order they arrived"
    assert list((queue / "tickets").iterdir()) == []
    assert all(lock_is_free(queue / f"slot-{i}.lock") for i in range(slots))


def test_jobs_started_at_the_same_moment_run_in_ticket_order(tmp_path: Path) -> None:
    """Six students press "train" together: arrival order is the ticket number each start
    drew; jobs begin in that order, two at a time, and all finish."""
    queue = tmp_path / "queue"
    starters = [subprocess.Popen(
        [sys.executable, str(JOB_PY), "start", "--job-dir", str(tmp_path / f"job{i}"),
         "--queue-dir", str(queue), "--slots", "2", "--", *timed_job(0.8)],
        cwd=tmp_path, stdout=subprocess.PIPE, text=True) for i in range(6)]
    try:
        assert [starter.wait(timeout=60) for starter in starters] == [0] * 6
        for i in range(6):
            assert job_py("follow", "--job-dir", str(tmp_path / f"job{i}"),
                          cwd=tmp_path).returncode == 0
        tickets = {i: status(tmp_path / f"job{i}")["ticket"] for i in range(6)}
        assert sorted(tickets.values()) == list(range(1, 7))
        by_ticket = sorted(range(6), key=tickets.get)
        spans = [start_end(tmp_path / f"job{i}") for i in by_ticket]
        assert max_overlap(spans) == 2, spans
        # Admission (taking a slot) follows the tickets; the commands' own start lines may
        # not, when two are admitted together and the second Python starts faster.
        admitted = [status(tmp_path / f"job{i}")["admitted"] for i in by_ticket]
        assert admitted == sorted(admitted), (tickets, admitted)
    finally:
        for i in range(6):
            job_py("stop", "--job-dir", str(tmp_path / f"job{i}"), cwd=tmp_path)


def test_cancelled_waiting_job_leaves_no_process_ticket_or_lock(tmp_path: Path, jobs) -> None:
    queue, gate = tmp_path / "queue", tmp_path / "gate"
    options = ("--queue-dir", str(queue), "--slots", "1")
    assert jobs("a", gated(1, 1, gate), *options).returncode == 0
    wait_for(lambda: status(tmp_path / "a")["state"] == "running", what="a to run")
    assert jobs("b", gated(1), *options).returncode == 0
    assert jobs("c", gated(1), *options).returncode == 0
    assert status(tmp_path / "b") ["state"] == "waiting"
    wait_for(lambda: status(tmp_path / "c").get("ahead") == 1, what="c behind b")
    runner_b = json.loads((tmp_path / "b" / "state.json").read_text())["runner_pid"]
    stopped = job_py("stop", "--job-dir", str(tmp_path / "b"), cwd=tmp_path)
    assert events(stopped.stdout)[-1]["state"] == "cancelled"
    assert not pid_alive(runner_b)
    assert lock_is_free(tmp_path / "b" / "job.lock")
    assert not (tmp_path / "b" / "output.log").exists(), "a cancelled waiting job never ran"
    tickets = [path.read_text().strip() for path in (queue / "tickets").iterdir()]
    assert tickets == [str(tmp_path / "c")]
    wait_for(lambda: status(tmp_path / "c").get("ahead") == 0, what="c to move up")
    followed_b = job_py("follow", "--job-dir", str(tmp_path / "b"), cwd=tmp_path)
    assert followed_b.returncode != 0
    assert events(followed_b.stdout)[-1]["state"] == "cancelled"
    gate.touch()
    assert job_py("follow", "--job-dir", str(tmp_path / "c"), cwd=tmp_path).returncode == 0
    assert list((queue / "tickets").iterdir()) == []


def gpu_count() -> int:
    try:
        listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True)
    except FileNotFoundError:
        return 0
    return sum(line.startswith("GPU ") for line in listing.stdout.splitlines())


def test_crashed_job_never_blocks_the_queue(tmp_path: Path, jobs) -> None:
    """--slots 0 means one slot per GPU (1 without GPU); a SIGKILLed job frees its slot."""
    queue = tmp_path / "queue"
    options = ("--queue-dir", str(queue), "--slots", "0")
    blockers = [f"blocker{i}" for i in range(max(gpu_count(), 1))]
    for name in blockers:
        assert jobs(name, [sys.executable, "-c", "import time; time.sleep(300)"],
                    *options).returncode == 0
        wait_for(lambda: status(tmp_path / name)["state"] == "running", what=name)
    assert jobs("next", gated(1), *options).returncode == 0
    time.sleep(1)
    assert status(tmp_path / "next")["state"] == "waiting"
    for name in blockers:  # the OOM killer, say: runner and command die without a word
        recorded = json.loads((tmp_path / name / "state.json").read_text())
        os.kill(recorded["runner_pid"], signal.SIGKILL)
        os.killpg(recorded["pgid"], signal.SIGKILL)
    followed = job_py("follow", "--job-dir", str(tmp_path / "next"), cwd=tmp_path)
    assert followed.returncode == 0
    crashed = status(tmp_path / blockers[0])
    assert crashed["state"] == "failed" and "without recording" in crashed["reason"]


def test_administrator_settings_override_the_students_queue(tmp_path: Path) -> None:
    """AI_NANO_QUEUE_DIR / AI_NANO_QUEUE_SLOTS in the server's environment win over the
    --queue-dir / --slots a student's config asks for."""
    admin_queue, gate = tmp_path / "admin_queue", tmp_path / "gate"
    env = dict(os.environ, AI_NANO_QUEUE_DIR=str(admin_queue), AI_NANO_QUEUE_SLOTS="1")
    for name, command in (("first", gated(1, 0, gate)), ("second", gated(1))):
        started = job_py("start", "--job-dir", str(tmp_path / name), "--queue-dir",
                         str(tmp_path / "student_queue"), "--slots", "4", "--", *command,
                         cwd=tmp_path, env=env)
        assert started.returncode == 0, started.stdout
    try:
        wait_for(lambda: status(tmp_path / "first")["state"] == "running", what="first")
        assert status(tmp_path / "second")["state"] == "waiting"
        assert status(tmp_path / "second")["queue_dir"] == str(admin_queue)
        assert not (tmp_path / "student_queue").exists()
    finally:
        gate.touch()
        for name in ("first", "second"):
            job_py("follow", "--job-dir", str(tmp_path / name), cwd=tmp_path)


def test_bad_requests_get_one_clear_line(tmp_path: Path) -> None:
    no_command = job_py("start", "--job-dir", str(tmp_path / "j"), cwd=tmp_path)
    assert no_command.returncode == 1
    assert no_command.stdout.splitlines()[-1] == \
        "error: no command given: job.py start --job-dir DIR -- CMD..."
    nothing = job_py("follow", "--job-dir", str(tmp_path / "missing"), cwd=tmp_path)
    assert nothing.returncode == 1 and "no job in" in nothing.stdout
    assert "Traceback" not in no_command.stderr + nothing.stderr


# ---------------------------------------------------------------- through the test sshd

@pytest.fixture
def dl_connection(sshd_server, make_machine, known_hosts, remote_workdir):
    """An SSH connection to the test DL server as the test user, job.py deployed there."""
    from core.machines import open_connection

    machine = make_machine(sshd_server)
    connection = open_connection(machine, known_hosts=known_hosts)
    workdir = connection.workdir()
    connection.makedirs(workdir)
    for script in sorted(JOB_PY.parent.glob("*.py")):  # job.py needs its siblings
        connection.put_file(script, f"{workdir}/{script.name}")
    yield connection, machine.python, workdir
    for name in connection.listdir(f"{workdir}/models"):
        connection.run([machine.python, "job.py", "stop", "--job-dir", f"models/{name}/job"],
                       cwd=workdir)
    connection.close()


def remote_events(lines: list[str]) -> list[dict]:
    return events("\n".join(lines))


def test_queue_over_ssh_limits_orders_and_cancels(dl_connection, test_user) -> None:
    """Trainings started at once by several "students" over real SSH: at most 2 run, all
    finish in arrival order, and a cancelled waiting one leaves no process or lock."""
    from tests.sshd import user_processes

    connection, python, workdir = dl_connection
    queue = ("--queue-dir", "queue", "--slots", "2")
    token = f"ai_nano_queue_{time.time_ns()}"
    names = [f"m{i}" for i in range(5)]
    for index, name in enumerate(names):
        seconds = 1.5
        if index == 3:  # the one we cancel while it waits: it would sleep long
            seconds = 300
        began = time.monotonic()
        out = connection.output([python, "job.py", "start", "--job-dir", f"models/{name}/job",
                                 *queue, "--", python, "-c", timed_job(seconds)[2], token],
                                cwd=workdir, timeout=30)
        assert time.monotonic() - began < 10, "start over SSH must return at once"
        assert events(out)[-1]["state"] in ("waiting", "running")
    stopped = connection.output([python, "job.py", "stop", "--job-dir", "models/m3/job"],
                                cwd=workdir)
    assert events(stopped)[-1]["state"] == "cancelled"
    finals = {}
    for name in names:
        lines: list[str] = []
        code = connection.run([python, "job.py", "follow", "--job-dir", f"models/{name}/job"],
                              cwd=workdir, on_line=lines.append, timeout=120)
        finals[name] = (code, remote_events(lines)[-1]["state"])
    assert finals["m3"][1] == "cancelled" and finals["m3"][0] != 0
    ran = [name for name in names if name != "m3"]
    assert all(finals[name] == (0, "finished") for name in ran), finals
    spans = [start_end(Path(workdir) / "models" / name / "job") for name in ran]
    assert max_overlap(spans) == 2, spans
    admitted = [json.loads((Path(workdir) / "models" / name / "job" / "state.json")
                           .read_text())["admitted"] for name in ran]
    assert admitted == sorted(admitted), "arrival order kept"
    assert user_processes(test_user, token) == []
    assert not (Path(workdir) / "models" / "m3" / "job" / "output.log").exists()
    assert list((Path(workdir) / "queue" / "tickets").iterdir()) == []
    assert all(lock_is_free(Path(workdir) / "models" / name / "job" / "job.lock")
               for name in names)


def test_training_survives_a_dropped_link_and_reattaches(fresh_sshd, make_machine,
                                                         known_hosts, test_user) -> None:
    """The laptop's Wi-Fi drops mid-training: the job goes on, the server-side follower
    goes away, and a new connection shows the rest with --from-line, no line twice."""
    from core.machines import open_connection

    fresh_sshd.trust(known_hosts)
    machine = make_machine(fresh_sshd)
    connection = open_connection(machine, known_hosts=known_hosts)
    workdir = connection.workdir()
    connection.makedirs(workdir)
    for script in sorted(JOB_PY.parent.glob("*.py")):  # job.py needs its siblings
        connection.put_file(script, f"{workdir}/{script.name}")
    gate = Path(workdir) / "gate"
    job_dir = f"{workdir}/models/m/job"
    connection.output([machine.python, "job.py", "start", "--job-dir", job_dir, "--",
                       *gated(10, 10, gate)], cwd=workdir)
    try:
        follow_drop_and_reattach(connection, machine, known_hosts, fresh_sshd, test_user,
                                 job_dir, gate)
    finally:  # whatever failed, leave no job behind (root may stop the user's job)
        job_py("stop", "--job-dir", job_dir, cwd=Path(workdir))
        connection.close()


def follow_drop_and_reattach(connection, machine, known_hosts: Path, server, test_user,
                             job_dir: str, gate: Path) -> None:
    from core.machines import ConnectionLost, MachineError, open_connection
    from tests.sshd import user_processes

    workdir = connection.workdir()
    received: list[str] = []
    ended: list[object] = []

    def follow() -> None:
        try:
            ended.append(connection.run([machine.python, "job.py", "follow", "--job-dir",
                                         job_dir], cwd=workdir, on_line=received.append))
        except MachineError as error:
            ended.append(error)

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    wait_for(lambda: "line 9" in received, what="the first lines over SSH")
    assert user_processes(test_user, f"follow --job-dir {job_dir}"), "follower not found"
    assert server.drop_connections() >= 1
    follower.join(timeout=30)
    assert ended and isinstance(ended[0], (ConnectionLost, MachineError)), ended
    # The server-side follower notices its session is gone and ends.
    wait_for(lambda: not user_processes(test_user, f"follow --job-dir {job_dir}"),
             what="the orphaned follower to exit")
    gate.touch()
    shown = [line for line in received if not line.startswith(MARKER)]
    with open_connection(machine, known_hosts=known_hosts) as again:
        rest: list[str] = []
        code = again.run([machine.python, "job.py", "follow", "--job-dir", job_dir,
                          "--from-line", str(len(shown))], cwd=workdir, on_line=rest.append,
                         timeout=60)
    assert code == 0
    combined = shown + [line for line in rest if not line.startswith(MARKER)]
    assert combined == [f"line {i}" for i in range(20)] + ["to stderr"]


def test_one_queue_shared_by_two_accounts(dl_connection, tmp_path: Path, jobs) -> None:
    """Students with their own Unix accounts share the server's queue folder (made by the
    admin, mode 1777 like /tmp): root's jobs and the test user's wait in one line."""
    connection, python, workdir = dl_connection
    shared = Path(tempfile.mkdtemp(prefix="ai_nano_queue_"))
    try:
        shared.chmod(0o1777)
        queue = ("--queue-dir", str(shared), "--slots", "1")
        gate = tmp_path / "gate"
        assert jobs("root_first", [
            sys.executable, "-c", "import os, time; print('start', time.time(), flush=True)\n"
            f"while not os.path.exists({str(gate)!r}): time.sleep(0.05)\n"
            "print('end', time.time())"], *queue).returncode == 0
        wait_for(lambda: status(tmp_path / "root_first")["state"] == "running", what="root")
        student = connection.output([python, "job.py", "start", "--job-dir", "models/s/job",
                                     *queue, "--", *timed_job(0.3)], cwd=workdir)
        assert events(student)[-1] == {"event": "job", "state": "waiting", "ahead": 0,
                                       "job_id": events(student)[-1]["job_id"]}
        assert jobs("root_last", timed_job(0.3), *queue).returncode == 0
        assert status(tmp_path / "root_last")["ahead"] == 1
        gate.touch()
        lines: list[str] = []
        assert connection.run([python, "job.py", "follow", "--job-dir", "models/s/job"],
                              cwd=workdir, on_line=lines.append, timeout=60) == 0
        assert job_py("follow", "--job-dir", str(tmp_path / "root_last"),
                      cwd=tmp_path).returncode == 0
        order = [start_end(tmp_path / "root_first"), start_end(Path(workdir) / "models/s/job"),
                 start_end(tmp_path / "root_last")]
        assert max_overlap(order) == 1 and [s for s, _ in order] == sorted(s for s, _ in order)
    finally:
        shutil.rmtree(shared, ignore_errors=True)
