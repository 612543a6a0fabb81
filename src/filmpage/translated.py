"""Messages translated as the templates compile, not on every page.

Each of a site's languages has an environment of its own (``render.make_environment``),
so what a message says in it is known when a template is compiled:

* :class:`ConstantMessages`: ``_("Plot Summary")``, the same on every page, becomes a
  constant;
* :class:`TranslatedBlocks`: a ``{% trans %}`` block becomes its translation written out
  as template text and values (``as {{ character }}``), as if the template had been
  written in that language: no catalogue lookup, and no formatting of the message with
  its values escaped one by one (``Markup % dict``), on every page.

The templates keep ``_()`` and ``{% trans %}``, which Babel extracts. The compiled code
then holds the language's words: it is kept under a name made from them
(``commands/compiled.py``).
"""

from __future__ import annotations

import copy
import re

from jinja2 import nodes
from jinja2.ext import Extension, InternationalizationExtension
from jinja2.lexer import Token, TokenStream

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%|%")
"""What a message's text may hold of Python's formatting: a value by name, or ``%%``."""

PLURAL_SAMPLES = (*range(0, 200), 1000, 1001, 10_000, 100_000, 1_000_000)
"""Counts a message's plural forms are worked out for, as it compiles: a form that no
sample gives is still right, formatted when the page renders."""

CONSTANT_MESSAGE = "gettext_constant"
"""The filter that :class:`ConstantMessages` turns ``_("...")`` into."""


class ConstantMessages(Extension):
    """``_("Plot Summary")``, a message that is the same on every page, translated once,
    when the template is compiled: it becomes ``("Plot Summary"|gettext_constant)``, a
    filter of a constant, which Jinja works out as it compiles. Each language has its own
    environment, so its templates are compiled with its words; the templates keep the
    ``_()`` that Babel extracts. A filter named :data:`CONSTANT_MESSAGE` must be there."""

    def filter_stream(self, stream: TokenStream):
        window: list[Token] = []
        before = None
        for token in stream:
            window.append(token)
            if len(window) < 4:
                continue
            name, opening, text, closing = window
            if (
                name.type == "name" and name.value == "_" and opening.type == "lparen"
                and text.type == "string" and closing.type == "rparen"
                and (before is None or before.type != "dot")
            ):  # fmt: skip
                line = name.lineno
                yield Token(line, "lparen", "(")
                yield text
                yield Token(line, "pipe", "|")
                yield Token(line, "name", CONSTANT_MESSAGE)
                yield Token(line, "rparen", ")")
                before, window = closing, []
                continue
            before = window.pop(0)
            yield before
        yield from window


class TranslatedBlocks(InternationalizationExtension):
    """Jinja's i18n extension, its ``{% trans %}`` blocks translated as they compile
    (with ``newstyle_gettext`` off, as filmpage installs it). A block without a plural
    becomes its translation's text with its values in their places, each escaped as any
    value a template shows; one with a plural asks the catalogue for the form its count
    takes, then shows the form it is, written out the same way. A message whose text
    does not fit (a value named twice, a ``%`` that is not ``%(name)s`` or ``%%``, a
    context) is left to the extension as it is."""

    def _make_node(  # type: ignore[override]
        self, singular, plural, context, variables, plural_expr, vars_referenced,
        num_called_num,
    ) -> nodes.Node:  # fmt: skip
        general = super()._make_node(
            singular, plural, context, variables, plural_expr, vars_referenced, num_called_num
        )
        found = self.environment.globals
        if (
            context is not None or not variables or not vars_referenced
            or self.environment.newstyle_gettext  # type: ignore[attr-defined]
            or "gettext" not in found or "ngettext" not in found
        ):  # fmt: skip
            return general
        if plural_expr is None:
            body = _written(found["gettext"](singular), variables)
            return nodes.Output(body) if body is not None else general
        forms = dict.fromkeys(found["ngettext"](singular, plural, n) for n in PLURAL_SAMPLES)
        chosen = nodes.Name("_plural_form", "load")
        values = nodes.Dict(
            [nodes.Pair(nodes.Const(k), copy.deepcopy(v)) for k, v in variables.items()]
        )
        other = nodes.Mod(nodes.MarkSafeIfAutoescape(chosen), values)  # as the extension does
        test: list[nodes.Node] = [nodes.Output([other])]
        for form in reversed(forms):
            body = _written(form, variables)
            if body is None:
                return general
            same = nodes.Compare(chosen, [nodes.Operand("eq", nodes.Const(form))])
            test = [nodes.If(same, [nodes.Output(body)], [], test)]
        pick = nodes.Call(
            nodes.Name("ngettext", "load"),
            [nodes.Const(singular), nodes.Const(plural), plural_expr], [], None, None,
        )  # fmt: skip
        return nodes.Scope([nodes.Assign(nodes.Name("_plural_form", "store"), pick), *test])


def _written(text: str, variables: dict[str, nodes.Expr]) -> list[nodes.Expr] | None:
    """A message's translated ``text`` as template text and the values it names, in
    order; None when it names a value twice or one it was not given, or holds a ``%``
    Python would read otherwise."""
    parts: list[nodes.Expr] = []
    named: set[str] = set()
    literal, at = [], 0
    for match in PLACEHOLDER.finditer(text):
        literal.append(text[at : match.start()])
        at = match.end()
        name = match.group(1)
        if match.group() == "%%":
            literal.append("%")
            continue
        if name is None or name in named or name not in variables:
            return None
        named.add(name)
        if "".join(literal):
            parts.append(nodes.TemplateData("".join(literal)))
        literal = []
        parts.append(copy.deepcopy(variables[name]))
    literal.append(text[at:])
    if "".join(literal):
        parts.append(nodes.TemplateData("".join(literal)))
    return parts
