"""Which of the eight steps a student can press now, computed in one place.

The window keeps a `ProjectState` (what it knows of the working space, the model and the
machines, and which tasks run) and asks `enabled_steps` after every change, instead of
enabling buttons here and there as tasks end: a button can then never stay enabled for a
folder that has no project, nor be pressed twice while its task runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Step name -> the task key the window runs it under.
STEP_TASKS: dict[str, str] = {
    "project": "open",
    "split": "split",
    "upload": "upload",
    "train": "train",
    "convert": "convert",
    "upload_nano": "upload-nano",
    "inference": "inference",
}


@dataclass(frozen=True)
class ProjectState:
    """What the window knows; every field is plain data, so the rules are tested alone."""

    workspace_open: bool = False
    forms: int = 0                 # class forms in the window
    classes: int = 0               # classes created (a folder in images/)
    split_done: bool = False       # labels.txt and train/val/test exist
    model_name: str = ""           # the project's model on the DL server
    trained: bool = False          # a training of that model ended (or a reopened project)
    converted: bool = False        # its ONNX file exists (or a reopened project)
    dl_server: bool = False        # config.json names a DL server
    nano: bool = False             # a Nano is selected
    nano_models: bool = False      # the selected Nano already holds models
    running: frozenset[str] = field(default_factory=frozenset)
    stoppable: bool = False        # a running task ends (or is cancelled) on Stop


def enabled_steps(state: ProjectState) -> dict[str, bool]:
    """Step name (STEP_TASKS' keys, plus "record" and "stop") -> can it be pressed now."""
    busy = state.running
    has_model = bool(state.model_name) and state.dl_server
    enabled = {
        "project": state.workspace_open,
        "record": state.workspace_open and state.forms > 0,
        "split": state.workspace_open and state.classes > 0 and "upload" not in busy,
        "upload": state.workspace_open and state.split_done and state.dl_server
                  and "split" not in busy,
        "train": state.workspace_open and has_model and "upload" not in busy,
        "convert": state.workspace_open and has_model and state.trained and "train" not in busy,
        "upload_nano": state.workspace_open and has_model and state.converted and state.nano
                       and "convert" not in busy,
        "inference": state.nano and (state.nano_models or (has_model and state.converted))
                     and "upload-nano" not in busy,
    }
    for step, task in STEP_TASKS.items():
        if task in busy:
            enabled[step] = False
    enabled["stop"] = state.stoppable
    return enabled
