"""config.json checked key by key: each problem names its key path, in the student's language.

core/config.py turns the checked values into its dataclasses; this module knows only the
file's format (its keys, their types and limits), so it imports nothing of core.config.
Every text is a core Message (core/messages.py) whose English value is the text the tests,
the log file and ``--check`` read: ``config.json: jetson_nano[1].ip is missing``. JSON key
paths and values are fields, never translated.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any, Callable

from core.messages import QT_TRANSLATE_NOOP, Message

log = logging.getLogger(__name__)

DEFAULT_CAMERA = "/dev/video0"
DEFAULT_PYTHON = "python3"
LOCAL_HOST = "local"
#: The board's LED pins (BOARD numbering) for classes 0, 1, 2, as the lab's Nanos are wired.
DEFAULT_PINS: tuple[int, ...] = (12, 16, 18)
#: The window's languages (config key "language"; "" = the system's).
LANGUAGES = ("en", "fr")
# train.py --mode: head-only on a CPU with pretrained weights, full fine-tuning otherwise (auto).
TRAINING_MODES = ("auto", "head", "full")

_MACHINE_KEYS = {
    "name", "ip", "login", "pwd", "port", "key_file", "workdir", "python", "camera", "transport",
}
_DL_ONLY_KEYS = {"scheduler", "partition", "gpus", "time", "account", "max_parallel_trainings"}
_NANO_ONLY_KEYS = {"pins"}
#: The pins a Jetson Nano's 40-pin header offers as GPIO (BOARD numbering).
_NANO_GPIO_PINS = frozenset({7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, 32,
                             33, 35, 36, 37, 38, 40})
TOP_KEYS = {"DL_server", "jetson_nano", "training", "language"}
_TRAINING_KEYS = {"arch", "epochs", "batch_size", "resolution", "pretrained", "patience", "mode"}

_STRING = QT_TRANSLATE_NOOP("core", "a string")
_INTEGER = QT_TRANSLATE_NOOP("core", "an integer")
_NUMBER = QT_TRANSLATE_NOOP("core", "a number")
_OBJECT = QT_TRANSLATE_NOOP("core", "an object")
_LIST = QT_TRANSLATE_NOOP("core", "a list")
_TYPE_NAMES = {str: _STRING, int: _INTEGER, bool: QT_TRANSLATE_NOOP("core", "true or false"),
               dict: _OBJECT, list: _LIST, float: _NUMBER}
#: json's own error texts, the common ones translated (others are shown as json says them).
_JSON_ERRORS = {message: message for message in (
    QT_TRANSLATE_NOOP("core", "Expecting ',' delimiter"),
    QT_TRANSLATE_NOOP("core", "Expecting ':' delimiter"),
    QT_TRANSLATE_NOOP("core", "Expecting value"),
    QT_TRANSLATE_NOOP("core", "Expecting property name enclosed in double quotes"),
    QT_TRANSLATE_NOOP("core", "Extra data"),
    QT_TRANSLATE_NOOP("core", "Unterminated string starting at"),
)}


class ConfigError(Exception):
    """A config file that cannot be used; str() names the file and the line or key."""


def json_type(value: Any) -> str:
    """What a JSON value is, for "must be an integer, not a string"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: _STRING, int: _INTEGER, float: _NUMBER, dict: _OBJECT,
            list: _LIST}.get(type(value), type(value).__name__)


def _key_path(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


class Reader:
    """Checks values key by key so each error can name its key path."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.warnings: list[str] = []

    def _named(self, problem: str) -> Message:
        return QT_TRANSLATE_NOOP("core", "{file}: {problem}").format(file=self.label, problem=problem)

    def fail(self, problem: str) -> ConfigError:
        """The error for `problem`, named after the file: ``config.json: <problem>``."""
        return ConfigError(self._named(problem))

    def warn(self, problem: str) -> None:
        self.warnings.append(self._named(problem))

    def get(self, obj: dict[str, Any], key: str, where: str, kind: type | tuple[type, ...],
            default: Any = None, required: bool = False) -> Any:
        """obj[key] checked against ``kind``; ``default`` when absent and not required."""
        path = _key_path(where, key)
        if key not in obj:
            if required:
                raise self.fail(QT_TRANSLATE_NOOP("core", "{key} is missing").format(key=path))
            return default
        value = obj[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a port of `true` is still a mistake.
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if wrong_bool or not isinstance(value, kinds):
            expected = _TYPE_NAMES[kinds[0]]
            for other in kinds[1:]:
                expected = QT_TRANSLATE_NOOP("core", "{first} or {second}").format(
                    first=expected, second=_TYPE_NAMES[other])
            raise self.fail(QT_TRANSLATE_NOOP("core", "{key} must be {expected}, not {actual}").format(
                key=path, expected=expected, actual=json_type(value)))
        return value

    def unknown_keys(self, obj: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in obj:
            if key not in allowed:
                self.warn(QT_TRANSLATE_NOOP("core", "unknown key {key} (ignored)").format(
                    key=_key_path(where, key)))

    def must_be_object(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise self.fail(QT_TRANSLATE_NOOP("core", "{key} must be an object, not {actual}").format(
                key=where, actual=json_type(value)))


def _at_least(reader: Reader, key: str, value: int, minimum: int) -> int:
    if value < minimum:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be {minimum} or more, not {value}").format(
            key=key, minimum=minimum, value=value))
    return value


def _host(reader: Reader, obj: dict[str, Any], where: str) -> str:
    host = reader.get(obj, "ip", where, str, required=True).strip()
    if host.startswith("[") and host.endswith("]"):  # "[::1]" as in URLs: the address
        host = host[1:-1]
    if not host or any(ch.isspace() for ch in host):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be a host name, an address or \"local\"").format(
            key=f"{where}.ip"))
    return host


def machine_values(reader: Reader, obj: Any, where: str, role: str) -> dict[str, Any]:
    """The MachineConfig fields (``role`` aside) of one machine of the file, checked."""
    reader.must_be_object(obj, where)
    reader.unknown_keys(obj, _MACHINE_KEYS | (_DL_ONLY_KEYS if role == "dl" else _NANO_ONLY_KEYS),
                        where)
    get = reader.get
    name = get(obj, "name", where, str, required=True).strip()
    if not name:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} is empty").format(key=f"{where}.name"))
    host = _host(reader, obj, where)
    transport = get(obj, "transport", where, str, default="")
    if transport not in ("", "ssh", "local"):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be \"ssh\" or \"local\", not {value!r}").format(
            key=f"{where}.transport", value=transport))
    if transport == "ssh" and host == LOCAL_HOST:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key}: ip \"local\" cannot use transport \"ssh\"").format(
            key=where))
    is_local = transport == "local" or (transport == "" and host == LOCAL_HOST)
    login = get(obj, "login", where, str, default="", required=not is_local)
    if not is_local and not login.strip():
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} is empty").format(key=f"{where}.login"))
    port = get(obj, "port", where, int, default=22)
    if not 1 <= port <= 65535:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be between 1 and 65535, not {value}").format(
            key=f"{where}.port", value=port))
    scheduler = get(obj, "scheduler", where, str, default="")
    if scheduler not in ("", "slurm"):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be \"slurm\" or \"\", not {value!r}").format(
            key=f"{where}.scheduler", value=scheduler))
    gpus = _at_least(reader, f"{where}.gpus", get(obj, "gpus", where, int, default=0), 0)
    # 0 (the default) lets job.py give each GPU it finds one training (1 without a GPU).
    max_parallel = get(obj, "max_parallel_trainings", where, int, default=0)
    if max_parallel < 0:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be 0 (one per GPU) or more, not {value}").format(
            key=f"{where}.max_parallel_trainings", value=max_parallel))
    strings = {key: get(obj, key, where, str, default=default) for key, default in (
        ("pwd", ""), ("key_file", ""), ("workdir", ""), ("python", DEFAULT_PYTHON),
        ("camera", DEFAULT_CAMERA), ("partition", ""), ("time", ""), ("account", ""))}
    return dict(name=name, host=host, login=login.strip(), password=strings.pop("pwd"), port=port,
                camera=strings.pop("camera") or DEFAULT_CAMERA, transport=transport,
                scheduler=scheduler, gpus=gpus, max_parallel_trainings=max_parallel,
                pins=pins(reader, obj, where), **strings)


def pins(reader: Reader, obj: dict, where: str) -> tuple[int, ...]:
    """A Nano's "pins": [12, 16, 18]: distinct GPIO pins of the 40-pin header."""
    numbers = obj.get("pins", list(DEFAULT_PINS))
    key = f"{where}.pins"
    if (not isinstance(numbers, list) or not numbers
            or not all(isinstance(pin, int) and not isinstance(pin, bool) for pin in numbers)):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be a list of pin numbers such as "
                                                    "[12, 16, 18]").format(key=key))
    wrong = [pin for pin in numbers if pin not in _NANO_GPIO_PINS]
    if wrong:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key}: {pin} is not a GPIO pin of the Nano's header "
                                                    "(BOARD numbering: {pins})").format(
            key=key, pin=wrong[0], pins=", ".join(map(str, sorted(_NANO_GPIO_PINS)))))
    if len(set(numbers)) != len(numbers):
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} lists a pin twice: {pins}").format(
            key=key, pins=str(numbers)))
    return tuple(numbers)


def training_values(reader: Reader, obj: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """The "training" object's values checked, `defaults` (TrainingSettings') for the rest."""
    if obj is None:
        return dict(defaults)
    reader.must_be_object(obj, "training")
    reader.unknown_keys(obj, _TRAINING_KEYS, "training")
    values: dict[str, Any] = {}
    for key in ("epochs", "batch_size", "resolution", "patience"):
        value = reader.get(obj, key, "training", int, default=defaults[key])
        values[key] = _at_least(reader, f"training.{key}", value, 0 if key == "patience" else 1)
    values["arch"] = reader.get(obj, "arch", "training", str, default=defaults["arch"])
    values["pretrained"] = reader.get(obj, "pretrained", "training", bool,
                                      default=defaults["pretrained"])
    values["mode"] = reader.get(obj, "mode", "training", str, default=defaults["mode"])
    if values["mode"] not in TRAINING_MODES:
        raise reader.fail(QT_TRANSLATE_NOOP("core", "{key} must be one of {choices}, not {value!r}").format(
            key="training.mode", choices=", ".join(TRAINING_MODES), value=values["mode"]))
    return values


def no_duplicate_keys(reader: Reader) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """json's object_pairs_hook: a key given twice is an error (json would keep the last)."""
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise reader.fail(QT_TRANSLATE_NOOP("core", "key {key!r} appears twice in the same object")
                                  .format(key=key))
            result[key] = value
        return result
    return hook


def permission_warning(path: Path, label: str, has_password: bool) -> str | None:
    """A warning when a file holding passwords can be read by other users."""
    if not has_password or os.name != "posix":
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        return QT_TRANSLATE_NOOP("core", "{file} holds passwords and other users can read it: "
                                         "run chmod 600 {path}").format(file=label, path=str(path))
    return None


def json_error(label: str, text: str, error: json.JSONDecodeError) -> str:
    """One line; a comma before `}` or `]` (allowed in Python, not in JSON) said plainly,
    at the comma's own line."""
    before = text[:error.pos].rstrip()
    closing = text[error.pos:error.pos + 1]
    if before.endswith(",") and closing in ("}", "]"):
        comma = len(before) - 1
        line = text.count("\n", 0, comma) + 1
        column = comma - (text.rfind("\n", 0, comma) + 1) + 1
        return QT_TRANSLATE_NOOP("core", "{file}: line {line}, column {column}: a comma after the last "
                                         "item (before '{closing}'): remove it, JSON does not allow it"
                                 ).format(file=label, line=line, column=column, closing=closing)
    return QT_TRANSLATE_NOOP("core", "{file}: line {line}, column {column}: {error}").format(
        file=label, line=error.lineno, column=error.colno,
        error=_JSON_ERRORS.get(error.msg, error.msg))


def language(reader: Reader, value: Any) -> str:
    """The window's language; a wrong one is a warning (the system's language is used)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value.strip().lower() in LANGUAGES:
        return value.strip().lower()
    reader.warn(QT_TRANSLATE_NOOP("core", "{key} must be one of {choices}, not {value!r} (ignored)").format(
        key="language", choices=", ".join(LANGUAGES), value=value))
    return ""
