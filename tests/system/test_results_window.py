"""Issue 17 against a real (local) DL server: a tiny model is trained, converted and
evaluated there; a reopened project shows its curves, its test results, every wrong
test picture (mapped to the laptop's images/) and the trainings list; one wrong picture
is moved to the other class; the model is saved to this computer."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from core import jobs, tasks
from core.config import TrainingSettings
from core.machines import open_connection
from core.pipeline import Report
from tests.media import CLASS_COLOURS, make_image_folder


def _workspace(root: Path) -> tasks.Workspace:
    """blue, red, and 'pink' pictures that are copies of red ones: the model must mix
    red and pink up, so there are wrong pictures to show whatever it learns."""
    images = make_image_folder(root / "images", {"blue": CLASS_COLOURS["blue"],
                                                 "red": CLASS_COLOURS["red"]}, per_class=15, size=(48, 36))
    (images / "pink").mkdir()
    for path in sorted((images / "red").iterdir()):
        shutil.copy(path, images / "pink" / path.name)
    workspace = tasks.Workspace(root)
    workspace.split(seed=0)
    return workspace


def test_a_reopened_project_shows_its_results_and_wrong_pictures(qtbot, tmp_path, local_machine,
                                                                  monkeypatch):
    import ai_nano
    dl = local_machine("dl")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "DL_server": {"name": "DL", "ip": "local", "workdir": dl.workdir, "python": sys.executable},
        "jetson_nano": [], "training": {"resolution": 32}}))
    workspace = _workspace(tmp_path / "ws")
    lines: list[str] = []
    report = Report(line=lines.append)
    name = tasks.upload_dataset_task(open_connection, dl, workspace, report)
    settings = TrainingSettings(epochs=2, batch_size=8, resolution=32, pretrained=False, patience=0)
    jobs.train_model(open_connection, dl, name, settings, report)
    jobs.convert_to_onnx(open_connection, dl, name, report)
    tests_here = sorted(f"{p.parent.name}/{p.name}" for p in (workspace.root / "test").glob("*/*"))

    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    shown: list[dict] = []
    window.results_panel.evaluation_shown.connect(shown.append)
    window.open_workspace(workspace.root)
    qtbot.waitUntil(lambda: window.results.last_analysis is not None, timeout=60_000)
    evaluation = shown[0]
    assert sorted(p[0] for p in evaluation["pictures"]) == tests_here   # every test picture
    assert window.training_panel.epochs_done() == 2                     # the curves
    wrong = evaluation["images"] - evaluation["correct"]
    panel = window.results.mistakes
    assert wrong > 0 and panel.count() == wrong
    analysis = window.results.last_analysis
    confidences = [p.confidence for p in analysis.pictures]
    assert confidences == sorted(confidences, reverse=True)              # worst first
    assert all(os.path.samefile(p.path, workspace.root / "test" / p.file) for p in analysis.pictures)
    qtbot.waitUntil(lambda: window.results.thumbnails_done, timeout=30_000)
    assert all(not panel.list.item(row).icon().isNull() for row in range(wrong))
    assert analysis.findings and "What went wrong" in panel.findings_label.text()
    qtbot.waitUntil(lambda: window.results.history.table.rowCount() == 1, timeout=30_000)
    assert window.results.history.table.item(0, 1).text() == name
    assert window.results.history.table.item(0, 6).text() == f"{evaluation['accuracy'] * 100:.1f} %"
    window.model_name = "something-else"
    window.results.history.select_models([name])
    window.results.history.use_button.click()
    assert window.model_name == name and window.state.trained and window.state.converted
    qtbot.waitUntil(lambda: window.results.thumbnails_done and panel.count() == wrong, timeout=30_000)

    picture = analysis.pictures[0]
    target = next(c for c in ("blue", "red", "pink") if c != picture.true_class)
    panel.select(0)
    panel.request_move(target)
    qtbot.waitUntil(lambda: panel.count() == wrong - 1, timeout=10_000)
    assert not picture.path.exists()
    assert "the next upload splits the pictures again" in window.txt_log.toPlainText()
    assert not workspace.split_is_current()

    monkeypatch.setattr(window.results, "ask_folder", lambda: str(tmp_path / "saved"))
    window.results.save_model(name)
    qtbot.waitUntil(lambda: "Model saved in" in window.txt_log.toPlainText(), timeout=30_000)
    saved = tmp_path / "saved" / name
    assert (saved / "labels.txt").read_text().split() == ["blue", "pink", "red"]
    assert (saved / "resnet18.onnx").stat().st_size > 1000 and "32x32" in (saved / "README.txt").read_text()
    code = "\n".join(line[4:] for line in (saved / "README.txt").read_text().splitlines()
                     if line.startswith("    ") and "pip install" not in line)
    picture = next((workspace.images_dir / "blue").iterdir())
    ran = subprocess.run([sys.executable, "-c", code.replace("picture.jpg", str(picture))],
                         cwd=saved, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr                               # the README's code runs
    assert ran.stdout.split()[0] in ("blue", "pink", "red")
    assert "ERROR" not in window.txt_log.toPlainText()
    window.close()


def test_old_evaluations_deleted_models_and_removed_pictures_give_one_line_each(qtbot, tmp_path,
                                                                                 local_machine):
    import ai_nano
    dl = local_machine("dl")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "DL_server": {"name": "DL", "ip": "local", "workdir": dl.workdir, "python": sys.executable},
        "jetson_nano": []}))
    workspace = _workspace(tmp_path / "ws")
    name = "ws-20261201-100000"
    workspace.write_state({"model": name, "dl_server": "DL"})
    removed, kept = sorted((workspace.root / "test" / "red").iterdir())[:2]
    model = Path(dl.workdir) / "models" / name / "model"
    model.mkdir(parents=True)
    old = {"classes": ["blue", "pink", "red"], "confusion": [[2, 0, 0], [0, 1, 1], [0, 2, 0]],
           "images": 6, "correct": 3, "accuracy": 0.5,
           "mistakes": [{"file": f"red/{p.name}", "label": "red", "predicted": "pink",
                         "confidence": 0.8} for p in (removed, kept)]}   # no "pictures": older scripts
    (model / "evaluation.json").write_text(json.dumps(old))
    workspace.delete_image(workspace.images_dir / "red" / removed.name)

    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "known_hosts")
    qtbot.addWidget(window)
    window.open_workspace(workspace.root)
    qtbot.waitUntil(lambda: window.results.last_analysis is not None, timeout=30_000)
    log = window.txt_log.toPlainText()
    assert log.count("older version of the scripts: only its first 2 wrong picture(s)") == 1
    assert log.count(f"1 wrong test picture(s) were removed or moved since the evaluation: "
                     f"red/{removed.name}.") == 1
    assert window.results.mistakes.count() == 2
    (model / "metrics.jsonl").write_text('{"epoch": 1, "val_acc": 0.4}\n{"epoch": 2, "val_acc": 0.6}\n')
    other = Path(dl.workdir) / "models" / "ws-20261202-100000" / "model"
    other.mkdir(parents=True)
    (other / "metrics.jsonl").write_text('{"epoch": 1, "val_acc": 0.8}\n')
    window.results.compare([name, "ws-20261202-100000"])  # two trainings side by side
    qtbot.waitUntil(lambda: window.results.history.compared_models() == [name, "ws-20261202-100000"],
                    timeout=30_000)
    window._on_uploaded("ws-20261202-100000")          # step 4 done: the history notes it
    history_file = workspace.state_dir / "trainings.json"

    def entry() -> dict:
        saved = json.loads(history_file.read_text())["trainings"] if history_file.exists() else []
        return next((e for e in saved if e["model"] == "ws-20261202-100000" and e.get("counts")), {})
    qtbot.waitUntil(lambda: bool(entry()), timeout=30_000)
    entry = entry()
    assert entry["counts"] == {"blue": 15, "pink": 15, "red": 14} and entry["dl_server"] == "DL"
    window.results.use_model("ws-20261130-090000")
    qtbot.waitUntil(lambda: "is no longer on the DL server" in window.txt_log.toPlainText(),
                    timeout=30_000)
    assert window.model_name == "ws-20261130-090000"
    live = {**old, "event": "evaluation", "pictures": [[f"red/{kept.name}", 2, 1, 0.7]]}
    window.results_panel.feed_line("@ai_nano " + json.dumps(live))   # step 6's own output
    qtbot.waitUntil(lambda: window.results.mistakes.count() == 1 and window.results.thumbnails_done,
                    timeout=30_000)
    assert window.results.last_analysis.pictures[0].path == workspace.images_dir / "red" / kept.name
    log = window.txt_log.toPlainText()
    assert "ERROR" not in log and "Unexpected" not in log and "Traceback" not in log
    window.close()
