"""The texts core writes for the student, translatable by the window although core has no Qt.

core cannot call tr(), so each user-facing text is marked

    QT_TRANSLATE_NOOP("core", "Split the images first (step 3)")
    QT_TRANSLATE_NOOP("core", "Not enough disk space on {machine}: {need} needed").format(
        machine=name, need=size)

— the one form pylupdate5 extracts from a plain Python module: a call by that name with
exactly two string literals (adjacent literals are joined; an f-string is extracted with
its braces unfilled, so never use one; a third argument hides the call). The template is
English with *named* fields, so a translation may put them in another order.

The result is a `Message`: a `str` whose value is the English text exactly as before (the
log file, `--check`, tests and exceptions read it unchanged) that also keeps its template
and arguments. The window translates the template (QCoreApplication.translate) and then
fills it with `render`: arguments that are Messages themselves are translated too, numbers
take a decimal comma in French. Plurals: the English "picture(s)" forms are kept; a
translation words the count so that it reads right for any number ("images : 3").
"""
from __future__ import annotations

import logging
import string
from typing import Any, Callable, Mapping

log = logging.getLogger(__name__)

#: The one translation context of core's texts (the .ts file groups them under it).
CONTEXT = "core"


class Message(str):
    """An English text (the str itself) with its template and named arguments."""

    context: str
    template: str
    args: Mapping[str, Any]

    def __new__(cls, template: str, args: Mapping[str, Any] | None = None,
                context: str = CONTEXT) -> "Message":
        args = dict(args or {})
        self = super().__new__(cls, template.format(**args) if args else template)
        self.context, self.template, self.args = context, template, args
        return self

    def format(self, *positional: Any, **args: Any) -> "Message":  # type: ignore[override]
        """The same message with its fields filled (named fields only: translations reorder)."""
        if positional:
            raise TypeError("a core message takes named fields only")
        return Message(self.template, {**self.args, **args}, self.context)

    def __reduce__(self) -> tuple:   # copy and pickle keep the template
        return (Message, (self.template, dict(self.args), self.context))


def QT_TRANSLATE_NOOP(context: str, text: str) -> Message:  # noqa: N802 (the name pylupdate5 reads)
    """Mark `text` for translation in `context`; returns it as an (unfilled) Message."""
    return Message(text, None, context)


def concat(*parts: Any, sep: str = "") -> Message:
    """Texts written one after the other, each translated on its own (a list, a sentence
    with optional parts); `sep` is not translated."""
    template = sep.join(f"{{p{index}}}" for index in range(len(parts)))
    return Message(template, {f"p{index}": part for index, part in enumerate(parts)}, context="")


def text_of(error: BaseException) -> str:
    """The user's text of an exception: its Message when it carries one, else str(error)."""
    text = str(error)
    if len(error.args) == 1 and isinstance(error.args[0], Message) and error.args[0] == text:
        return error.args[0]
    return text


class _Formatter(string.Formatter):
    """str.format, with French numbers where the language is French: a decimal comma, and a
    (narrow no-break) space before a percent sign ("0,5", "85 %")."""

    def __init__(self, decimal_comma: bool) -> None:
        super().__init__()
        self.decimal_comma = decimal_comma

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if self.decimal_comma and isinstance(value, float):
            text = text.replace(".", ",")
            if format_spec.endswith("%") and text.endswith("%"):
                text = text[:-1] + "\u202f%"
        return text


def render(text: Any, translate: Callable[[str, str], str], decimal_comma: bool = False) -> str:
    """`text` in the reader's language: a Message's template translated, then filled.

    `translate(context, template)` is QCoreApplication.translate in the window (it returns
    the template itself when there is no translation). A translation that does not fit
    its arguments (a misspelt field) falls back to the English text: never a lost message.
    """
    if not isinstance(text, Message):
        return str(text)
    template = (translate(text.context, text.template) if text.context else "") or text.template
    if not text.args:
        return template
    args = {key: render(value, translate, decimal_comma) if isinstance(value, Message) else value
            for key, value in text.args.items()}
    try:
        return _Formatter(decimal_comma).format(template, **args)
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        log.warning("translation of %r does not fit its arguments: %s", text.template, error)
        return str(text)
