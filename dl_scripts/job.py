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
import sys
import time
from typing import Any, Dict, List, Optional

# Siblings of this file: found beside it however job.py was started.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
try:
    from dl_common import ArgumentParser, emit, error_line, run_main, say
    from job_queue import (ACTIVE, LOCAL_POLL_S, TERMINAL, JobDir, JobError, describe_exit, is_locked,
                           proc_start_time, retire_previous_run)
    from job_runner import (TERM_GRACE_S, current_state, end_group, lock_job_dir, signal_group,
                            start_local)
    from job_slurm import cancel, check_not_active, submit
except ImportError as missing:  # only job.py was copied: say so in one line
    print("error: %s.py is missing or broken beside %s: copy the whole dl_scripts folder"
          % (missing.name or missing, os.path.abspath(__file__)), flush=True)
    sys.exit(1)

log = logging.getLogger(__name__)

SLURM_POLL_S = 2.0
SLURM_OUTAGE_S = 120.0      # follow gives up when Slurm does not answer for this long


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
            emit("job", line=max(printed, from_line), **report)
            last_report = report
        for line in lines:
            if printed >= from_line:
                sys.stdout.write(line.decode("utf-8", "replace") + "\n")
            printed += 1
        sys.stdout.flush()
        if terminal:
            emit("job", line=max(printed, from_line), **report)
            if state["state"] != "finished":
                say(error_line("job %s: %s" % (state["state"], state.get("reason") or
                                                describe_exit(state.get("exit_code") or 1))))
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

def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(description=__doc__.split("\n\n")[0])
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
        emit("job", **dict(state_report(state), **dict(
            (key, state[key]) for key in ("slurm_job_id", "job_id") if key in state)))
        return 0
    if options.action == "follow":
        return follow(job, max(options.from_line, 0))
    if options.action == "stop":
        state = stop(job)
        emit("job", **state_report(state))
        return 0
    print(json.dumps(status_record(job), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
