"""Every training of a project: a local history merged with what the DL server has.

The app writes `<workspace>/.ai_nano/trainings.json` at each upload, training,
evaluation and upload to a Nano, so the list survives a server that was wiped; the
DL server's `models/<name>/` folders of this project add what the laptop never saw
(trainings made from another copy of the project) and say which models still exist
there. Qt-free; the reads and writes run in workers.
"""
from __future__ import annotations

import json
import logging
import posixpath
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core.messages import QT_TRANSLATE_NOOP, concat
from core.names import suggest_model_name
from core.protocol import events
from core.workspace import Workspace

log = logging.getLogger(__name__)

HISTORY_FILE = "trainings.json"
_LOCK = threading.Lock()   # two workers recording at once must not lose an entry


@dataclass
class Training:
    """One training as the history list shows it."""

    model: str
    date: str = ""
    classes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    best_val_acc: float | None = None
    test_acc: float | None = None
    dl_server: str = ""
    on_server: bool | None = None      # None: the server was not asked
    nanos: list[str] = field(default_factory=list)

    def where(self) -> str:
        """"DL server DL, Nanos nano1, nano2" / "nowhere any more"."""
        places = []
        if self.on_server:
            places.append(QT_TRANSLATE_NOOP("core", "DL server {name}").format(name=self.dl_server)
                          if self.dl_server else QT_TRANSLATE_NOOP("core", "DL server"))
        elif self.on_server is False:
            places.append(QT_TRANSLATE_NOOP("core", "deleted from the DL server"))
        if self.nanos:
            places.append(QT_TRANSLATE_NOOP("core", "Nano {names}").format(names=", ".join(self.nanos)))
        return concat(*places, sep="; ") if places else "?"


def load(workspace: Workspace) -> list[Training]:
    """The local history, oldest first ([] when missing or unreadable)."""
    entries = workspace.read_state(HISTORY_FILE).get("trainings", [])
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("model"), str):
            known = {k: v for k, v in entry.items() if k in Training.__dataclass_fields__}
            try:
                found.append(Training(**known))
            except TypeError:
                log.warning("skipping a damaged training entry: %.80r", entry)
    return found


def record(workspace: Workspace, model: str, **fields: Any) -> Training:
    """Add or update the entry of `model` (a `nano=` field joins the list of Nanos)."""
    nano = fields.pop("nano", None)
    with _LOCK:
        trainings = load(workspace)
        entry = next((t for t in trainings if t.model == model), None)
        if entry is None:
            match = project_pattern(workspace.root).match(model)   # named at upload time
            entry = Training(model=model, date=_date(match) if match else time.strftime("%Y-%m-%d %H:%M"))
            trainings.append(entry)
        for key, value in fields.items():
            if key in Training.__dataclass_fields__ and key != "model":
                setattr(entry, key, value)
        if nano and nano not in entry.nanos:
            entry.nanos.append(nano)
        data = [{k: v for k, v in vars(t).items() if k != "on_server"} for t in trainings]
        workspace.write_state({"trainings": data}, HISTORY_FILE)
    return entry


def project_pattern(root: Path) -> re.Pattern:
    """The model names this project's uploads get (core/names.py): `<slug>-<date>-<time>`."""
    slug = suggest_model_name(root, now=datetime(2000, 1, 1)).rsplit("-", 2)[0]
    return re.compile(rf"^{re.escape(slug)}-(\d{{8}})-(\d{{6}})(?:-\d+)?$")


def _date(match: re.Match) -> str:
    day, hour = match.group(1), match.group(2)
    return f"{day[:4]}-{day[4:6]}-{day[6:]} {hour[:2]}:{hour[2:4]}"


def _server_entry(conn: Any, model: str, match: re.Match) -> Training:
    base = posixpath.join(conn.workdir(), "models", model)
    entry = Training(model=model, date=_date(match),
                     dl_server=conn.machine.name, on_server=True)
    labels = posixpath.join(base, "labels.txt")
    if conn.exists(labels):
        entry.classes = [line.strip() for line in conn.read_text(labels).splitlines() if line.strip()]
    metrics = posixpath.join(base, "model", "metrics.jsonl")
    if conn.exists(metrics):
        records = [e.data for e in events(conn.read_text(metrics).splitlines())
                   if isinstance(e.data.get("val_acc"), (int, float))]
        kept = [r for r in records if r.get("best") is True]  # head-only keeps its last epoch
        entry.best_val_acc = (float(kept[-1]["val_acc"]) if kept
                              else max((float(r["val_acc"]) for r in records), default=None))
    evaluation = posixpath.join(base, "model", "evaluation.json")
    if conn.exists(evaluation):
        try:
            entry.test_acc = float(json.loads(conn.read_text(evaluation)).get("accuracy"))
        except (ValueError, TypeError, AttributeError):
            log.warning("unreadable %s", evaluation)
    return entry


def server_trainings(conn: Any, root: Path) -> list[Training]:
    """This project's models on the DL server, with what their files say."""
    pattern = project_pattern(root)
    found = []
    for model in conn.listdir(posixpath.join(conn.workdir(), "models")):
        match = pattern.match(model)
        if match:
            found.append(_server_entry(conn, model, match))
    return found


def merge(local: list[Training], server: list[Training] | None, dl_name: str = "") -> list[Training]:
    """The local entries, completed and located by the server's (None: server not asked),
    plus the server's own; newest first."""
    by_model = {t.model: t for t in server or []}
    merged = []
    for entry in local:
        remote = by_model.pop(entry.model, None)
        if server is not None and (not entry.dl_server or entry.dl_server == dl_name):
            entry.on_server = remote is not None
        if remote is not None:
            entry.classes = entry.classes or remote.classes
            entry.best_val_acc = remote.best_val_acc if remote.best_val_acc is not None else entry.best_val_acc
            entry.test_acc = remote.test_acc if remote.test_acc is not None else entry.test_acc
            entry.dl_server = entry.dl_server or remote.dl_server
        merged.append(entry)
    merged += by_model.values()
    return sorted(merged, key=lambda t: (t.date, t.model), reverse=True)


def history_task(connect: Any, dl: Any, workspace: Workspace, report: Any) -> list[Training]:
    """The merged list (a worker's task); a DL server that cannot be asked leaves the
    local history, with one line saying so."""
    local = load(workspace)
    server = None
    if dl is not None:
        try:
            with connect(dl) as conn:
                server = server_trainings(conn, workspace.root)
        except Exception as error:   # MachineError and friends: history stays usable
            report.line(QT_TRANSLATE_NOOP("core", "Could not ask {machine} for the trainings: "
                                          "{reason}").format(
                machine=dl.name, reason=(str(error).splitlines() or [""])[0]))
    return merge(local, server, dl.name if dl is not None else "")
