"""Show the LaTeX that digests carry in titles and abstracts as plain Unicode.

Titles are pasted into digests without escaping, so ``T$^\\star$`` or ``PM$_{2.5}$``
would otherwise reach the screen as markup. Only inline math (``$...$``, ``\\(...\\)``)
and a few known text commands (``\\textsc{...}``, accents, escaped specials) are
converted, by pylatexenc; everything else, including brackets, ``_``, ``%`` and ``&`` in
plain text, is left exactly as written, and so is a whole formula that holds anything
pylatexenc does not know. Super- and subscripts become Unicode script characters when
every character has one (``x²``, ``PM₂.₅``), else they stay in LaTeX form around their
converted content (``x^{qα}``), since half-raised text reads worse than none.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING

from reader.core.sanitize import UNSAFE

if TYPE_CHECKING:
    from pylatexenc import macrospec

_SUPERSCRIPTS = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ⊤",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡᵀ",
        strict=True,
    )
)
# Marks that already sit high in the line (T⋆, x′, A†) are kept as they are.
_SUPERSCRIPTS.update({mark: mark for mark in "*⋆∗′″'†‡°"})
_SUPERSCRIPTS["∘"] = "°"
_SUBSCRIPTS = dict(
    zip(
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)
_SCRIPT_NEUTRAL = " .,"
"""Characters with no script form that read fine unchanged between script characters."""


def _script(mark: str, table: dict[str, str]):
    """A pylatexenc spec for ``^``/``_``: Unicode script forms, else ``^{...}`` around the content."""
    from pylatexenc import latex2text

    def render(node, l2tobj) -> str:
        (argument,) = node.nodeargd.argnlist
        content = l2tobj.nodelist_to_text([argument]).strip()
        if content and all(char in table or char in _SCRIPT_NEUTRAL for char in content):
            return "".join(table.get(char, char) for char in content)
        return mark + (content if len(content) == 1 else "{" + content + "}")

    return latex2text.SpecialsTextSpec(mark, simplify_repl=render)


class _Unconvertible(Exception):
    """A macro or environment pylatexenc does not know: the math it sits in is kept as written."""


def _refuse(node) -> str:
    raise _Unconvertible(node.latex_verbatim())


class _WarningsAsFailures(logging.Filter):
    """pylatexenc warns where it gives up (``x^\\frac`` leaves a ``%s/%s`` placeholder) on
    stderr, over the UI; raising instead makes the formula fall back to its source."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            raise _Unconvertible(record.getMessage())
        return True


def _parse_context() -> macrospec.LatexContextDb:
    """The default parser context, plus ``^`` and ``_`` taking one argument like a macro."""
    from pylatexenc import latexwalker, macrospec

    context = latexwalker.get_default_latex_context_db()
    one_argument = macrospec.MacroStandardArgsParser("{")
    specials = [macrospec.SpecialsSpec(mark, args_parser=one_argument) for mark in "^_"]
    context.add_context_category("scripts", specials=specials, prepend=True)
    return context


_FONT_SWITCHES = ("rm", "it", "bf", "sf", "tt", "sl", "sc", "cal", "em", "mit")


def _text_context() -> macrospec.LatexContextDb:
    """The default text replacements, plus script rendering; unknown macros and environments
    are refused."""
    from pylatexenc import latex2text

    context = latex2text.get_default_latex_context_db()
    context.add_context_category(
        "scripts", specials=[_script("^", _SUPERSCRIPTS), _script("_", _SUBSCRIPTS)], prepend=True
    )
    # Old font switches ($\sigma_{\rm LOS}$, common in astro-ph) change nothing in plain text.
    context.add_context_category(
        "font switches", macros=[latex2text.MacroTextSpec(name, "") for name in _FONT_SWITCHES]
    )
    context.set_unknown_macro_spec(latex2text.MacroTextSpec("", simplify_repl=_refuse))
    context.set_unknown_environment_spec(latex2text.EnvironmentTextSpec("", simplify_repl=_refuse))
    return context


@functools.cache
def _tools():
    """pylatexenc's walker module, parser context and converter, made on first use: they
    cost startup time, and most titles have no math."""
    from pylatexenc import latex2text, latexwalker

    for module in (latexwalker, latex2text):
        logging.getLogger(module.__name__).addFilter(_WarningsAsFailures())
    converter = latex2text.LatexNodes2Text(
        latex_context=_text_context(),
        math_mode="text",
        keep_comments=True,
        # Keep the space between two constructs (``\\mathbb{F}_2 \\times``), which the
        # default drops once ``_2`` is a script node rather than plain characters.
        strict_latex_spaces={"between-macro-and-chars": False, "between-latex-constructs": True},
    )
    return latexwalker, _parse_context(), converter

_TEXT_COMMANDS = "text|textrm|textsf|texttt|textsc|textbf|textit|textsl|textup|textmd|textnormal|emph|mbox"


@functools.cache
def _token() -> re.Pattern[str]:
    """What is converted outside math: escaped specials, spacing commands, text commands with
    a flat argument, accents on a letter, TeX quotes (````quoted''`` → “quoted”), a tie between
    words (``a.k.a.~Cross``, not ``~10%`` or a URL's ``/~user``), degrees (``0{\\deg}`` → 0°), and
    inline math, ``$...$`` or ``\\(...\\)`` (a LaTeX line break ``\\\\`` is matched only so that its
    second backslash escapes nothing). Dollars follow pandoc's rule (no space inside them, no
    digit after the closing one) so prices like ``$5 and $10`` stay text; math may wrap over a
    line break but not over a blank line. Compiled on first use: a millisecond that a start
    showing no math does not pay."""
    return re.compile(
        r"""
        (?P<keep>\\\\)
        | (?P<escape>\\[$&%_\#{}])
        | (?P<space>\\[ ,;:])
        | \\(?:""" + _TEXT_COMMANDS + r""")\s*\{(?P<argument>[^{}]*)\}
        | (?P<accent>\\['"`^~=.](?:\{[A-Za-z]\}|[A-Za-z]) | \\[uvHckdbr](?:\{[A-Za-z]\}|\s[A-Za-z]))
        | (?P<quotes>``(?P<quoted>[^`'\n]{1,300}?)'')
        | (?P<tie>(?<=[A-Za-z.])~(?=[A-Za-z0-9]))
        | (?P<degree>\{\\(?:deg|textdegree)\}|\\textdegree(?:\{\})?)
        | (?P<math>\$(?=[^\s$])(?:\\[^\n]|[^$\\\n]|\n(?![ \t]*\n))+?(?<=\S)\$(?!\d)
                   | \\\((?:[^\n]|\n(?![ \t]*\n))+?\\\))
        """,
        re.VERBOSE,
    )


def _pylatexenc(source: str) -> str:
    """``source`` (a formula or an accent) converted on one line, or as written if any part
    of it cannot be: an unknown macro, malformed LaTeX or a converter error of any kind."""
    latexwalker, context, converter = _tools()
    try:
        nodes, _, _ = latexwalker.LatexWalker(source, latex_context=context, tolerant_parsing=False).get_latex_nodes()
        converted = " ".join(converter.nodelist_to_text(nodes).split())
    except Exception:  # noqa: BLE001 - untrusted input must never take the screen down
        return source
    return converted or source


def _convert_token(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "keep":
        return match[0]
    if kind == "escape":
        return match[0][1]
    if kind == "space" or kind == "tie":
        return " "
    if kind == "quotes":
        return "“" + _convert(match["quoted"]) + "”"
    if kind == "degree":
        return "°"
    if kind == "argument":
        return _convert(match["argument"])
    return _pylatexenc(match[0])


def _convert(text: str) -> str:
    return _token().sub(_convert_token, text)


@functools.lru_cache(maxsize=8192)
def _cached(text: str) -> str:
    """The conversion, unless it would put a control character on the terminal that the
    (already sanitized) text did not have."""
    converted = _convert(text)
    if any(char not in text for char in UNSAFE.findall(converted)):
        return text
    return converted


def to_unicode(text: str) -> str:
    """The text with its inline math and known text commands shown as Unicode; never raises.

    Text without ``$``, ``\\``, TeX quotes or ``~`` is returned at once (most titles), the rest is cached since
    the app converts every visible row on each repaint.
    """
    if "$" not in text and "\\" not in text and "``" not in text and "~" not in text:
        return text
    return _cached(text)
