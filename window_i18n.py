"""The window in French or English, with Qt's own translation tools (issue 16).

The texts are wrapped with `tr()` / `QCoreApplication.translate()` (the .ui files'
texts are wrapped by uic); core's texts are marked `QT_TRANSLATE_NOOP("core", ...)` and
translated by the window (core/messages.py, widgets.common.translated);
`i18n/ai_nano_<lang>.ts` holds the translations (made with
pylupdate5, edited, compiled by lrelease into the shipped `.qm`). Qt's own
`qtbase_<lang>.qm` translates the standard buttons (Yes, No, Cancel, the file dialog).

The language: `--lang`, else config.json's "language", else the system's locale;
anything but French is English (the texts' own language). Lines printed by the remote
scripts (`End training model`, `image is recognized as ...`) are never translated: users
and docs know them as they are.

    python3 -m window_i18n --update     # refresh i18n/*.ts from the sources, then build .qm
"""
from __future__ import annotations

import locale
import logging
import subprocess
import sys
from pathlib import Path

from PyQt5.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

APP_DIR = Path(__file__).resolve().parent
I18N_DIR = APP_DIR / "i18n"
LANGUAGES = ("en", "fr")
#: The files whose texts are translated (pylupdate5 reads tr() calls and .ui files), and
#: core's modules, whose texts are marked QT_TRANSLATE_NOOP("core", ...) (core/messages.py).
SOURCES = ("ai_nano.py", "ai_nano.ui", "record_images.py", "record_images.ui", "window_input.py",
           "widgets/log_view.py", "widgets/training.py", "widgets/live.py",
           "widgets/machines_table.py", "widgets/results.py", "widgets/mistakes.py",
           "widgets/history.py", "window_results.py", "app_state.py", "window_tasks.py",
           "window_steps.py", "window_nano_view.py", "class_view.py")
CORE_SOURCES = tuple(sorted(str(path.relative_to(APP_DIR))
                            for path in (APP_DIR / "core").rglob("*.py")))


def system_language() -> str:
    """The system's language ("fr_FR.UTF-8" -> "fr"), from Qt's view of the locale."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return name.split("_")[0].lower()


def choose_language(option: str | None, configured: str = "", system: str | None = None) -> str:
    """`--lang` wins, then config.json's "language", then the system's; default English."""
    for candidate in (option, configured, system if system is not None else system_language()):
        if candidate and candidate.lower()[:2] in LANGUAGES:
            return candidate.lower()[:2]
    return "en"


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the app's and Qt's translations of `language`; English needs none.

    The translators are returned and kept on the app: a QTranslator that is garbage
    collected silently stops translating.
    """
    translators: list[QTranslator] = []
    if language == "en":
        return translators
    for name, folder in ((f"ai_nano_{language}", str(I18N_DIR)),
                         (f"qtbase_{language}", QLibraryInfo.location(QLibraryInfo.TranslationsPath))):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
        else:
            log.warning("no translation %s in %s", name, folder)
    app.setProperty("ai_nano_language", language)
    app._ai_nano_translators = translators   # noqa: SLF001 (kept alive with the app)
    return translators


def update(lrelease: str = "lrelease") -> None:
    """Refresh the .ts files from the sources (keeping translations), then build the .qm."""
    for language in LANGUAGES[1:]:
        ts = I18N_DIR / f"ai_nano_{language}.ts"
        subprocess.run(["pylupdate5", "-noobsolete", *SOURCES, *CORE_SOURCES, "-ts", str(ts)],
                       cwd=APP_DIR,
                       check=True)
        subprocess.run([lrelease, str(ts)], check=True)


if __name__ == "__main__":
    if "--update" in sys.argv:
        update()
