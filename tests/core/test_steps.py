"""core/steps.py: which steps can be pressed, from the project's state alone."""
from __future__ import annotations

from core.steps import ProjectState, enabled_steps


def pressable(state: ProjectState) -> set[str]:
    return {step for step, enabled in enabled_steps(state).items() if enabled}


def test_nothing_before_a_working_space():
    assert pressable(ProjectState(dl_server=True, nano=True)) == set()


def test_the_steps_open_one_after_the_other():
    state = ProjectState(workspace_open=True, dl_server=True, nano=True)
    assert pressable(state) == {"project"}
    state = ProjectState(**{**state.__dict__, "forms": 2})
    assert pressable(state) == {"project", "record"}   # forms, but no class created yet
    state = ProjectState(**{**state.__dict__, "classes": 2})
    assert pressable(state) == {"project", "record", "split"}
    state = ProjectState(**{**state.__dict__, "split_done": True})
    assert "upload" in pressable(state) and "train" not in pressable(state)
    state = ProjectState(**{**state.__dict__, "model_name": "ws-1"})
    assert "train" in pressable(state) and "convert" not in pressable(state)
    state = ProjectState(**{**state.__dict__, "trained": True})
    assert "convert" in pressable(state) and "upload_nano" not in pressable(state)
    state = ProjectState(**{**state.__dict__, "converted": True})
    assert {"upload_nano", "inference"} <= pressable(state)


def test_a_folder_without_a_project_closes_the_later_steps():
    """Switching from a trained project to an empty folder: only step 1 stays."""
    empty = ProjectState(workspace_open=True, dl_server=True, nano=True, nano_models=False)
    assert pressable(empty) == {"project"}


def test_a_running_task_disables_its_own_step_and_its_neighbours():
    ready = ProjectState(workspace_open=True, forms=2, classes=2, split_done=True, model_name="m",
                         trained=True, converted=True, dl_server=True, nano=True)
    uploading = ProjectState(**{**ready.__dict__, "running": frozenset({"upload"})})
    assert not {"upload", "split", "train"} & pressable(uploading)
    assert "stop" in pressable(ProjectState(**{**uploading.__dict__, "stoppable": True}))
    training = ProjectState(**{**ready.__dict__, "running": frozenset({"train"})})
    assert not {"train", "convert"} & pressable(training)
    checking = ProjectState(**{**ready.__dict__, "running": frozenset({"check"})})
    assert "stop" not in pressable(checking)


def test_no_dl_server_no_upload_and_no_nano_no_inference():
    state = ProjectState(workspace_open=True, classes=2, split_done=True, model_name="m",
                         trained=True, converted=True, nano_models=True)
    assert not {"upload", "train", "convert", "upload_nano", "inference"} & pressable(state)
