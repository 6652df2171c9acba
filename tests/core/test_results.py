"""core/results.py and core/history.py: the wrong pictures mapped to the laptop's files,
the trash-safe move, the server's last results, the saved model, the trainings list."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from core import history, results
from core.machines import open_connection
from core.workspace import Workspace, WorkspaceError
from tests.media import make_image_folder


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    make_image_folder(tmp_path / "ws" / "images", per_class=20, size=(32, 24))
    space = Workspace(tmp_path / "ws")
    space.split(seed=0)
    return space


def files_in_test(space: Workspace, cls: str) -> list[str]:
    return sorted(f"{cls}/{p.name}" for p in (space.root / "test" / cls).iterdir())


def evaluation_of(space: Workspace) -> dict:
    blue, red = files_in_test(space, "blue"), files_in_test(space, "red")
    pictures = [[blue[0], 0, 0, 0.9], [blue[1], 0, 1, 0.6], [red[0], 1, 0, 0.95]]
    return {"classes": ["blue", "red"], "confusion": [[1, 1], [1, 0]], "accuracy": 1 / 3,
            "pictures": pictures, "mistakes": []}


def test_every_wrong_picture_is_found_on_the_laptop_worst_first(workspace):
    pictures, notes = results.wrong_pictures(evaluation_of(workspace), workspace)
    assert notes == []
    assert [(p.true_class, p.predicted, p.confidence) for p in pictures] == [
        ("red", "blue", 0.95), ("blue", "red", 0.6)]
    for picture in pictures:
        assert picture.path.parent.parent == workspace.images_dir
        assert os.path.samefile(picture.path, workspace.root / "test" / picture.file)


def test_an_old_evaluation_and_a_removed_picture_give_one_line_each(workspace):
    old = {"classes": ["blue", "red"], "confusion": [[1, 1], [0, 1]],
           "mistakes": [{"file": files_in_test(workspace, "blue")[0], "label": "blue",
                         "predicted": "red", "confidence": 0.7}]}
    pictures, notes = results.wrong_pictures(old, workspace)
    assert len(pictures) == 1 and len(notes) == 1 and "older version" in notes[0]
    assert results.wrong_pictures({"classes": ["a"]}, workspace)[1][0].startswith(
        "This evaluation comes from an older version")
    evaluation = evaluation_of(workspace)
    workspace.delete_image(workspace.images_dir / evaluation["pictures"][2][0])
    pictures, notes = results.wrong_pictures(evaluation, workspace)
    assert [p.path is None for p in pictures] == [True, False]
    assert notes == [f"1 wrong test picture(s) were removed or moved since the evaluation: "
                     f"{evaluation['pictures'][2][0]}."]
    evaluation["pictures"].append(["../../etc/passwd", 0, 1, 0.5])
    evaluation["pictures"].append(["broken"])
    pictures, _ = results.wrong_pictures(evaluation, workspace)
    assert all(p.path is None or p.path.parent.parent == workspace.images_dir for p in pictures)


def test_move_to_another_class_renames_to_a_new_number_and_never_overwrites(workspace):
    source = workspace.images("blue")[0]
    content = source.read_bytes()
    before = {p.name: p.read_bytes() for p in workspace.images("red")}
    assert workspace.split_is_current()
    placed = results.move_picture(workspace, source, "red")
    assert not source.exists() and placed.read_bytes() == content
    assert placed.parent == workspace.images_dir / "red" and placed.name == "00021.jpg"
    assert all((workspace.images_dir / "red" / n).read_bytes() == b for n, b in before.items())
    assert not workspace.split_is_current()          # the next upload splits again
    with pytest.raises(WorkspaceError, match="no longer a picture"):
        results.move_picture(workspace, source, "red")
    with pytest.raises(WorkspaceError, match="does not exist"):
        results.move_picture(workspace, placed, "green")
    with pytest.raises(WorkspaceError, match="already in class"):
        results.move_picture(workspace, placed, "red")


def test_last_results_and_saved_model_come_from_the_dl_server(tmp_path, local_machine, workspace):
    dl = local_machine("dl")
    model = Path(dl.workdir) / "models" / "demo" / "model"
    model.mkdir(parents=True)
    (model / "metrics.jsonl").write_text('{"epoch": 1, "val_acc": 0.5}\n{"epoch": 2, "val_acc": 0.75}\n')
    (model / "evaluation.json").write_text(json.dumps(evaluation_of(workspace)))
    (model / "resnet18.onnx").write_bytes(b"onnx bytes")
    (model / "labels.txt").write_text("blue\nred\n")
    with open_connection(dl) as conn:
        found = results.fetch_last_results(conn, "demo")
        assert [e["val_acc"] for e in found.epochs] == [0.5, 0.75] and found.notes == []
        assert found.evaluation["classes"] == ["blue", "red"]
        gone = results.fetch_last_results(conn, "deleted")
        assert gone.evaluation is None and gone.notes == [
            "The model deleted is no longer on the DL server (local-dl): upload and train again."]
        first = results.save_model(conn, "demo", tmp_path / "saved", resolution=32)
        second = results.save_model(conn, "demo", tmp_path / "saved")
        with pytest.raises(WorkspaceError, match="convert the model first"):
            results.save_model(conn, "deleted", tmp_path / "saved")
    assert first == tmp_path / "saved" / "demo" and second == tmp_path / "saved" / "demo-1"
    assert (first / "resnet18.onnx").read_bytes() == b"onnx bytes"
    readme = (first / "README.txt").read_text()
    assert "2 classes (blue, red)" in readme and "32x32" in readme and "0.229" in readme


def test_trainings_history_merges_the_laptop_and_the_server(tmp_path, local_machine, workspace):
    pattern = history.project_pattern(workspace.root)
    dl = local_machine("dl")
    models = Path(dl.workdir) / "models"
    for name in ("ws-20261201-100000", "ws-20261202-100000", "other-20261202-100000"):
        (models / name / "model").mkdir(parents=True)
        (models / name / "labels.txt").write_text("blue\nred\n")
    (models / "ws-20261202-100000/model/evaluation.json").write_text('{"accuracy": 0.9}')
    assert pattern.match("ws-20261202-100000-2") and not pattern.match("other-20261202-100000")
    history.record(workspace, "ws-20261130-090000", classes=["blue", "red"], dl_server="local-dl")
    history.record(workspace, "ws-20261201-100000", settings={"epochs": 3}, dl_server="local-dl")
    history.record(workspace, "ws-20261201-100000", nano="nano1")
    history.record(workspace, "ws-20261201-100000", nano="nano1")
    assert [t.nanos for t in history.load(workspace)] == [[], ["nano1"]]
    report = type("R", (), {"line": lambda self, text: None})()
    merged = history.history_task(open_connection, dl, workspace, report)
    assert [t.model for t in merged] == ["ws-20261202-100000", "ws-20261201-100000", "ws-20261130-090000"]
    newest, middle, oldest = merged
    assert newest.test_acc == 0.9 and newest.date == "2026-12-02 10:00" and newest.on_server
    assert middle.settings == {"epochs": 3} and middle.classes == ["blue", "red"]
    assert middle.where() == "DL server local-dl; Nano nano1"
    assert oldest.where() == "deleted from the DL server"
    lines: list[str] = []
    report.line = lines.append
    offline = history.history_task(open_connection, local_machine("dl", host="127.0.0.1", port=1,
                                                                  transport="ssh"), workspace, report)
    assert len(offline) == 2 and len(lines) == 1 and lines[0].startswith("Could not ask")


def test_the_history_shows_the_val_accuracy_of_the_kept_model(local_machine, workspace):
    dl = local_machine("dl")
    model = Path(dl.workdir) / "models" / "ws-20261203-100000" / "model"
    model.mkdir(parents=True)
    records = [{"epoch": 1, "val_acc": 0.9, "best": False}, {"epoch": 2, "val_acc": 0.8, "best": True}]
    (model / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))  # head-only: last kept
    with open_connection(dl) as conn:
        (entry,) = history.server_trainings(conn, workspace.root)
    assert entry.best_val_acc == 0.8
