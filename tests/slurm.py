"""A real single-node Slurm on this machine for the tests: munged, slurmctld and slurmd.

Debian's slurm-wlm and munge, started by the tests with their own files only: a munge key,
socket and logs, a slurm.conf, state and spool folders, all in one temporary folder, and
free TCP ports. Nothing under /etc, /run or /var is touched, so several test runs (and a
real Slurm, if the machine had one) can live side by side. The node is 127.0.0.1, called
``localhost``; the partition is ``debug``.

Client commands (sbatch, squeue, scontrol, scancel) find this cluster through the
``SLURM_CONF`` environment variable: ``cluster.env()`` for local subprocesses. Over SSH,
the test sshd sets it for its sessions (``SetEnv`` in its sshd_config), exactly as an
administrator would in /etc/environment or sshd_config on a login node.

Why these settings: proctrack/linuxproc and task/none need no cgroups (none in a
container); accounting is off, so jobs are known only to slurmctld (MinJobAge keeps
finished ones for a while), which is what job.py must cope with.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

PARTITION = "debug"
NODE = "localhost"


class SlurmError(RuntimeError):
    """The cluster could not be brought up; the message says which daemon and why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_hardware() -> str:
    """`slurmd -C`'s description of this computer, renamed to our node name."""
    described = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True)
    line = described.stdout.splitlines()[0]
    fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
    keep = ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore",
            "RealMemory")
    return " ".join(f"{key}={fields[key]}" for key in keep if key in fields)


class SlurmCluster:
    """munged + slurmctld + slurmd in `base`; `start()` waits until the node is idle."""

    def __init__(self, base: Path | None = None) -> None:
        # Not under pytest's private tmp root: the test user must read slurm.conf and
        # reach the munge socket, and munged insists its socket folder is world-searchable.
        self.base = base or Path(tempfile.mkdtemp(prefix="ai_nano_slurm_"))
        self.base.chmod(0o755)
        self.conf = self.base / "slurm.conf"
        self.munge_socket = self.base / "munge-socket" / "munge.socket"
        self.processes: dict[str, subprocess.Popen] = {}
        self.cpus = 1

    def env(self) -> dict[str, str]:
        return dict(os.environ, SLURM_CONF=str(self.conf))

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.base / "log" / f"{name}.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # ------------------------------------------------------------------ bring-up

    def start(self, timeout: float = 60.0) -> None:
        for tool in ("munged", "slurmctld", "slurmd", "sbatch", "scontrol"):
            if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
                raise SlurmError(f"{tool} not found: apt-get install slurm-wlm munge")
        (self.base / "log").mkdir(exist_ok=True)
        self._start_munged()
        self._write_conf()
        for name, argv in (("slurmctld", ["slurmctld", "-D", "-i", "-f", str(self.conf)]),
                           ("slurmd", ["slurmd", "-D", "-N", NODE, "-f", str(self.conf)])):
            self._spawn(name, argv)
        self._wait_idle(timeout)

    def _spawn(self, name: str, argv: list[str]) -> None:
        with open(self.base / "log" / f"{name}.out", "ab") as out:
            self.processes[name] = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                                    stdin=subprocess.DEVNULL, env=self.env())

    def _start_munged(self) -> None:
        keys = self.base / "munge-key"
        keys.mkdir(mode=0o700)
        key = keys / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        self.munge_socket.parent.mkdir(mode=0o755)
        self._spawn("munged", [
            "munged", "--foreground", f"--socket={self.munge_socket}", f"--key-file={key}",
            f"--log-file={self.base / 'log' / 'munged.log'}",
            f"--pid-file={keys / 'munged.pid'}", f"--seed-file={keys / 'munged.seed'}"])
        deadline = time.monotonic() + 15
        while not self.munge_socket.exists():
            if self.processes["munged"].poll() is not None or time.monotonic() > deadline:
                out = (self.base / "log" / "munged.out").read_text(errors="replace")
                raise SlurmError(f"munged did not start: {out.strip()[-800:]}")
            time.sleep(0.05)

    def _write_conf(self) -> None:
        hardware = node_hardware()
        found = re.search(r"CPUs=(\d+)", hardware)
        self.cpus = int(found.group(1)) if found else 1
        for folder in ("state", "spool"):
            (self.base / folder).mkdir(exist_ok=True)
        logs = self.base / "log"
        self.conf.write_text("\n".join([
            "ClusterName=ainanotest",
            f"SlurmctldHost={NODE}",
            f"SlurmctldPort={free_port()}",
            f"SlurmdPort={free_port()}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={self.munge_socket}",
            f"StateSaveLocation={self.base / 'state'}",
            f"SlurmdSpoolDir={self.base / 'spool'}",
            f"SlurmctldPidFile={self.base / 'slurmctld.pid'}",
            f"SlurmdPidFile={self.base / 'slurmd.pid'}",
            f"SlurmctldLogFile={logs / 'slurmctld.log'}",
            f"SlurmdLogFile={logs / 'slurmd.log'}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "SchedulerType=sched/backfill",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "MpiDefault=none",
            "MailProg=/bin/true",
            "ReturnToService=2",
            "KillWait=3",
            "MinJobAge=600",
            f"NodeName={NODE} NodeAddr=127.0.0.1 {hardware} State=UNKNOWN",
            f"PartitionName={PARTITION} Nodes={NODE} Default=YES MaxTime=INFINITE State=UP",
            ""]))
        self.conf.chmod(0o644)

    def _wait_idle(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise SlurmError(f"{name} exited with status {process.returncode}:\n"
                                     f"{self.log_tail(name)}")
            shown = self.run(["sinfo", "-h", "-n", NODE, "-o", "%t"], check=False)
            last = shown.stdout.strip() + shown.stderr.strip()
            if shown.returncode == 0 and last == "idle":
                return
            time.sleep(0.3)
        raise SlurmError(f"the node did not become idle within {timeout:.0f} s (sinfo: {last});"
                         f"\nslurmctld: {self.log_tail('slurmctld')}"
                         f"\nslurmd: {self.log_tail('slurmd')}")

    # ------------------------------------------------------------------ helpers

    def run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(argv, capture_output=True, text=True, env=self.env(),
                                timeout=60)
        if check and result.returncode != 0:
            raise SlurmError(f"{' '.join(argv)} failed: {result.stderr.strip()}")
        return result

    def job_field(self, job_id: str, field: str) -> str:
        shown = self.run(["scontrol", "show", "job", "-o", job_id]).stdout
        found = re.search(rf"(?:^|\s){field}=(\S*)", shown)
        return found.group(1) if found else ""

    def submit_blocker(self, user: str | None = None) -> str:
        """A job that takes every CPU of the node until cancelled: what comes next pends."""
        argv = ["sbatch", "--parsable", "--job-name=blocker", f"--cpus-per-task={self.cpus}",
                "--output=/dev/null", "--chdir=/tmp", "--wrap=exec sleep 600"]
        if user:
            argv.insert(1, f"--uid={user}")
        return self.run(argv).stdout.strip().split(";")[0]

    def cancel_all(self) -> None:
        self.run(["scancel", "--partition", PARTITION], check=False)

    def stop(self) -> None:
        """Cancel every job, stop the daemons (by their own process handles), remove files."""
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            self.cancel_all()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                queue = self.run(["squeue", "-h", "-o", "%i"], check=False).stdout.strip()
                if not queue:
                    break
                time.sleep(0.3)
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.base, ignore_errors=True)
