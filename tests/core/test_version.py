"""One version (core/version.py): --version, --check, the window title, and the manifest
of the scripts the app deploys, so a laptop and a server that disagree show it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core import checks
from core import pipeline
from core import version
from core.version import __version__
from core.machines import open_connection
from core.pipeline import Report
from tests.paths import REPO

ROOT = REPO
APP = ROOT / "ai_nano.py"


def test_version_flag_prints_the_one_version() -> None:
    result = subprocess.run([sys.executable, str(APP), "--version"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == f"ai_nano {__version__}\n"
    assert __version__.count(".") == 2 and all(p.isdigit() for p in __version__.split("."))


def test_check_prints_the_version(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"DL_server": null, "jetson_nano": []}')
    result = subprocess.run([sys.executable, str(APP), "--check", "--config", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines()[0] == f"ai_nano {__version__}", result.stdout + result.stderr


def test_deployed_scripts_carry_the_version(local_machine, tmp_path: Path, monkeypatch) -> None:
    lines: list[str] = []
    with open_connection(local_machine("dl")) as conn:
        target = os.path.join(conn.workdir(), "dl")
        assert pipeline.deploy_scripts(conn, pipeline.DL_SCRIPTS, target, Report(lines.append))
        manifest = Path(target, ".ai_nano_scripts.json")
        assert json.loads(manifest.read_text())["ai_nano_version"] == __version__
        # another app version, the same scripts: nothing copied, the version rewritten
        monkeypatch.setattr(pipeline, "__version__", "9.9.9")
        assert pipeline.deploy_scripts(conn, pipeline.DL_SCRIPTS, target, Report()) == 0
        assert json.loads(manifest.read_text())["ai_nano_version"] == "9.9.9"
        assert pipeline.deploy_scripts(conn, pipeline.DL_SCRIPTS, target, Report()) == 0


def test_machine_check_shows_scripts_of_another_version(local_machine) -> None:
    nano = local_machine("nano", camera="rtsp://camera")
    with open_connection(nano) as conn:
        scripts = os.path.join(conn.workdir(), "nano_scripts")
        pipeline.deploy_scripts(conn, pipeline.NANO_SCRIPTS, scripts, Report())
    row = checks.check_machine(nano)
    assert row.result("software").state == checks.OK, row.result("software")
    manifest = Path(scripts, ".ai_nano_scripts.json")
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "ai_nano_version": "1.0.0"}))
    software = checks.check_machine(nano).result("software")
    assert software.state == checks.WARN and software.text.startswith("old scripts; ONNX Runtime")
    assert (f"scripts there come from ai_nano 1.0.0, this app is {__version__}"
            in software.detail)
    assert "old scripts" in checks.format_table([checks.check_machine(nano)])


def test_version_note_without_a_version_in_the_manifest() -> None:
    assert version.scripts_version_note(__version__) == ""
    assert "older than" in version.scripts_version_note("")
