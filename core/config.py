"""Reading config.json: the lab's machines and the default training settings.

The file names one DL server (trains the model) and any number of Jetson Nanos (run it).
Files written for the old tool (``DL_server {name, ip, login, pwd}`` and
``jetson_nano [{...}]``) load unchanged; every newer key is optional. A machine whose
``ip`` is ``"local"`` (or that says ``"transport": "local"``) is this computer, which is
how one laptop can play all three roles.

Every problem becomes a ``ConfigError`` whose text names the file and the line (bad JSON)
or the key (``config.json: jetson_nano[1].ip is missing``), so the window can show it in
one line and still open. Passwords never appear in ``repr()``, ``str()`` or messages.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_DL_WORKDIR = "~/TP_IA_NANO"
DEFAULT_NANO_WORKDIR = "~"
DEFAULT_CAMERA = "/dev/video0"
DEFAULT_PYTHON = "python3"
LOCAL_HOST = "local"

_MACHINE_KEYS = {
    "name", "ip", "login", "pwd", "port", "key_file", "workdir", "python", "camera", "transport",
}
_DL_ONLY_KEYS = {"scheduler", "partition", "gpus", "time", "account", "max_parallel_trainings"}
_NANO_ONLY_KEYS = {"pins"}
#: The board's LED pins (BOARD numbering) for classes 0, 1, 2, as the lab's Nanos are wired.
DEFAULT_PINS: tuple[int, ...] = (12, 16, 18)
#: The pins a Jetson Nano's 40-pin header offers as GPIO (BOARD numbering).
_NANO_GPIO_PINS = frozenset({7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, 32,
                             33, 35, 36, 37, 38, 40})
_TOP_KEYS = {"DL_server", "jetson_nano", "training", "language"}
#: The window's languages (config key "language"; "" = the system's).
LANGUAGES = ("en", "fr")
_TRAINING_KEYS = {"arch", "epochs", "batch_size", "resolution", "pretrained", "patience", "mode"}
# train.py --mode: head-only on a CPU with pretrained weights, full fine-tuning otherwise (auto).
TRAINING_MODES = ("auto", "head", "full")


def host_port(host: str, port: int) -> str:
    """``host:port`` for messages, an IPv6 address in brackets: ``[::1]:22``."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class ConfigError(Exception):
    """A config file that cannot be used; str() names the file and the line or key."""


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
        known = ", ".join(m.name for m in self.nanos) or "none"
        raise ConfigError(f"{where}: no Jetson Nano named {name!r} (known: {known})")


class _Reader:
    """Checks values key by key so each error can name its key path."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.warnings: list[str] = []

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.label}: {message}")

    def get(self, obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...],
            default: Any = None, required: bool = False) -> Any:
        """obj[key] checked against ``kind``; ``default`` when absent and not required."""
        path = f"{where}.{key}" if where else key
        if key not in obj:
            if required:
                raise self.fail(f"{path} is missing")
            return default
        value = obj[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a port of `true` is still a mistake.
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if wrong_bool or not isinstance(value, kinds):
            expected = " or ".join(_TYPE_NAMES[k] for k in kinds)
            raise self.fail(f"{path} must be {expected}, not {_json_type(value)}")
        return value

    def unknown_keys(self, obj: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in obj:
            if key not in allowed:
                path = f"{where}.{key}" if where else key
                self.warnings.append(f"{self.label}: unknown key {path} (ignored)")


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object",
               list: "a list", float: "a number"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: "a string", int: "an integer", float: "a number", dict: "an object",
            list: "a list"}.get(type(value), type(value).__name__)


def _machine(reader: _Reader, obj: Any, where: str, role: str) -> MachineConfig:
    if not isinstance(obj, dict):
        raise reader.fail(f"{where} must be an object, not {_json_type(obj)}")
    allowed = _MACHINE_KEYS | (_DL_ONLY_KEYS if role == "dl" else _NANO_ONLY_KEYS)
    reader.unknown_keys(obj, allowed, where)
    get = reader.get
    name = get(obj, "name", where, str, required=True).strip()
    if not name:
        raise reader.fail(f"{where}.name is empty")
    host = get(obj, "ip", where, str, required=True).strip()
    if host.startswith("[") and host.endswith("]"):  # "[::1]" as in URLs: the address
        host = host[1:-1]
    if not host or any(ch.isspace() for ch in host):
        raise reader.fail(f"{where}.ip must be a host name, an address or \"local\"")
    transport = get(obj, "transport", where, str, default="")
    if transport not in ("", "ssh", "local"):
        raise reader.fail(f"{where}.transport must be \"ssh\" or \"local\", not {transport!r}")
    if transport == "ssh" and host == LOCAL_HOST:
        raise reader.fail(f"{where}: ip \"local\" cannot use transport \"ssh\"")
    is_local = transport == "local" or (transport == "" and host == LOCAL_HOST)
    login = get(obj, "login", where, str, default="", required=not is_local)
    if not is_local and not login.strip():
        raise reader.fail(f"{where}.login is empty")
    port = get(obj, "port", where, int, default=22)
    if not 1 <= port <= 65535:
        raise reader.fail(f"{where}.port must be between 1 and 65535, not {port}")
    scheduler = get(obj, "scheduler", where, str, default="")
    if scheduler not in ("", "slurm"):
        raise reader.fail(f"{where}.scheduler must be \"slurm\" or \"\", not {scheduler!r}")
    gpus = get(obj, "gpus", where, int, default=0)
    if gpus < 0:
        raise reader.fail(f"{where}.gpus must be 0 or more, not {gpus}")
    # 0 (the default) lets job.py give each GPU it finds one training (1 without a GPU).
    max_parallel = get(obj, "max_parallel_trainings", where, int, default=0)
    if max_parallel < 0:
        raise reader.fail(f"{where}.max_parallel_trainings must be 0 (one per GPU) or more, "
                          f"not {max_parallel}")
    return MachineConfig(
        name=name, role=role, host=host, login=login.strip(),
        password=get(obj, "pwd", where, str, default=""),
        port=port,
        key_file=get(obj, "key_file", where, str, default=""),
        workdir=get(obj, "workdir", where, str, default=""),
        python=get(obj, "python", where, str, default=DEFAULT_PYTHON),
        camera=get(obj, "camera", where, str, default=DEFAULT_CAMERA) or DEFAULT_CAMERA,
        transport=transport,
        scheduler=scheduler,
        partition=get(obj, "partition", where, str, default=""),
        gpus=gpus,
        time=get(obj, "time", where, str, default=""),
        account=get(obj, "account", where, str, default=""),
        max_parallel_trainings=max_parallel,
        pins=_pins(reader, obj, where),
    )


def _pins(reader: _Reader, obj: dict, where: str) -> tuple[int, ...]:
    """A Nano's "pins": [12, 16, 18]: distinct GPIO pins of the 40-pin header."""
    pins = obj.get("pins", list(DEFAULT_PINS))
    if (not isinstance(pins, list) or not pins
            or not all(isinstance(pin, int) and not isinstance(pin, bool) for pin in pins)):
        raise reader.fail(f"{where}.pins must be a list of pin numbers such as [12, 16, 18]")
    wrong = [pin for pin in pins if pin not in _NANO_GPIO_PINS]
    if wrong:
        raise reader.fail(f"{where}.pins: {wrong[0]} is not a GPIO pin of the Nano's header "
                          f"(BOARD numbering: {', '.join(map(str, sorted(_NANO_GPIO_PINS)))})")
    if len(set(pins)) != len(pins):
        raise reader.fail(f"{where}.pins lists a pin twice: {pins}")
    return tuple(pins)


def _training(reader: _Reader, obj: Any) -> TrainingSettings:
    if obj is None:
        return TrainingSettings()
    if not isinstance(obj, dict):
        raise reader.fail(f"training must be an object, not {_json_type(obj)}")
    reader.unknown_keys(obj, _TRAINING_KEYS, "training")
    base = TrainingSettings()
    values: dict[str, Any] = {}
    for key in ("epochs", "batch_size", "resolution", "patience"):
        value = reader.get(obj, key, "training", int, default=getattr(base, key))
        minimum = 0 if key == "patience" else 1
        if value < minimum:
            raise reader.fail(f"training.{key} must be {minimum} or more, not {value}")
        values[key] = value
    values["arch"] = reader.get(obj, "arch", "training", str, default=base.arch)
    values["pretrained"] = reader.get(obj, "pretrained", "training", bool, default=base.pretrained)
    values["mode"] = reader.get(obj, "mode", "training", str, default=base.mode)
    if values["mode"] not in TRAINING_MODES:
        raise reader.fail(f"training.mode must be one of {', '.join(TRAINING_MODES)}, not {values['mode']!r}")
    return TrainingSettings(**values)


def _no_duplicate_keys(reader: _Reader):
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise reader.fail(f"key {key!r} appears twice in the same object")
            result[key] = value
        return result
    return hook


def _permission_warning(path: Path, label: str, has_password: bool) -> str | None:
    """A warning when a file holding passwords can be read by other users."""
    if not has_password or os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        return (f"{label} holds passwords and other users can read it: "
                f"run chmod 600 {path}")
    return None


def _json_error(label: str, text: str, error: json.JSONDecodeError) -> str:
    """One line; a comma before `}` or `]` (allowed in Python, not in JSON) said plainly,
    at the comma's own line."""
    before = text[:error.pos].rstrip()
    closing = text[error.pos:error.pos + 1]
    if before.endswith(",") and closing in ("}", "]"):
        comma = len(before) - 1
        line = text.count("\n", 0, comma) + 1
        column = comma - (text.rfind("\n", 0, comma) + 1) + 1
        return (f"{label}: line {line}, column {column}: a comma after the last item "
                f"(before '{closing}'): remove it, JSON does not allow it")
    return f"{label}: line {error.lineno}, column {error.colno}: {error.msg}"


def load_config(path: Path) -> Config:
    """Read and check ``path``; raises ConfigError with a one-line message."""
    path = Path(path)
    label = path.name
    reader = _Reader(label)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows Notepad starts with a BOM
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys(reader))
    except json.JSONDecodeError as error:
        raise ConfigError(_json_error(label, text, error)) from None
    if not isinstance(data, dict):
        raise reader.fail(f"the file must hold a JSON object {{...}}, not {_json_type(data)}")
    reader.unknown_keys(data, _TOP_KEYS, "")
    if "DL_server" not in data and "jetson_nano" not in data:
        raise reader.fail("DL_server is missing (and there is no jetson_nano either)")
    dl_server = None
    if data.get("DL_server") is not None:
        dl_server = _machine(reader, data["DL_server"], "DL_server", "dl")
    raw_nanos = data.get("jetson_nano", [])
    if raw_nanos is None:
        raw_nanos = []
    if not isinstance(raw_nanos, list):
        raise reader.fail(f"jetson_nano must be a list [...], not {_json_type(raw_nanos)}")
    nanos = tuple(_machine(reader, item, f"jetson_nano[{index}]", "nano")
                  for index, item in enumerate(raw_nanos))
    seen: set[str] = set()
    for index, nano in enumerate(nanos):
        if nano.name in seen:
            raise reader.fail(f"jetson_nano[{index}].name {nano.name!r} is used twice")
        seen.add(nano.name)
    training = _training(reader, data.get("training"))
    language = _language(reader, data.get("language"))
    machines = ([dl_server] if dl_server else []) + list(nanos)
    warning = _permission_warning(path, label, any(m.password for m in machines))
    if warning:
        reader.warnings.append(warning)
    for message in reader.warnings:
        log.warning("%s", message)
    return Config(dl_server=dl_server, nanos=nanos, training=training, path=path,
                  warnings=tuple(reader.warnings), language=language)


def _language(reader: "_Reader", value: Any) -> str:
    """The window's language; a wrong one is a warning (the system's language is used)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    reader.warnings.append(f"{reader.label}: language must be one of "
                           f"{', '.join(LANGUAGES)}, not {value!r} (ignored)")
    return ""


def read_language(path: Path) -> str:
    """The "language" of a config file before the window exists; "" when unset or unreadable
    (the window reports a broken file itself)."""
    try:
        return load_config(path).language
    except ConfigError:
        return ""
