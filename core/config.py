"""Reading config.json: the lab's machines and the default training settings.

The file names one DL server (trains the model) and any number of Jetson Nanos (run it).
Files written for the old tool (``DL_server {name, ip, login, pwd}`` and
``jetson_nano [{...}]``) load unchanged; every newer key is optional. A machine whose
``ip`` is ``"local"`` (or that says ``"transport": "local"``) is this computer, which is
how one laptop can play all three roles.

Every problem becomes a ``ConfigError`` whose text names the file and the line (bad JSON)
or the key (``config.json: jetson_nano[1].ip is missing``), so the window can show it in
one line and still open. Passwords never appear in ``repr()``, ``str()`` or messages.
The key-by-key checks and their texts (translatable core Messages) are in
core/config_check.py; this module builds the dataclasses from what they return.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The file's format is checked in config_check; its names stay importable from here.
from core.config_check import (  # noqa: F401 (re-exported)
    DEFAULT_CAMERA,
    DEFAULT_PINS,
    DEFAULT_PYTHON,
    LANGUAGES,
    LOCAL_HOST,
    TOP_KEYS,
    TRAINING_MODES,
    ConfigError,
    Reader,
    json_error,
    json_type,
    language,
    machine_values,
    no_duplicate_keys,
    permission_warning,
    training_values,
)
from core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

DEFAULT_DL_WORKDIR = "~/TP_IA_NANO"
DEFAULT_NANO_WORKDIR = "~"


def host_port(host: str, port: int) -> str:
    """``host:port`` for messages, an IPv6 address in brackets: ``[::1]:22``."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass(frozen=True)
class MachineConfig:
    """One computer of the lab, as config.json describes it.

    ``python`` is the interpreter to run the app's scripts with there; an empty string
    means "the interpreter running this app" on a local machine and ``python3`` elsewhere.
    """

    name: str
    role: str  # "dl" | "nano"
    host: str  # config key "ip"; "local" = this computer
    login: str = ""
    password: str = field(default="", repr=False)
    port: int = 22
    key_file: str = ""
    workdir: str = ""
    python: str = DEFAULT_PYTHON
    camera: str = DEFAULT_CAMERA
    transport: str = ""  # "ssh" | "local"; "" = decided from host
    scheduler: str = ""  # "" | "slurm"
    partition: str = ""
    gpus: int = 0
    time: str = ""
    account: str = ""
    max_parallel_trainings: int = 0  # 0: one per GPU found on the server (1 when none)
    pins: tuple[int, ...] = DEFAULT_PINS  # a Nano's LED pins, one per class in label order

    def __post_init__(self) -> None:
        # Frozen dataclass: defaults that depend on other fields are filled in here.
        if self.role not in ("dl", "nano"):
            raise ValueError(f"role must be 'dl' or 'nano', not {self.role!r}")
        if not self.transport:
            transport = "local" if self.host == LOCAL_HOST else "ssh"
            object.__setattr__(self, "transport", transport)
        if self.transport not in ("ssh", "local"):
            raise ValueError(f"transport must be 'ssh' or 'local', not {self.transport!r}")
        if not self.workdir:
            default = DEFAULT_DL_WORKDIR if self.role == "dl" else DEFAULT_NANO_WORKDIR
            object.__setattr__(self, "workdir", default)
        if not self.python:
            object.__setattr__(self, "python", sys.executable if self.is_local else DEFAULT_PYTHON)

    @property
    def is_local(self) -> bool:
        """True when this machine is the computer running the app (no SSH)."""
        return self.transport == "local"

    @property
    def address(self) -> str:
        """``login@host:port`` for messages (never includes the password)."""
        if self.is_local:
            return "this computer"
        who = f"{self.login}@" if self.login else ""
        return f"{who}{host_port(self.host, self.port)}"

    def __str__(self) -> str:
        return f"{self.name} ({self.address})"


@dataclass(frozen=True)
class TrainingSettings:
    """Defaults for dl_scripts/train.py; the window may override them per training."""

    arch: str = "resnet18"
    epochs: int = 35
    batch_size: int = 32
    resolution: int = 224
    pretrained: bool = True
    patience: int = 8
    mode: str = "auto"  # auto | head | full (train.py --mode decides and says why)


@dataclass(frozen=True)
class Config:
    """The whole file: one optional DL server, the Nanos, training defaults, warnings."""

    dl_server: MachineConfig | None
    nanos: tuple[MachineConfig, ...] = ()
    training: TrainingSettings = TrainingSettings()
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    language: str = ""   # "en" | "fr"; "" = the system's language (issue 16)

    def nano(self, name: str) -> MachineConfig:
        """The Nano called ``name``; ConfigError when there is none."""
        for machine in self.nanos:
            if machine.name == name:
                return machine
        where = self.path.name if self.path else "config"
        if not self.nanos:
            raise ConfigError(QT_TRANSLATE_NOOP("core", "{file}: no Jetson Nano named {name!r} "
                                                        "(known: none)").format(file=where, name=name))
        raise ConfigError(QT_TRANSLATE_NOOP("core", "{file}: no Jetson Nano named {name!r} "
                                                    "(known: {known})").format(
            file=where, name=name, known=", ".join(m.name for m in self.nanos)))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # Windows Notepad starts with a BOM
    except FileNotFoundError:
        raise ConfigError(QT_TRANSLATE_NOOP("core", "{path}: file not found").format(
            path=str(path))) from None
    except UnicodeDecodeError as error:
        raise ConfigError(QT_TRANSLATE_NOOP("core", "{path}: not UTF-8 text (byte {byte})").format(
            path=str(path), byte=error.start)) from None
    except OSError as error:
        raise ConfigError(QT_TRANSLATE_NOOP("core", "{path}: cannot read ({reason})").format(
            path=str(path), reason=error.strerror)) from None


def _nanos(reader: Reader, raw_nanos: Any) -> tuple[MachineConfig, ...]:
    """The "jetson_nano" list: each one checked, no name twice."""
    if raw_nanos is None:
        raw_nanos = []
    if not isinstance(raw_nanos, list):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "jetson_nano must be a list [...], not {actual}")
                          .format(actual=json_type(raw_nanos)))
    nanos = tuple(MachineConfig(role="nano", **machine_values(reader, item, f"jetson_nano[{index}]",
                                                              "nano"))
                  for index, item in enumerate(raw_nanos))
    seen: set[str] = set()
    for index, nano in enumerate(nanos):
        if nano.name in seen:
            raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} {name!r} is used twice").format(
                key=f"jetson_nano[{index}].name", name=nano.name))
        seen.add(nano.name)
    return nanos


def load_config(path: Path) -> Config:
    """Read and check ``path``; raises ConfigError with a one-line message."""
    path = Path(path)
    label = path.name
    reader = Reader(label)
    text = _read_text(path)
    try:
        data = json.loads(text, object_pairs_hook=no_duplicate_keys(reader))
    except json.JSONDecodeError as error:
        raise ConfigError(json_error(label, text, error)) from None
    if not isinstance(data, dict):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "the file must hold a JSON object {{...}}, "
                                                    "not {actual}").format(actual=json_type(data)))
    reader.unknown_keys(data, TOP_KEYS, "")
    if "DL_server" not in data and "jetson_nano" not in data:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "DL_server is missing (and there is no "
                                                    "jetson_nano either)"))
    dl_server = None
    if data.get("DL_server") is not None:
        dl_server = MachineConfig(role="dl", **machine_values(reader, data["DL_server"],
                                                              "DL_server", "dl"))
    nanos = _nanos(reader, data.get("jetson_nano", []))
    defaults = dataclasses.asdict(TrainingSettings())
    training = TrainingSettings(**training_values(reader, data.get("training"), defaults))
    chosen = language(reader, data.get("language"))
    machines = ([dl_server] if dl_server else []) + list(nanos)
    warning = permission_warning(path, label, any(m.password for m in machines))
    if warning:
        reader.warnings.append(warning)
    for message in reader.warnings:
        log.warning("%s", message)
    return Config(dl_server=dl_server, nanos=nanos, training=training, path=path,
                  warnings=tuple(reader.warnings), language=chosen)


def read_language(path: Path) -> str:
    """The "language" of a config file before the window exists; "" when unset or unreadable
    (the window reports a broken file itself)."""
    try:
        return load_config(path).language
    except ConfigError:
        return ""
