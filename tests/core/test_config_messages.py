"""Issue 16: every error and warning of config.json is a core Message with a French text.

The English value is what tests/core/test_config.py reads; here each one is rendered with
the French translations of i18n/ai_nano_fr.ts (core/messages.render, as the window does):
no English word is left, the key paths and values stay as the file spells them.
"""
from __future__ import annotations

import json
import re

import pytest

from core.config import Config, ConfigError, MachineConfig, load_config
from core.messages import Message, render, text_of
from tests.core.test_config import MALFORMED, OLD_FORMAT, _with, write
from tests.core.test_messages import french_core_translations

ENGLISH_WORDS = re.compile(r"\b(must|missing|empty|twice|line|column|holds|unknown|ignored|"
                           r"Expecting|between|integer|string|number|list of|known|named|"
                           r"remove|cannot|file not found)\b")


@pytest.fixture(scope="module")
def to_french():
    translations = french_core_translations()

    def translate(context: str, text: str) -> str:
        return translations[text][0] if context == "core" and text in translations else text
    return lambda message: render(message, translate, decimal_comma=True)


def error_of(tmp_path, content) -> Message:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, content))
    message = text_of(caught.value)
    assert isinstance(message, Message)
    return message


@pytest.mark.parametrize("content, english", MALFORMED)
def test_each_config_error_is_french_with_its_key_path(tmp_path, to_french, content, english):
    message = error_of(tmp_path, content)
    assert message == english                   # the English text is unchanged
    french = to_french(message)
    assert french.startswith("config.json : ") and ENGLISH_WORDS.search(french) is None, french
    for quoted in re.findall(r"\b(?:DL_server|jetson_nano|training)[\w.\[\]]*|'\w[^']*'", english):
        assert quoted in french                 # key paths and values as the file has them


def test_the_json_errors_json_did_not_word_commonly_stay_as_json_says(tmp_path, to_french):
    message = error_of(tmp_path, '{"DL_server": "a\tb"}')   # a tab inside a string
    assert message.startswith("config.json: line 1, column 17: Invalid control character")
    assert to_french(message).startswith("config.json : ligne 1, colonne 17 : Invalid control")


def test_pins_mode_and_the_nano_lookup_are_french(tmp_path, to_french):
    nano = dict(OLD_FORMAT["jetson_nano"][0])
    cases = {
        json.dumps({"jetson_nano": [dict(nano, pins=[12, 14])]}):
            "config.json : jetson_nano[0].pins : 14 n’est pas une broche GPIO du connecteur de la "
            "Nano (numérotation BOARD : 7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, "
            "32, 33, 35, 36, 37, 38, 40)",
        json.dumps({"jetson_nano": [dict(nano, pins=[12, 12])]}):
            "config.json : jetson_nano[0].pins contient deux fois la même broche : [12, 12]",
        json.dumps({"jetson_nano": [dict(nano, pins="12")]}):
            "config.json : jetson_nano[0].pins doit être une liste de numéros de broches, par "
            "exemple [12, 16, 18]",
        json.dumps(_with("training", {"mode": "all"})):
            "config.json : training.mode doit être l’une des valeurs auto, head, full, pas 'all'",
    }
    for content, french in cases.items():
        assert to_french(error_of(tmp_path, content)) == french
    config = load_config(write(tmp_path, OLD_FORMAT))
    with pytest.raises(ConfigError) as caught:
        config.nano("Nano Z")
    assert to_french(text_of(caught.value)) == ("config.json : aucune Jetson Nano nommée 'Nano Z' "
                                                "(connues : Nano A, Nano B)")
    with pytest.raises(ConfigError) as caught:
        Config(dl_server=MachineConfig(name="d", role="dl", host="local")).nano("n")
    assert str(caught.value) == "config: no Jetson Nano named 'n' (known: none)"
    assert to_french(text_of(caught.value)) == ("config : aucune Jetson Nano nommée 'n' (le fichier "
                                                "n’en décrit aucune)")


def test_files_that_cannot_be_read_are_french(tmp_path, to_french):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.json")
    assert to_french(text_of(caught.value)) == f"{tmp_path}/nope.json : fichier introuvable"
    binary = tmp_path / "config.json"
    binary.write_bytes(b'{"DL_server": "\xff"}')
    with pytest.raises(ConfigError) as caught:
        load_config(binary)
    assert to_french(text_of(caught.value)) == f"{binary} : ce n’est pas du texte UTF-8 (octet 15)"


def test_warnings_are_french(tmp_path, to_french):
    data = dict(_with("DL_server.colour", "red"), language="klingon")
    warnings = load_config(write(tmp_path, data, mode=0o644)).warnings
    assert all(isinstance(warning, Message) for warning in warnings)
    assert sorted(map(to_french, warnings)) == sorted([
        "config.json : clé inconnue DL_server.colour (ignorée)",
        "config.json : language doit être l’une des valeurs en, fr, pas 'klingon' (valeur ignorée)",
        "config.json contient des mots de passe et d’autres utilisateurs peuvent le lire : "
        f"lancez chmod 600 {tmp_path / 'config.json'}"])
