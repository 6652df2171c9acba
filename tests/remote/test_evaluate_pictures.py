"""evaluate.py gives every test picture's result (issue 17), compactly, beside the
older fields: the known-answer 'network' of test_dl_scripts decides each picture."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.remote.test_dl_scripts import evaluate_known_answer, small_dataset, workdir  # noqa: F401 (fixture)


def test_every_test_picture_has_its_result(tmp_path: Path, workdir: Path) -> None:
    dataset = small_dataset(tmp_path / "pictures")
    shutil.copy(dataset / "test/red/00001.jpg", dataset / "test/blue/90000.jpg")  # a red one filed as blue
    result = evaluate_known_answer(workdir, dataset).of("evaluation")[0]
    files = sorted(f"{p.parent.name}/{p.name}" for p in (dataset / "test").glob("*/*.jpg"))
    assert sorted(p[0] for p in result["pictures"]) == files
    by_file = {p[0]: p for p in result["pictures"]}
    wrong = by_file["blue/90000.jpg"]
    assert wrong[1:3] == [0, 1] and 0.5 < wrong[3] <= 1.0
    assert all(p[1] == p[2] for name, p in by_file.items() if name != "blue/90000.jpg")
    assert result["mistakes"] == [{"file": "blue/90000.jpg", "label": "blue", "predicted": "red",
                                   "confidence": wrong[3]}]   # the older field stays
