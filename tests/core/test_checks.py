"""machine_check against real OpenSSH servers on 127.0.0.1 (tests/sshd.py): one healthy,
one stopped; host keys, passwords, cameras; and the `--check` command's exit status."""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest

from core.config import Config, MachineConfig
from core.checks import (CHECKS, FAIL, OK, SKIP, WARN, CheckResult, CheckRow, check_machine,
                           check_machines, format_table, main)


def write_config(path: Path, dl: MachineConfig, nanos: list[MachineConfig]) -> Path:
    """A config.json in the app's format (old keys plus the optional new ones)."""
    def entry(machine: MachineConfig) -> dict:
        return {"name": machine.name, "ip": machine.host, "login": machine.login,
                "pwd": machine.password, "port": machine.port, "python": machine.python,
                "workdir": machine.workdir, "camera": machine.camera}
    path.write_text(json.dumps({"DL_server": entry(dl), "jetson_nano": [entry(n) for n in nanos]}))
    return path


@pytest.fixture
def camera_file(remote_workdir: Path) -> Path:
    """A stand-in camera device the test user can read (a Nano's /dev/video0)."""
    path = remote_workdir / "video0"
    path.write_bytes(b"")
    path.chmod(0o644)
    return path


def test_healthy_dl_server_and_nano(sshd_pair, make_machine, known_hosts, camera_file) -> None:
    dl_server, nano_server = sshd_pair
    dl = make_machine(dl_server, role="dl")
    nano = make_machine(nano_server, role="nano", camera=str(camera_file))
    rows = check_machines(Config(dl_server=dl, nanos=(nano,)), known_hosts=known_hosts)
    assert [row.machine for row in rows] == [dl.name, nano.name]
    dl_row, nano_row = rows
    version = "Python %d.%d.%d" % sys.version_info[:3]
    assert dl_row.result("reachable").state == OK and dl_row.result("login").state == OK
    assert dl_row.result("python") .state == OK and dl_row.result("python").text == version
    # This computer's torch: a CUDA device name when there is one, else "CPU only" (amber).
    import torch
    software = dl_row.result("software")
    if torch.cuda.is_available():
        assert software.state == OK and torch.cuda.get_device_name(0) in software.text
    else:
        assert software.state == WARN and software.text.endswith("CPU only")
    assert software.text.startswith("torch " + torch.__version__.split("+")[0])
    assert dl_row.result("camera").state == SKIP
    assert dl_row.result("disk").state in (OK, WARN) and dl_row.result("disk").text.endswith("GiB free")
    import onnxruntime
    assert nano_row.result("software") == CheckResult(
        OK, f"ONNX Runtime {onnxruntime.__version__}",
        "no jetson-inference: runs on ONNX Runtime (slower than TensorRT)")
    assert nano_row.result("camera") == CheckResult(OK, str(camera_file))
    assert not dl_row.failed and not nano_row.failed


def test_check_command_healthy_and_stopped(sshd_server, fresh_sshd, make_machine, known_hosts,
                                           camera_file, tmp_path, capsys) -> None:
    """The instructor's `--check`: 0 when all is ready, 1 when a Nano is switched off."""
    fresh_sshd.trust(known_hosts)
    dl = make_machine(sshd_server, role="dl")
    nano = make_machine(fresh_sshd, role="nano", camera=str(camera_file))
    config = write_config(tmp_path / "config.json", dl, [nano])
    argv = ["--check", "--config", str(config), "--known-hosts", str(known_hosts), "--timeout", "3"]
    assert main(argv) == 0
    healthy = capsys.readouterr().out
    assert "All machines ready." in healthy and "FAIL" not in healthy

    fresh_sshd.stop()
    assert main(argv) == 1
    out = capsys.readouterr().out
    nano_line = next(line for line in out.splitlines() if line.startswith(nano.name))
    assert nano_line.split()[1:3] == ["Nano", "FAIL"]  # name, role, then Reachable: red
    assert f"{nano.name} / Reachable:" in out and str(fresh_sshd.port) in out
    dl_line = next(line for line in out.splitlines() if line.startswith(dl.name))
    assert "FAIL" not in dl_line
    assert "1 of 2 machine(s) not ready." in out


def test_unknown_host_key_is_red_with_its_fingerprint_until_accepted(
        sshd_server, make_machine, empty_known_hosts, tmp_path, capsys) -> None:
    from core.machines import fingerprint
    dl = make_machine(sshd_server, role="dl")
    row = check_machine(dl, known_hosts=empty_known_hosts)
    login = row.result("login")
    assert login.state == FAIL and login.text == "unknown host key"
    assert fingerprint(sshd_server.host_key) in login.detail
    assert "--accept-new-host-keys" in login.detail
    assert row.unknown_host_key is not None and row.result("python").state == SKIP

    config = write_config(tmp_path / "config.json", dl, [])
    argv = ["--config", str(config), "--known-hosts", str(empty_known_hosts)]
    assert main(argv) == 1
    assert main(argv + ["--accept-new-host-keys"]) == 0
    assert f"remembered the host key of {dl.name}" in capsys.readouterr().out
    assert main(argv) == 0  # now known


def test_wrong_password_and_missing_camera(sshd_pair, make_machine, known_hosts,
                                           remote_workdir) -> None:
    dl_server, nano_server = sshd_pair
    rows = check_machines(Config(
        dl_server=make_machine(dl_server, role="dl", password="not the password"),
        nanos=(make_machine(nano_server, role="nano", camera=str(remote_workdir / "video9")),)),
        known_hosts=known_hosts)
    dl_row, nano_row = rows
    assert (dl_row.result("reachable").state, dl_row.result("login").state) == (OK, FAIL)
    assert nano_row.result("camera").state == FAIL
    assert "does not exist" in nano_row.result("camera").detail
    assert nano_row.result("software").state == OK  # the rest of the Nano was still checked


def test_missing_python_is_red(sshd_server, make_machine, known_hosts) -> None:
    row = check_machine(make_machine(sshd_server, role="dl", python="/nonexistent/python3"),
                        known_hosts=known_hosts)
    assert row.result("python").state == FAIL and row.result("software").state == SKIP
    assert row.failed


def test_slurm_dl_server_needs_sbatch_not_a_local_gpu(sshd_server, make_machine,
                                                     known_hosts) -> None:
    """On a cluster the login node has no GPU; the check looks for sbatch instead."""
    row = check_machine(make_machine(sshd_server, role="dl", scheduler="slurm", partition="gpu"),
                        known_hosts=known_hosts)
    software = row.result("software")
    if shutil.which("sbatch", path="/usr/local/bin:/usr/bin:/bin"):  # Debian's slurm-wlm here
        assert software.state == OK and software.text.endswith("GPUs via Slurm (partition gpu)")
    else:
        assert software == CheckResult(FAIL, "no sbatch",
                                       "scheduler is slurm but sbatch is not on the PATH")


def test_machines_are_checked_in_parallel(make_machine, silent_port, known_hosts) -> None:
    """Three hung machines cost one connect timeout, not three."""
    hung = [MachineConfig(name=f"nano-{i}", role="nano", host="127.0.0.1", port=silent_port,
                          login="nobody", password="x") for i in range(3)]
    started = time.monotonic()
    rows = check_machines(Config(dl_server=None, nanos=tuple(hung)), known_hosts=known_hosts,
                          timeout=1.5)
    elapsed = time.monotonic() - started
    assert [row.result("reachable").state for row in rows] == [FAIL] * 3
    assert elapsed < 4.0, f"took {elapsed:.1f} s"


def test_this_computer(local_machine, tmp_path) -> None:
    row = check_machine(local_machine(role="dl"), known_hosts=tmp_path / "known_hosts")
    assert row.result("reachable") == CheckResult(OK, "this computer")
    assert row.result("python").state == OK and row.result("disk").state in (OK, WARN)


def test_bad_config_is_one_line_and_exit_2(tmp_path, capsys) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"DL_server": {"name": "dl", "login": "x"}}')
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err == "error: config.json: DL_server.ip is missing\n"
    assert main(["--config", str(tmp_path / "missing.json")]) == 2


def test_format_table_lists_problems() -> None:
    rows = [CheckRow("dl", "dl", "u@h:22", {key: CheckResult(OK, "fine") for key, _t in CHECKS}),
            CheckRow("nano-1", "nano", "u@h:23", {"reachable": CheckResult(FAIL, "no", "timed out")})]
    text = format_table(rows)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["Machine", "Role", "Reachable"]
    assert lines[1].startswith("dl") and lines[1].count("ok fine") == len(CHECKS)
    assert lines[2].split()[:4] == ["nano-1", "Nano", "FAIL", "no"]
    assert "  nano-1 / Reachable: timed out" in lines
    assert lines[-1] == "1 of 2 machine(s) not ready."
