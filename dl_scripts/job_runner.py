"""The local side of job.py: the job's lock, its true state, and the detached runner.

`job.py start` forks a runner that outlives the SSH link: it waits for a queue slot, runs the
command in its own process group with output to output.log, and records the end in
state.json and exit_code. Split from job.py (the command line, follow, stop, status).
Standard library only, like every job*.py file.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any, Dict, List, Optional

from dl_common import error_line
from job_queue import (ACTIVE, LOCAL_POLL_S, AlreadyActive, JobDir, JobError, Queue, describe_exit, is_locked,
                       proc_start_time, resolve_slots, retire_previous_run, try_lock)
from job_outcome import orphan_outcome
from job_slurm import slurm_state

log = logging.getLogger(__name__)

TERM_GRACE_S = 5.0          # SIGTERM -> SIGKILL delay when a running job is stopped

def lock_job_dir(job: JobDir) -> int:
    """Take the job's lock; a follower's brief test-lock is waited out, a live job is not."""
    for _ in range(10):
        fd = try_lock(job.lock)
        if fd is not None:
            return fd
        time.sleep(0.05)
    state = current_state(job)
    raise AlreadyActive("a job is already %s in %s (stop it first, or follow it)"
                        % (state.get("state", "running"), job.path))


# ---------------------------------------------------------------- start (local)

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
            os.write(log_fd, (error_line("cannot start %s: %s" % (self.command[0], error.strerror or error))
                              + "\n").encode())
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
        if state.get("state") in ACTIVE:  # the runner died (kill -9, OOM): ask the log
            state.update(orphan_outcome(job.log, job.read_exit_code()))
    return state
