"""The job folder, flock locks and the local training queue of job.py (see job.py's docstring).

A waiting job holds a locked ticket in Q/tickets, named by arrival number; only the oldest
live ticket may take a slot, i.e. flock one of Q/slot-<i>.lock. A lock dies with its
process, so a crashed job never blocks the queue and no daemon is needed.

A sibling of job.py, copied to the server with it; only the standard library is used.
"""
from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import subprocess
from typing import Any, Dict, Optional

from dl_common import ScriptError
from job_outcome import describe_exit  # noqa: F401  (job.py and job_runner.py import it here)

log = logging.getLogger(__name__)

LOCAL_POLL_S = 0.2
ACTIVE = ("waiting", "pending", "running")
TERMINAL = ("finished", "cancelled", "failed")


class JobError(ScriptError):
    """A problem told to the user in one line (`error: ...`)."""


class AlreadyActive(JobError):
    """`start` on a folder whose job is still waiting or running (exit status 3)."""

    exit_code = 3


# ---------------------------------------------------------------- small file helpers

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


def retire_previous_run(job: JobDir) -> None:
    """Keep the previous run's log as output.previous.log; a new run starts a fresh log."""
    if os.path.exists(job.log):
        os.replace(job.log, os.path.join(job.path, "output.previous.log"))
    for path in (job.exit_code, job.state):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
