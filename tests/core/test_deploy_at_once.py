"""Issue 13: a class deploys the scripts into one folder of the DL server at the same moment.
Every laptop's deploy must succeed and leave complete scripts (real sshd, 8 laptops)."""
from __future__ import annotations

import hashlib
import posixpath
import threading

from core.machines import open_connection
from core.pipeline import DL_SCRIPTS, DL_SCRIPTS_DIR, Report, deploy_scripts


def test_laptops_deploying_at_once_take_turns(sshd_server, make_machine, known_hosts,
                                              remote_workdir):
    machine = make_machine(sshd_server, role="dl")
    remote_dir = posixpath.join(machine.workdir, DL_SCRIPTS_DIR)
    barrier = threading.Barrier(8)
    errors: list[str] = []
    copied: list[int] = []

    def laptop() -> None:
        try:
            with open_connection(machine, known_hosts=known_hosts) as conn:
                barrier.wait()
                copied.append(deploy_scripts(conn, DL_SCRIPTS, remote_dir, Report()))
        except Exception as error:  # kept for the assertion below
            errors.append(f"{type(error).__name__}: {error}")
    threads = [threading.Thread(target=laptop) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(copied)[-1] > 0 and copied.count(0) == 7   # one laptop copied, 7 found it done
    deployed = remote_workdir / "dl" / DL_SCRIPTS_DIR
    for local in DL_SCRIPTS.glob("*.py"):
        assert hashlib.sha256((deployed / local.name).read_bytes()).digest() == \
            hashlib.sha256(local.read_bytes()).digest(), local.name
    assert not (remote_workdir / "dl" / (DL_SCRIPTS_DIR + ".deploying")).exists()
    assert not list(deployed.glob("*.part"))
