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
The queue needs no daemon: flock tickets and slots (job_queue.py). Under Slurm the command
goes to `sbatch` instead and Slurm does the queueing (job_slurm.py). This file keeps the
command line and the detached runner.

Only the standard library is used: this folder (job.py with its siblings) is copied to the
server and run with whatever Python is there.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any, Dict, List, Optional

# Siblings of this file: found beside it however job.py was started.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
try:
    from job_queue import (ACTIVE, LOCAL_POLL_S, TERMINAL, AlreadyActive, JobDir, JobError,
                           Queue, describe_exit, is_locked, proc_start_time, resolve_slots,
                           retire_previous_run, try_lock)
    from job_slurm import cancel, check_not_active, slurm_state, submit
    from job_outcome import orphan_outcome
except ImportError as missing:  # only job.py was copied: say so in one line
    print("error: %s.py is missing or broken beside %s: copy the whole dl_scripts folder"
          % (missing.name or missing, os.path.abspath(__file__)), flush=True)
    sys.exit(1)

log = logging.getLogger(__name__)

MARKER = "@ai_nano "
SLURM_POLL_S = 2.0
SLURM_OUTAGE_S = 120.0      # follow gives up when Slurm does not answer for this long
TERM_GRACE_S = 5.0          # SIGTERM -> SIGKILL delay when a running job is stopped
EXIT_ALREADY_RUNNING = 3    # `start` refused: DIR already holds a waiting/running job


def say(text: str) -> None:
    print(text, flush=True)


def marker(**fields: Any) -> str:
    return MARKER + json.dumps(dict({"event": "job"}, **fields), separators=(",", ":"))


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


# ---------------------------------------------------------------- start (Slurm)

def start_slurm(job: JobDir, command: List[str], options: argparse.Namespace) -> Dict[str, Any]:
    os.makedirs(job.path, exist_ok=True)
    lock_fd = lock_job_dir(job)  # only one `start` at a time in this folder
    try:
        check_not_active(job)
        retire_previous_run(job)
        return submit(job, command, options)
    finally:
        os.close(lock_fd)


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
        return cancel(job, state)
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
