"""Fixtures shared by the window's tests."""
import pytest
from PyQt5.QtWidgets import QApplication

import window_i18n


@pytest.fixture
def french():
    """The application speaks French for one test, then English again (translators removed,
    the language property reset so later windows write English numbers)."""
    app = QApplication.instance()
    translators = window_i18n.install(app, "fr")
    assert len(translators) == 2
    yield app
    for translator in translators:
        app.removeTranslator(translator)
    app.setProperty("ai_nano_language", None)
