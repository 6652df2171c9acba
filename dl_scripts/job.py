#!/usr/bin/env python3
"""Detached jobs on the DL server: trainings that outlive the SSH link, queued per server.

A student's laptop may sleep or lose Wi-Fi during a 20-minute training, and thirty students
may press "train" in the same minute on one GPU. So the app never runs a training as the
child of its SSH session: it asks this script to start it detached, then follows its log.

    python3 job.py start --job-dir DIR [--queue-dir Q --slots N]
                         [--scheduler slurm --partition P --gpus N --time T --account A] -- CMD...
    python3 job.py follow --job-dir DIR [--from-line N]
    python3 job.py stop --job-dir DIR
    python3 job.py status --job-dir DIR

Files in DIR: job.lock (held, with flock, by every process of a waiting or running job),
state.json (written atomically), output.log (the command's stdout+stderr), exit_code.
The queue needs no daemon: a waiting job holds a locked ticket in Q/tickets, named by
arrival number; only the oldest live ticket may take a slot, i.e. flock one of
Q/slot-<i>.lock. A lock dies with its process, so a crashed job never blocks the queue.
Under Slurm the command goes to `sbatch` instead and Slurm does the queueing.

Only the standard library is used: this folder is copied to the server and run with
whatever Python is there.
"""
from __future__ import annotations

import argparse
import errno
import fcntl
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid
from typing import Any, Dict, List, Optional

log = logging.getLogger(__name__)

MARKER = "@ai_nano "
LOCAL_POLL_S = 0.2
SLURM_POLL_S = 2.0
SLURM_OUTAGE_S = 120.0      # follow gives up when Slurm does not answer for this long
TERM_GRACE_S = 5.0          # SIGTERM -> SIGKILL delay when a running job is stopped
EXIT_ALREADY_RUNNING = 3    # `start` refused: DIR already holds a waiting/running job
ACTIVE = ("waiting", "pending", "running")
TERMINAL = ("finished", "cancelled", "failed")
SLURM_RUNNING = ("CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING")
SLURM_PENDING = ("PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING")


class JobError(Exception):
    """A problem told to the user in one line (`error: ...`)."""


# ---------------------------------------------------------------- small file helpers

def say(text: str) -> None:
    print(text, flush=True)


def marker(**fields: Any) -> str:
    return MARKER + json.dumps(dict({"event": "job"}, **fields), separators=(",", ":"))


def atomic_write(path: str, text: str) -> None:
    """Write a temporary file beside `path`, then rename: readers never see half a file."""
    tmp = "%s.%d.part" % (path, os.getpid())
    with open(tmp, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def open_shared(path: str) -> int:
    """Open (creating) a file that every account using a shared queue must reach.

    Made rw for all when we create it (umask aside); opened read-only when it belongs to
    another account: flock needs no write access.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        os.fchmod(fd, 0o666)
        return fd
    except FileExistsError:
        pass
    try:
        return os.open(path, os.O_RDWR)
    except PermissionError:
        return os.open(path, os.O_RDONLY)


def try_lock(path: str, shared: bool = False) -> Optional[int]:
    """Open and flock `path` without waiting; the fd on success, None when someone holds it."""
    fd = open_shared(path)
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError as error:
        os.close(fd)
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return None
        raise
    return fd


def is_locked(path: str) -> bool:
    """True while some live process holds the flock on `path` (never creates it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return True
        raise
    finally:
        os.close(fd)
    return False


def lock_job_dir(job: "JobDir") -> int:
    """Take the job's lock; a follower's brief test-lock is waited out, a live job is not."""
    for _ in range(10):
        fd = try_lock(job.lock)
        if fd is not None:
            return fd
        time.sleep(0.05)
    state = current_state(job)
    raise AlreadyActive("a job is already %s in %s (stop it first, or follow it)"
                        % (state.get("state", "running"), job.path))


def proc_start_time(pid: int) -> Optional[str]:
    """The kernel's start time of `pid` (guards against signalling a recycled pid)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def count_gpus() -> int:
    """GPUs listed by `nvidia-smi -L`; 0 when there is no NVIDIA driver."""
    try:
        listing = subprocess.run(["nvidia-smi", "-L"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, universal_newlines=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in listing.stdout.splitlines() if line.startswith("GPU "))


class JobDir:
    """Paths of one job's folder."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(os.path.expanduser(path))
        self.lock = os.path.join(self.path, "job.lock")
        self.state = os.path.join(self.path, "state.json")
        self.log = os.path.join(self.path, "output.log")
        self.exit_code = os.path.join(self.path, "exit_code")
        self.runner_log = os.path.join(self.path, "runner.log")
        self.batch_script = os.path.join(self.path, "job.sbatch")

    def read_state(self) -> Optional[Dict[str, Any]]:
        return read_json(self.state)

    def write_state(self, state: Dict[str, Any]) -> None:
        atomic_write(self.state, json.dumps(state, indent=1) + "\n")

    def read_exit_code(self) -> Optional[int]:
        try:
            with open(self.exit_code) as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None

    def write_exit_code(self, code: int) -> None:
        atomic_write(self.exit_code, "%d\n" % code)

    def job_name(self) -> str:
        """models/NAME/job -> NAME: what students and admins see in the queue."""
        base = os.path.basename(self.path)
        if base == "job":
            base = os.path.basename(os.path.dirname(self.path))
        return re.sub(r"[^A-Za-z0-9_.-]", "_", base)[:60] or "job"


# ---------------------------------------------------------------- the local queue

class Queue:
    """FIFO of waiting jobs and N slots, in one folder, with flock only."""

    def __init__(self, path: str, slots: int) -> None:
        self.path = os.path.abspath(os.path.expanduser(path))
        self.tickets = os.path.join(self.path, "tickets")
        self.slots = slots

    def prepare(self) -> None:
        """Create the folders; tickets/ writable by all, for a queue shared by accounts."""
        os.makedirs(self.path, exist_ok=True)
        try:
            os.mkdir(self.tickets)
            os.chmod(self.tickets, 0o777)
        except FileExistsError:
            pass
        if not os.access(self.tickets, os.W_OK | os.X_OK):
            raise JobError("cannot write in the queue folder %s (ask the administrator to "
                           "make it writable for every account)" % self.tickets)

    def take_ticket(self, job_dir: str) -> tuple:
        """Number this arrival and hold a locked ticket; returns (ticket path, fd)."""
        self.prepare()
        with os.fdopen(open_shared(os.path.join(self.path, "sequence")), "r+") as counter:
            fcntl.flock(counter, fcntl.LOCK_EX)
            counter.seek(0)
            text = counter.read().strip()
            number = int(text) + 1 if text.isdigit() else 1
            counter.seek(0)
            counter.truncate()
            counter.write("%d\n" % number)
            counter.flush()
        final = os.path.join(self.tickets, "%012d.ticket" % number)
        # Locked under a temporary name first: nobody may see it unlocked and call it stale.
        tmp = os.path.join(self.tickets, ".%d.%d.tmp" % (number, os.getpid()))
        fd = try_lock(tmp)
        if fd is None:
            raise JobError("cannot lock a queue ticket in %s" % self.tickets)
        os.write(fd, (job_dir + "\n").encode())
        os.rename(tmp, final)
        return final, fd

    def ahead_of(self, ticket: str) -> int:
        """Live tickets older than ours; tickets of crashed jobs are removed on the way."""
        ahead = 0
        for name in sorted(os.listdir(self.tickets)):
            path = os.path.join(self.tickets, name)
            if not name.endswith(".ticket") or path >= ticket:
                continue
            if is_locked(path):
                ahead += 1
            else:
                try:
                    os.unlink(path)  # its job died while waiting
                except OSError:
                    pass
        return ahead

    def try_slot(self, job_dir: str) -> Optional[tuple]:
        """Lock a free slot file; returns (index, fd) or None when all are busy."""
        for index in range(self.slots):
            path = os.path.join(self.path, "slot-%d.lock" % index)
            fd = try_lock(path)
            if fd is not None:
                try:
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, (job_dir + "\n").encode(), 0)  # who holds it, for admins
                except OSError:
                    pass  # another account's file, opened read-only: the lock is what counts
                return index, fd
        return None


def resolve_slots(requested: int) -> tuple:
    """(slots, gpus): 0 asks for one slot per GPU, 1 when no GPU is found."""
    gpus = count_gpus()
    if requested > 0:
        return requested, gpus
    return max(gpus, 1), gpus


# ---------------------------------------------------------------- start (local)

def check_not_active(job: JobDir) -> None:
    """Refuse a second Slurm job in a folder (called with the job lock held by us)."""
    state = job.read_state()
    if state and state.get("scheduler") == "slurm":
        state = slurm_state(job, state)
    if state and state.get("scheduler") == "slurm" and state.get("state") in ACTIVE:
        raise AlreadyActive("a job is already %s in %s (stop it first, or follow it)"
                            % (state["state"], job.path))


class AlreadyActive(JobError):
    """`start` on a folder whose job is still waiting or running."""


def retire_previous_run(job: JobDir) -> None:
    """Keep the previous run's log as output.previous.log; a new run starts a fresh log."""
    if os.path.exists(job.log):
        os.replace(job.log, os.path.join(job.path, "output.previous.log"))
    for path in (job.exit_code, job.state):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def start_local(job: JobDir, command: List[str], queue_dir: str, slots: int) -> Dict[str, Any]:
    os.makedirs(job.path, exist_ok=True)
    lock_fd = lock_job_dir(job)
    retire_previous_run(job)
    queue = ticket = ticket_fd = None
    gpus = 0
    # The administrator's word wins over each student's config (see doc: cluster.md).
    queue_dir = os.environ.get("AI_NANO_QUEUE_DIR") or queue_dir
    if queue_dir and os.environ.get("AI_NANO_QUEUE_SLOTS", "").isdigit():
        slots = int(os.environ["AI_NANO_QUEUE_SLOTS"])
    if queue_dir:
        slots, gpus = resolve_slots(slots)
        queue = Queue(queue_dir, slots)
        ticket, ticket_fd = queue.take_ticket(job.path)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    child = os.fork()
    if child > 0:                          # the caller: wait for the runner to be ready
        os.close(write_end)
        os.close(lock_fd)                  # (the runner keeps the lock: same open file)
        if ticket_fd is not None:
            os.close(ticket_fd)
        os.waitpid(child, 0)               # the intermediate child exits at once
        with os.fdopen(read_end) as ready:
            answer = ready.read()
        state = job.read_state()
        if not answer.startswith("ready") or state is None:
            raise JobError("the job runner did not start (see %s)" % job.runner_log)
        return state
    os.close(read_end)
    os.setsid()                            # no controlling terminal: SIGHUP never reaches us
    if os.fork() > 0:
        os._exit(0)
    try:
        runner = Runner(job, command, queue, ticket, ticket_fd, lock_fd, gpus)
        runner.detach()
        runner.announce(write_end)
        code = runner.run()
    except BaseException as error:  # the runner's boundary: log it, never raise into fork
        try:
            with open(job.runner_log, "a") as handle:
                handle.write("runner failed: %r\n" % (error,))
        finally:
            os._exit(1)
    os._exit(code)


class Runner:
    """The detached process of one local job: waits for a slot, runs, records the result."""

    def __init__(self, job: JobDir, command: List[str], queue: Optional[Queue],
                 ticket: Optional[str], ticket_fd: Optional[int], lock_fd: int, gpus: int):
        self.job, self.command, self.queue = job, command, queue
        self.ticket, self.ticket_fd, self.lock_fd, self.gpus = ticket, ticket_fd, lock_fd, gpus
        self.cancel_requested = False
        self.state: Dict[str, Any] = {
            "job_id": uuid.uuid4().hex, "scheduler": "", "command": command,
            "cwd": os.getcwd(), "runner_pid": os.getpid(),
            "runner_start": proc_start_time(os.getpid()), "created": time.time(),
            "queue_dir": queue.path if queue else "", "slots": queue.slots if queue else 0,
            "ticket": int(os.path.basename(ticket).split(".")[0]) if ticket else None,
        }

    def detach(self) -> None:
        """stdin from /dev/null, our own messages to runner.log: the SSH pipes are let go."""
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        runner_log = os.open(self.job.runner_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(runner_log, 1)
        os.dup2(runner_log, 2)
        os.close(null)
        os.close(runner_log)
        logging.basicConfig(level=logging.INFO, force=True, stream=sys.stderr,
                            format="%(asctime)s runner %(process)d: %(message)s")
        signal.signal(signal.SIGTERM, self._on_sigterm)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _on_sigterm(self, signum: int, frame: Any) -> None:
        self.cancel_requested = True  # acted on by the waiting / running loops

    def announce(self, ready_fd: int) -> None:
        if self.queue:
            self.update(state="waiting", ahead=self.queue.ahead_of(self.ticket))
        else:
            self.update(state="running", ahead=0)
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)

    def update(self, **fields: Any) -> None:
        self.state.update(fields)
        self.job.write_state(self.state)

    def run(self) -> int:
        slot = self.wait_for_slot() if self.queue else None
        if slot is None and self.queue:
            self.update(state="cancelled", ahead=0, reason="cancelled while waiting",
                        ended=time.time())
            return 1
        env = dict(os.environ, PYTHONUNBUFFERED="1", AI_NANO_JOB_DIR=self.job.path)
        pass_fds = [self.lock_fd]
        if slot is not None:
            pass_fds.append(slot[1])
            env["AI_NANO_JOB_SLOT"] = str(slot[0])
            if self.gpus and self.queue.slots == self.gpus and "CUDA_VISIBLE_DEVICES" not in env:
                env["CUDA_VISIBLE_DEVICES"] = str(slot[0])  # one job per GPU
        log_fd = os.open(self.job.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            # Its own session and process group, so `stop` can end the whole tree; it also
            # holds the job and slot locks, which therefore outlive a killed runner.
            process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=log_fd,
                                       stderr=log_fd, env=env, start_new_session=True,
                                       pass_fds=pass_fds)
        except OSError as error:
            os.write(log_fd, ("error: cannot start %s: %s\n"
                              % (self.command[0], error.strerror or error)).encode())
            self.job.write_exit_code(127)
            self.update(state="failed", exit_code=127, ended=time.time(),
                        reason="cannot start %s: %s" % (self.command[0], error.strerror))
            return 127
        finally:
            os.close(log_fd)
        log.info("started %s as process group %d", self.command[0], process.pid)
        self.update(state="running", ahead=0, pgid=process.pid, started=time.time(),
                    slot=slot[0] if slot else None)
        code = self.wait_for(process)
        log.info("command ended: %s%s", describe_exit(code),
                 " (stop requested)" if self.cancel_requested else "")
        end_group(process.pid)  # leftovers of the command would hold the locks
        self.job.write_exit_code(code)
        if self.cancel_requested:
            self.update(state="cancelled", exit_code=code, reason="stopped", ended=time.time())
        elif code == 0:
            self.update(state="finished", exit_code=0, ended=time.time())
        else:
            self.update(state="failed", exit_code=code, ended=time.time(),
                        reason=describe_exit(code))
        return 0

    def wait_for_slot(self) -> Optional[tuple]:
        """Poll as the queue's head until a slot frees; None when cancelled meanwhile."""
        while not self.cancel_requested:
            ahead = self.queue.ahead_of(self.ticket)
            if ahead != self.state.get("ahead"):
                self.update(ahead=ahead)
            if ahead == 0:
                slot = self.queue.try_slot(self.job.path)
                if slot is not None:
                    self.state["admitted"] = time.time()  # before the next in line can be
                    self.leave_queue()
                    log.info("slot %d of %s taken", slot[0], self.queue.path)
                    return slot
            time.sleep(LOCAL_POLL_S)
        self.leave_queue()
        return None

    def leave_queue(self) -> None:
        try:
            os.unlink(self.ticket)
        except OSError:
            pass
        os.close(self.ticket_fd)

    def wait_for(self, process: subprocess.Popen) -> int:
        """Wait for the command; on a stop request: SIGTERM its group, SIGKILL after a grace."""
        kill_at = None
        while True:
            try:
                code = process.wait(timeout=LOCAL_POLL_S)
                return code if code >= 0 else 128 - code
            except subprocess.TimeoutExpired:
                pass
            if self.cancel_requested and kill_at is None:
                signal_group(process.pid, signal.SIGTERM)
                kill_at = time.monotonic() + TERM_GRACE_S
            elif kill_at is not None and time.monotonic() > kill_at:
                signal_group(process.pid, signal.SIGKILL)


def signal_group(pgid: int, signum: int) -> bool:
    try:
        os.killpg(pgid, signum)
        return True
    except ProcessLookupError:
        return False


def end_group(pgid: int, grace: float = 2.0) -> None:
    """SIGTERM what is left of a process group, then SIGKILL it after `grace` seconds."""
    if not signal_group(pgid, signal.SIGTERM):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not signal_group(pgid, 0):
            return
        time.sleep(0.05)
    signal_group(pgid, signal.SIGKILL)


def describe_exit(code: int) -> str:
    if code > 128 and code - 128 < signal.NSIG:
        try:
            return "killed by %s" % signal.Signals(code - 128).name
        except ValueError:
            pass
    return "exit status %d" % code


def current_state(job: JobDir) -> Dict[str, Any]:
    """The job's state as it really is: a dead runner or a Slurm verdict overrides the file."""
    state = job.read_state()
    if state is None:
        if is_locked(job.lock):
            return {"state": "waiting", "ahead": 0}  # `start` is still setting up
        return {"state": "none"}
    if state.get("scheduler") == "slurm":
        return slurm_state(job, state)
    if state.get("state") in ACTIVE and not is_locked(job.lock):
        state = job.read_state() or state  # it may have just finished
        if state.get("state") in ACTIVE:
            code = job.read_exit_code()
            state.update(state="failed", exit_code=code,
                         reason="the job's processes ended without recording a result")
    return state


# ---------------------------------------------------------------- Slurm

def slurm_command(argv: List[str], timeout: float = 30.0) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
    except FileNotFoundError:
        raise JobError("%s not found: is Slurm installed on this computer?" % argv[0]) from None
    except subprocess.TimeoutExpired:
        raise JobError("%s did not answer within %.0f s" % (argv[0], timeout)) from None


def start_slurm(job: JobDir, command: List[str], options: argparse.Namespace) -> Dict[str, Any]:
    os.makedirs(job.path, exist_ok=True)
    lock_fd = lock_job_dir(job)  # only one `start` at a time in this folder
    try:
        check_not_active(job)
        retire_previous_run(job)
        cwd = os.getcwd()
        script = "\n".join([
            "#!/bin/sh",
            "# Written by ai_nano's job.py: the student's command, then its exit status.",
            "export PYTHONUNBUFFERED=1 AI_NANO_JOB_DIR=%s" % shlex.quote(job.path),
            " ".join(shlex.quote(part) for part in command),
            "code=$?",
            "printf '%%s\\n' \"$code\" > %s.part && mv -f %s.part %s"
            % ((shlex.quote(job.exit_code),) * 3),
            "exit $code", ""])
        atomic_write(job.batch_script, script)
        argv = ["sbatch", "--parsable", "--job-name=ai_nano-" + job.job_name(),
                "--output=" + job.log, "--open-mode=append", "--chdir=" + cwd]
        for flag in ("partition", "gpus", "time", "account"):
            value = getattr(options, flag)
            if value:
                argv.append("--%s=%s" % (flag, value))
        result = slurm_command(argv + [job.batch_script])
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines() or ["no message"]
            raise JobError("sbatch refused the job: %s" % lines[-1])
        slurm_id = result.stdout.strip().split(";")[0]
        state = {"job_id": uuid.uuid4().hex, "scheduler": "slurm", "slurm_job_id": slurm_id,
                 "command": command, "cwd": cwd, "created": time.time(), "state": "pending",
                 "partition": options.partition or ""}
        job.write_state(state)
        return state
    finally:
        os.close(lock_fd)


def scontrol_job(slurm_id: str) -> Optional[Dict[str, str]]:
    """`scontrol show job -o ID` as a dict; None when Slurm no longer knows the job."""
    result = slurm_command(["scontrol", "show", "job", "-o", slurm_id])
    if result.returncode != 0 or "JobState=" not in result.stdout:
        if "Invalid job id" in result.stderr:
            return None
        raise JobError("scontrol show job %s failed: %s"
                       % (slurm_id, (result.stderr or result.stdout).strip()))
    fields = {}
    for key in ("JobState", "Reason", "ExitCode", "Partition", "JobName"):
        found = re.search(r"(?:^|\s)%s=(\S*)" % key, result.stdout)
        fields[key] = found.group(1) if found else ""
    return fields


def pending_place(slurm_id: str, partition: str) -> int:
    """How many pending jobs of the partition Slurm will consider before ours."""
    argv = ["squeue", "-h", "-t", "PENDING", "-o", "%i", "--sort=-p,i"]
    if partition:
        argv += ["-p", partition]
    ids = slurm_command(argv).stdout.split()
    return ids.index(slurm_id) if slurm_id in ids else 0


def slurm_state(job: JobDir, state: Dict[str, Any]) -> Dict[str, Any]:
    """Merge Slurm's view of the job into our state record."""
    if state.get("state") in TERMINAL:
        return state
    state = dict(state)
    info = scontrol_job(state["slurm_job_id"])
    code = job.read_exit_code()
    if info is None:  # purged from slurmctld's memory (MinJobAge): the files tell the end
        if code is None:
            state.update(state="failed", reason="Slurm no longer knows job %s and it left "
                         "no exit status" % state["slurm_job_id"])
        else:
            state.update(state="finished" if code == 0 else "failed", exit_code=code)
            if code:
                state["reason"] = describe_exit(code)
        return state
    slurm, reason = info["JobState"], info["Reason"]
    state["slurm_state"] = slurm
    if slurm in SLURM_PENDING:
        state.update(state="pending", reason="" if reason == "None" else reason,
                     ahead=pending_place(state["slurm_job_id"], info["Partition"]))
    elif slurm in SLURM_RUNNING:
        state.update(state="running", ahead=0, reason="" if reason == "None" else reason)
    else:
        if code is None:
            status, _, sig = info["ExitCode"].partition(":")
            code = int(status) if status.isdigit() and int(status) else (
                128 + int(sig) if sig.isdigit() and int(sig) else (0 if slurm == "COMPLETED"
                                                                   else 1))
        if slurm == "COMPLETED" and code == 0:
            state.update(state="finished", exit_code=0)
        elif slurm == "CANCELLED":
            state.update(state="cancelled", exit_code=code, reason="cancelled in Slurm")
        else:
            why = reason if reason not in ("", "None") else describe_exit(code)
            state.update(state="failed", exit_code=code, reason="%s (%s), exit code %d"
                         % (slurm, why, code))
    return state


# ---------------------------------------------------------------- follow / stop / status

def state_report(state: Dict[str, Any]) -> Dict[str, Any]:
    """The fields of a `job` event: state, then ahead (while queued), reason, exit code."""
    report = {"state": state.get("state")}
    if state.get("state") in ("waiting", "pending"):
        report["ahead"] = state.get("ahead") or 0
    for key in ("reason", "exit_code"):
        if state.get(key) not in (None, ""):
            report[key] = state[key]
    return report


def follow(job: JobDir, from_line: int) -> int:
    """Print the log from `from_line` as it grows and a marker at each state change."""
    state = current_state(job)
    if state.get("state") == "none":
        raise JobError("no job in %s" % job.path)
    poll = SLURM_POLL_S if state.get("scheduler") == "slurm" else LOCAL_POLL_S
    parent = os.getppid()
    printed = 0          # log lines seen so far (printed or skipped)
    offset = 0
    partial = b""
    last_report = None
    first = True
    failing_since = None
    while True:
        if not first:
            try:
                state = current_state(job)
                failing_since = None
            except JobError:  # slurmctld restarting, say: the job itself is fine
                failing_since = failing_since or time.monotonic()
                if time.monotonic() - failing_since > SLURM_OUTAGE_S:
                    raise
        first = False
        # Drain after reading the state: a terminal state means the log is complete.
        try:
            with open(job.log, "rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
        except FileNotFoundError:
            chunk = b""
        offset += len(chunk)
        lines = (partial + chunk).split(b"\n")
        partial = lines.pop()
        terminal = state.get("state") in TERMINAL
        if terminal and partial:
            lines.append(partial)
            partial = b""
        report = state_report(state)
        if report != last_report and not terminal:  # the state at the time of these lines
            say(marker(line=max(printed, from_line), **report))
            last_report = report
        for line in lines:
            if printed >= from_line:
                sys.stdout.write(line.decode("utf-8", "replace") + "\n")
            printed += 1
        sys.stdout.flush()
        if terminal:
            say(marker(line=max(printed, from_line), **report))
            if state["state"] != "finished":
                say("error: job %s: %s" % (state["state"], state.get("reason") or
                                           describe_exit(state.get("exit_code") or 1)))
            code = state.get("exit_code")
            return code if code else (0 if state["state"] == "finished" else 1)
        if os.getppid() != parent:
            return 0  # our SSH session is gone: nobody reads us any more
        time.sleep(poll)


def stop(job: JobDir) -> Dict[str, Any]:
    """Cancel a waiting job or end a running one; returns the final state."""
    state = current_state(job)
    if state.get("state") not in ACTIVE:
        return state
    if state.get("scheduler") == "slurm":
        result = slurm_command(["scancel", state["slurm_job_id"]])
        if result.returncode != 0:
            raise JobError("scancel failed: %s" % result.stderr.strip())
        recorded = job.read_state() or state
        recorded.update(state="cancelled", reason="stopped")
        job.write_state(recorded)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until Slurm has really ended it
            info = scontrol_job(state["slurm_job_id"])
            if info is None or info["JobState"] not in SLURM_RUNNING + SLURM_PENDING:
                break
            time.sleep(0.5)
        return recorded
    pid, pgid = state.get("runner_pid"), state.get("pgid")
    runner_alive = bool(pid) and proc_start_time(pid) == state.get("runner_start")
    if runner_alive:
        os.kill(pid, signal.SIGTERM)  # the runner stops its command and records the end
    deadline = time.monotonic() + TERM_GRACE_S + 5
    while is_locked(job.lock) and time.monotonic() < deadline:
        if not runner_alive and pgid:
            end_group(pgid, TERM_GRACE_S)
        time.sleep(0.05)
    if is_locked(job.lock):  # the runner hung: finish the work ourselves
        if runner_alive:
            os.kill(pid, signal.SIGKILL)
        if pgid:
            signal_group(pgid, signal.SIGKILL)
        time.sleep(0.2)
    final = job.read_state() or state
    if final.get("state") in ACTIVE:
        final.update(state="cancelled", reason="stopped", ended=time.time())
        job.write_state(final)
    if is_locked(job.lock):
        raise JobError("some processes of the job in %s would not end" % job.path)
    return final


def status_record(job: JobDir) -> Dict[str, Any]:
    state = current_state(job)
    lines = 0
    try:
        with open(job.log, "rb") as handle:
            for lines, _ in enumerate(handle, 1):
                pass
    except FileNotFoundError:
        pass
    keys = ("state", "ahead", "reason", "exit_code", "job_id", "scheduler", "slurm_job_id",
            "ticket", "admitted",
            "pgid", "created", "started", "ended", "queue_dir", "slots", "slurm_state")
    record = dict((key, state[key]) for key in keys if key in state)
    record["lines"] = lines
    record["job_dir"] = job.path
    return record


# ---------------------------------------------------------------- command line

class Parser(argparse.ArgumentParser):
    """Errors as the contract wants: `error: ...` as the last line, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stdout)
        say("error: %s" % message)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", metavar="start|follow|stop|status")
    actions.required = True
    start = actions.add_parser("start", help="start CMD detached (or queue / submit it)")
    follow_cmd = actions.add_parser("follow", help="print the log as it grows, with events")
    stop_cmd = actions.add_parser("stop", help="cancel or kill the job")
    status = actions.add_parser("status", help="one JSON line about the job")
    for sub in (start, follow_cmd, stop_cmd, status):
        sub.add_argument("--job-dir", required=True, help="the job's folder")
    start.add_argument("--queue-dir", default="", help="queue folder shared by this server")
    start.add_argument("--slots", type=int, default=0,
                       help="jobs running at once per queue (0: one per GPU, 1 without GPU)")
    start.add_argument("--scheduler", choices=("", "slurm"), default="")
    start.add_argument("--partition", default="")
    start.add_argument("--gpus", default="")
    start.add_argument("--time", default="")
    start.add_argument("--account", default="")
    start.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    follow_cmd.add_argument("--from-line", type=int, default=0,
                            help="skip the first N lines of output.log (already shown)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    options = build_parser().parse_args(argv)
    job = JobDir(options.job_dir)
    if options.action == "start":
        command = options.command[1:] if options.command[:1] == ["--"] else options.command
        if not command:
            raise JobError("no command given: job.py start --job-dir DIR -- CMD...")
        if options.slots < 0:
            raise JobError("--slots must be 0 (one per GPU) or more, not %d" % options.slots)
        if options.scheduler == "slurm":
            state = start_slurm(job, command, options)
            say("submitted Slurm job %s" % state["slurm_job_id"])
        else:
            state = start_local(job, command, options.queue_dir, options.slots)
        say(marker(**dict(state_report(state), **dict(
            (key, state[key]) for key in ("slurm_job_id", "job_id") if key in state))))
        return 0
    if options.action == "follow":
        return follow(job, max(options.from_line, 0))
    if options.action == "stop":
        state = stop(job)
        say(marker(**state_report(state)))
        return 0
    print(json.dumps(status_record(job), sort_keys=True), flush=True)
    return 0


def run_main() -> int:
    try:
        return main()
    except AlreadyActive as error:
        say("error: %s" % error)
        return EXIT_ALREADY_RUNNING
    except JobError as error:
        say("error: %s" % error)
        return 1
    except BrokenPipeError:
        return 1  # the reader went away (dropped SSH link); the job is unaffected
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        say("error: %s: %s" % (getattr(error, "filename", "") or "job.py",
                               error.strerror or error))
        return 1


if __name__ == "__main__":
    sys.exit(run_main())
