"""job.py under Slurm: submit with sbatch, read the job's state from scontrol/squeue, scancel.

Slurm does the queueing; this module turns its view into job.py's states (pending, running,
finished, failed, cancelled). A sibling of job.py, copied to the server with it; only the
standard library is used.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import shlex
import subprocess
import time
import uuid
from typing import Any, Dict, List, Optional

from job_queue import (ACTIVE, TERMINAL, AlreadyActive, JobDir, JobError, atomic_write,
                       describe_exit)

log = logging.getLogger(__name__)

SLURM_RUNNING = ("CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING")
SLURM_PENDING = ("PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING")


def slurm_command(argv: List[str], timeout: float = 30.0) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
    except FileNotFoundError:
        raise JobError("%s not found: is Slurm installed on this computer?" % argv[0]) from None
    except subprocess.TimeoutExpired:
        raise JobError("%s did not answer within %.0f s" % (argv[0], timeout)) from None


def submit(job: JobDir, command: List[str], options: argparse.Namespace) -> Dict[str, Any]:
    """Write the batch script and sbatch it; called by job.py with the job's lock held."""
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


def check_not_active(job: JobDir) -> None:
    """Refuse a second Slurm job in a folder (called with the job lock held by us)."""
    state = job.read_state()
    if state and state.get("scheduler") == "slurm":
        state = slurm_state(job, state)
    if state and state.get("scheduler") == "slurm" and state.get("state") in ACTIVE:
        raise AlreadyActive("a job is already %s in %s (stop it first, or follow it)"
                            % (state["state"], job.path))


def cancel(job: JobDir, state: Dict[str, Any]) -> Dict[str, Any]:
    """scancel an active Slurm job and wait (30 s at most) until Slurm has ended it."""
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
