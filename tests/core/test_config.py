"""config.py: the old format, every optional key, local machines, and each bad file."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import pytest

from core.config import (
    DEFAULT_DL_WORKDIR,
    ConfigError,
    MachineConfig,
    TrainingSettings,
    load_config,
)
from tests.paths import REPO


OLD_FORMAT = {
    "DL_server": {"name": "DL", "ip": "10.0.0.5", "login": "prof", "pwd": "S3cret-DL"},
    "jetson_nano": [
        {"name": "Nano A", "ip": "10.0.0.21", "login": "nano", "pwd": "S3cret-A"},
        {"name": "Nano B", "ip": "10.0.0.22", "login": "nano", "pwd": "S3cret-B"},
    ],
}


def write(tmp_path: Path, data: object, mode: int = 0o600) -> Path:
    path = tmp_path / "config.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    os.chmod(path, mode)
    return path


def test_old_format_loads_unchanged(tmp_path):
    config = load_config(write(tmp_path, OLD_FORMAT))
    dl = config.dl_server
    assert (dl.name, dl.role, dl.host, dl.login, dl.password) == ("DL", "dl", "10.0.0.5", "prof",
                                                                  "S3cret-DL")
    assert (dl.port, dl.key_file, dl.workdir, dl.python, dl.transport) == (
        22, "", DEFAULT_DL_WORKDIR, "python3", "ssh")
    assert [n.name for n in config.nanos] == ["Nano A", "Nano B"]
    nano = config.nano("Nano B")
    assert (nano.role, nano.workdir, nano.camera, nano.is_local) == ("nano", "~", "/dev/video0",
                                                                     False)
    assert config.training == TrainingSettings()
    assert config.warnings == ()


def test_every_optional_key(tmp_path):
    data = {
        "DL_server": dict(OLD_FORMAT["DL_server"], port=2222, key_file="~/.ssh/id_ed25519",
                          workdir="/srv/ai", python="/opt/venv/bin/python", scheduler="slurm",
                          partition="gpu", gpus=1, time="01:00:00", account="teach",
                          max_parallel_trainings=3),
        "jetson_nano": [dict(OLD_FORMAT["jetson_nano"][0], camera="/dev/video1", workdir="~/w",
                             python="python3.8", transport="ssh")],
        "training": {"arch": "resnet34", "epochs": 5, "batch_size": 8, "resolution": 64,
                     "pretrained": False, "patience": 0},
    }
    config = load_config(write(tmp_path, data))
    dl = config.dl_server
    assert (dl.port, dl.key_file, dl.workdir, dl.python) == (2222, "~/.ssh/id_ed25519", "/srv/ai",
                                                             "/opt/venv/bin/python")
    assert (dl.scheduler, dl.partition, dl.gpus, dl.time, dl.account,
            dl.max_parallel_trainings) == ("slurm", "gpu", 1, "01:00:00", "teach", 3)
    nano = config.nanos[0]
    assert (nano.camera, nano.workdir, nano.python) == ("/dev/video1", "~/w", "python3.8")
    assert config.training == TrainingSettings("resnet34", 5, 8, 64, False, 0)
    assert config.warnings == ()


def test_local_machines(tmp_path):
    data = {"DL_server": {"name": "me", "ip": "local", "python": ""},
            "jetson_nano": [{"name": "me too", "ip": "127.0.0.1", "transport": "local",
                             "login": "x"}]}
    config = load_config(write(tmp_path, data))
    assert config.dl_server.is_local and config.dl_server.python == sys.executable
    assert config.dl_server.address == "this computer"
    assert config.nanos[0].is_local and config.nanos[0].python == "python3"


def test_repo_config_is_this_computer_twice():
    config = load_config(REPO / "config.json")
    assert config.dl_server.is_local and len(config.nanos) == 1 and config.nanos[0].is_local
    assert config.dl_server.python == sys.executable == config.nanos[0].python
    assert config.dl_server.workdir != config.nanos[0].workdir
    assert config.warnings == ()


def test_lab_example_has_three_nanos_over_ssh(tmp_path):
    copy = write(tmp_path, (REPO / "doc" / "config.lab.json").read_text())
    config = load_config(copy)
    assert not config.dl_server.is_local and config.dl_server.key_file
    assert [n.is_local for n in config.nanos] == [False] * 3
    assert config.warnings == ()


def test_passwords_hidden(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    config = load_config(write(tmp_path, OLD_FORMAT, mode=0o644))
    shown = repr(config) + str(config) + " ".join(map(str, config.nanos)) + " ".join(config.warnings)
    for secret in ("S3cret-DL", "S3cret-A", "S3cret-B"):
        assert secret not in shown and secret not in caplog.text


def test_readable_by_others_warns_with_the_fix(tmp_path, caplog):
    path = write(tmp_path, OLD_FORMAT, mode=0o644)
    config = load_config(path)
    assert config.warnings == (f"config.json holds passwords and other users can read it: "
                               f"run chmod 600 {path}",)
    assert "chmod 600" in caplog.text
    assert load_config(write(tmp_path, OLD_FORMAT, mode=0o640)).warnings  # group too
    assert load_config(write(tmp_path, OLD_FORMAT, mode=0o600)).warnings == ()
    no_password = {"DL_server": {"name": "DL", "ip": "h", "login": "u", "key_file": "~/k"}}
    assert load_config(write(tmp_path, no_password, mode=0o644)).warnings == ()


def test_unknown_keys_warn(tmp_path):
    data = {"DL_server": dict(OLD_FORMAT["DL_server"], colour="red"),
            "jetson_nano": [dict(OLD_FORMAT["jetson_nano"][0], partition="gpu")],
            "training": {"epoch": 3}, "extra": 1}
    warnings = load_config(write(tmp_path, data)).warnings
    assert sorted(warnings) == sorted([
        "config.json: unknown key DL_server.colour (ignored)",
        "config.json: unknown key jetson_nano[0].partition (ignored)",
        "config.json: unknown key training.epoch (ignored)",
        "config.json: unknown key extra (ignored)",
    ])


def test_unknown_nano_name(tmp_path):
    config = load_config(write(tmp_path, OLD_FORMAT))
    with pytest.raises(ConfigError, match="no Jetson Nano named 'Nano Z' \\(known: Nano A, Nano B\\)"):
        config.nano("Nano Z")


def _with(path: str, value: object) -> dict:
    """OLD_FORMAT with one key set (value ...) or removed (value None)."""
    data = json.loads(json.dumps(OLD_FORMAT))
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last: int | str = int(keys[-1]) if keys[-1].isdigit() else keys[-1]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


MALFORMED = [
    ('{"DL_server": {"name": "DL",\n  "ip": "h" "login": "u"}}',
     "config.json: line 2, column 13: Expecting ',' delimiter"),
    ("", "config.json: line 1, column 1: Expecting value"),
    ("[1, 2]", "config.json: the file must hold a JSON object {...}, not a list"),
    ({"training": {}}, "config.json: DL_server is missing (and there is no jetson_nano either)"),
    (_with("jetson_nano.1.ip", ...), "config.json: jetson_nano[1].ip is missing"),
    (_with("DL_server.name", ...), "config.json: DL_server.name is missing"),
    (_with("DL_server.login", ...), "config.json: DL_server.login is missing"),
    (_with("DL_server.name", "  "), "config.json: DL_server.name is empty"),
    (_with("DL_server.ip", "a b"), 'config.json: DL_server.ip must be a host name, an address or "local"'),
    (_with("DL_server.port", "22"), "config.json: DL_server.port must be an integer, not a string"),
    (_with("DL_server.port", True), "config.json: DL_server.port must be an integer, not true/false"),
    (_with("DL_server.port", 70000), "config.json: DL_server.port must be between 1 and 65535, not 70000"),
    (_with("DL_server.pwd", 1234), "config.json: DL_server.pwd must be a string, not an integer"),
    (_with("DL_server", "10.0.0.5"), "config.json: DL_server must be an object, not a string"),
    (_with("jetson_nano", {"name": "x"}), "config.json: jetson_nano must be a list [...], not an object"),
    (_with("jetson_nano.0", None), "config.json: jetson_nano[0] must be an object, not null"),
    (_with("jetson_nano.1.name", "Nano A"), "config.json: jetson_nano[1].name 'Nano A' is used twice"),
    (_with("jetson_nano.0.transport", "telnet"),
     "config.json: jetson_nano[0].transport must be \"ssh\" or \"local\", not 'telnet'"),
    (_with("DL_server.scheduler", "pbs"), "config.json: DL_server.scheduler must be \"slurm\" or \"\", not 'pbs'"),
    (_with("DL_server.gpus", -1), "config.json: DL_server.gpus must be 0 or more, not -1"),
    (_with("DL_server.max_parallel_trainings", -1),
     "config.json: DL_server.max_parallel_trainings must be 0 (one per GPU) or more, not -1"),
    (_with("training", [1]), "config.json: training must be an object, not a list"),
    (_with("training", {"epochs": 0}), "config.json: training.epochs must be 1 or more, not 0"),
    (_with("training", {"epochs": 2.5}), "config.json: training.epochs must be an integer, not a number"),
    (_with("training", {"pretrained": "yes"}),
     "config.json: training.pretrained must be true or false, not a string"),
    ('{"DL_server": {"name": "a", "name": "b", "ip": "h", "login": "u"}}',
     "config.json: key 'name' appears twice in the same object"),
    ({"DL_server": {"name": "x", "ip": "local", "transport": "ssh"}},
     'config.json: DL_server: ip "local" cannot use transport "ssh"'),
]


@pytest.mark.parametrize("content, message", MALFORMED)
def test_malformed_config_names_the_problem(tmp_path, content, message):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, content))
    assert str(caught.value) == message
    assert "S3cret" not in str(caught.value)


def test_missing_unreadable_and_binary_files(tmp_path):
    with pytest.raises(ConfigError, match=f"^{tmp_path}/nope.json: file not found$"):
        load_config(tmp_path / "nope.json")
    binary = tmp_path / "config.json"
    binary.write_bytes(b'{"DL_server": "\xff"}')
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(binary)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)  # a folder, not a file


def test_machine_config_checks_its_own_fields():
    with pytest.raises(ValueError, match="role"):
        MachineConfig(name="x", role="server", host="h")
    machine = MachineConfig(name="n", role="nano", host="h", login="u", password="pw-hidden")
    assert "pw-hidden" not in repr(machine) and str(machine) == "n (u@h:22)"


def test_max_parallel_trainings_defaults_to_one_per_gpu(tmp_path):
    """Issue 8: unset means 0, which job.py turns into one training per GPU (1 without)."""
    unset = load_config(write(tmp_path, OLD_FORMAT))  # the key is not there
    assert unset.dl_server.max_parallel_trainings == 0
    assert MachineConfig(name="d", role="dl", host="h").max_parallel_trainings == 0
    zero = load_config(write(tmp_path, _with("DL_server.max_parallel_trainings", 0)))
    assert zero.dl_server.max_parallel_trainings == 0
    two = load_config(write(tmp_path, _with("DL_server.max_parallel_trainings", 2)))
    assert two.dl_server.max_parallel_trainings == 2
