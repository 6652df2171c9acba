"""Issue 16: config.json's errors and warnings reach the French window in French.

The real window started on a real config.json, with the shipped .qm installed: a broken
file (a comma after the last item, a missing comma) is shown in the status line and the
log in French, key paths and values as they are; a file that loads with warnings (an
unknown key, a wrong language, passwords readable by others) lists them in French. The
English texts stay what the tests of core/config.py read.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import ai_nano
from core.config import ConfigError, load_config
from core.messages import Message, text_of


def started_window(qtbot, tmp_path: Path, config: Path, machines: int) -> ai_nano.GUI_ai_nano:
    """The window on `config`, once its start-up check of the machines has ended."""
    window = ai_nano.GUI_ai_nano(config, known_hosts=tmp_path / "kh")
    qtbot.addWidget(window)
    if machines:
        table = window.machines_panel.table
        qtbot.wait_until(lambda: table.columnCount() == machines and table.item(0, 0) is not None,
                         timeout=60_000)
    qtbot.wait_until(lambda: not window.runner.running(), timeout=60_000)
    return window


def log_text(window: ai_nano.GUI_ai_nano) -> str:
    return window.log_view.edit.toPlainText()


def config_error(path: Path) -> Message:
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = text_of(raised.value)
    assert isinstance(message, Message)
    return message


def test_a_comma_after_the_last_item_is_explained_in_french(qtbot, tmp_path, french):
    config = tmp_path / "config.json"
    config.write_text('{"DL_server": {"name": "dl",\n "ip": "local",\n}}\n')
    assert config_error(config) == ("config.json: line 2, column 15: a comma after the last item "
                                    "(before '}'): remove it, JSON does not allow it")   # English kept
    window = started_window(qtbot, tmp_path, config, machines=0)
    french_text = ("config.json : ligne 2, colonne 15 : une virgule après le dernier élément "
                   "(avant « } ») : supprimez-la, JSON ne l’autorise pas")
    assert window.lbl_status.text() == french_text
    assert f"ERREUR : {french_text}" in log_text(window)
    assert "a comma after" not in log_text(window)


def test_json_own_error_is_french_too(qtbot, tmp_path, french):
    config = tmp_path / "config.json"
    config.write_text('{"DL_server": {"name": "dl" "ip": "local"}}')
    assert config_error(config) == "config.json: line 1, column 29: Expecting ',' delimiter"
    window = started_window(qtbot, tmp_path, config, machines=0)
    assert window.lbl_status.text() == ("config.json : ligne 1, colonne 29 : une virgule « , » "
                                        "est attendue")


def test_a_wrong_key_type_names_the_key_and_the_types_in_french(qtbot, tmp_path, french):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "dl", "ip": "local", "port": "22"}}))
    assert config_error(config) == "config.json: DL_server.port must be an integer, not a string"
    window = started_window(qtbot, tmp_path, config, machines=0)
    assert window.lbl_status.text() == ("config.json : DL_server.port doit être un entier, "
                                        "pas une chaîne de caractères")


def test_the_warnings_of_a_config_that_loads_are_french(qtbot, tmp_path, french):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"DL_server": {"name": "dl", "ip": "local", "pwd": "x",
                                                "colour": "red", "workdir": str(tmp_path / "dl")},
                                  "language": "de"}))
    config.chmod(0o644)
    assert sorted(load_config(config).warnings) == sorted([      # English kept
        "config.json: unknown key DL_server.colour (ignored)",
        "config.json: language must be one of en, fr, not 'de' (ignored)",
        f"config.json holds passwords and other users can read it: run chmod 600 {config}"])
    window = started_window(qtbot, tmp_path, config, machines=1)
    log = log_text(window)
    assert "Attention : config.json : clé inconnue DL_server.colour (ignorée)" in log
    assert ("Attention : config.json : language doit être l’une des valeurs en, fr, pas 'de' "
            "(valeur ignorée)") in log
    assert ("Attention : config.json contient des mots de passe et d’autres utilisateurs "
            f"peuvent le lire : lancez chmod 600 {config}") in log
    for english in ("unknown key", "must be one of", "holds passwords", "Warning"):
        assert english not in log
    assert window.cb_nano_name.count() == 0 and window.config.dl_server.name == "dl"
