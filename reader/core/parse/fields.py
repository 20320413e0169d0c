"""Field text shared by the Markdown and JSON Lines readers: limits, ids, rejoined lines, placeholders."""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import PurePath

from reader.core.sanitize import clean

TITLE_LIMIT = 1_000
"""Characters kept of a title, a section name, a category or a URL."""
FIELD_LIMIT = 100_000
"""Characters kept of any other single field (abstract, summary, authors, extra)."""
EXTRA_LIMIT = 50
"""Extra (fork) fields kept per entry, and no more once they hold FIELD_LIMIT characters; real
templates have fewer than ten. Without a bound, one entry repeating a label a million
times would hold the whole file and take the detail pane minutes to lay out."""

ARXIV_CATEGORY = re.compile(r"[a-z]{1,8}(?:-[a-z]{2,5})?(?:\.[A-Za-z]{2,4}(?:-[a-z]{2,5})?)?")
"""An arXiv category (cs.CV, quant-ph, astro-ph.GA, cond-mat.stat-mech); a topic (Agent Sec, Other) is not."""

FAILURES: tuple[tuple[str, str], ...] = (
    # (how, phrase): "is" the whole text, "starts" its beginning, "has" anywhere in a short text.
    # Compared lower-cased, and only on texts of at most FAILURE_LENGTH characters, so a real
    # summary that mentions a failure is never dropped.
    # the generator's fallbacks when the summary step fails (also used by forks)
    ("is", "summary generation failed"),
    ("is", "motivation analysis unavailable"),
    ("is", "method extraction failed"),
    ("is", "result analysis unavailable"),
    ("is", "conclusion extraction failed"),
    # the first format's failure marker, and the Korean fork's broken outputs
    ("is", "error"),
    ("is", "?"),
    ("is", "(duplicate field corrected)"),
    # an unfilled template slot (xmkxabc: "**Main category: {cate}**")
    ("slot", "{name}"),
    # junle-chen's quota texts: "Error: API quota exceeded", "达到API配额限制，请明天再试",
    # "请联系管理员或等待明天API配额重置。"; and any fork's "Error: ..." line
    ("starts", "error:"),
    ("has", "api quota"),
    ("has", "api配额"),
    ("has", "rate limit"),
    ("has", "quota exceeded"),
    ("has", "请明天再试"),
    ("has", "生成失败"),
    ("has", "generation failed"),
    ("has", "analysis unavailable"),
    ("has", "extraction failed"),
    # Long-Holiday's remote-sensing fork: "与遥感交叉或改进方案: Remote sensing cross-disciplinary
    # scheme unavailable", and "Abstract (英文): No abstract available in OpenAlex." for journal papers
    ("has", "scheme unavailable"),
    ("starts", "no abstract available"),
)
"""Texts a fork writes in place of a summary when its AI step failed: "no summary", not content."""
FAILURE_LENGTH = 80
"""Longer texts are never failure texts (a real summary may mention a quota)."""
PLACEHOLDERS = frozenset(phrase for how, phrase in FAILURES if how == "is")
"""The exact failure texts (compared case-insensitively); see FAILURES for the whole table."""
_PLACEHOLDER_LENGTH = FAILURE_LENGTH


_STARTS = tuple(phrase for how, phrase in FAILURES if how == "starts")
_SLOT = any(how == "slot" for how, _ in FAILURES)


@functools.cache
def _has() -> re.Pattern[str]:
    """The "has" phrases as one alternation of literals: one C-speed scan of a short text
    (compiled on first use, as :func:`_arxiv_id` is: a start from the parsed-digest cache
    parses nothing)."""
    return re.compile("|".join(re.escape(phrase) for how, phrase in FAILURES if how == "has"))


def is_failure(text: str) -> bool:
    """Whether a field text is a fork's failure text (see FAILURES)."""
    text = text.strip()
    return len(text) <= FAILURE_LENGTH and _failure(text.lower())


def _failure(text: str) -> bool:
    """is_failure of a stripped, lower-cased text of at most FAILURE_LENGTH characters."""
    return (
        text in PLACEHOLDERS
        or text.startswith(_STARTS)
        or (_SLOT and text[:1] == "{" and text[-1:] == "}" and text[1:-1].replace("_", "").isalnum())
        or _has().search(text) is not None
    )


@functools.cache
def _arxiv_id() -> re.Pattern[str]:
    """An arXiv id with its version, new (2601.12345v2) or old (hep-th/9901001) style."""
    return re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7})(v\d+)?", re.IGNORECASE)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def cut(text: str, limit: int) -> tuple[str, bool]:
    """Text cut to ``limit`` characters (marked with an ellipsis), and whether it was."""
    if len(text) <= limit:
        return text, False
    return text[:limit] + "…", True


def text_or_none(text: str) -> str | None:
    """None for empty and failure texts (see FAILURES), else the text."""
    text = text.strip()
    if not text or (len(text) <= FAILURE_LENGTH and _failure(text.lower())):
        return None
    return text


def join_lines(lines: list[str], folded: bool = False) -> str:
    """Rejoin a field's lines: hard wraps become spaces, paragraphs stay apart.

    A blank line, or (arXiv's convention) a line indented by two spaces, starts a
    paragraph (``\\n\\n``); tab-indented and bulleted lines are list items, and a line
    after CJK text is a deliberate break (``\\n``).
    In ``folded`` fields (comments) an indented line merely continues the previous one.
    """
    if len(lines) == 1:  # most fields are one line
        return lines[0].strip()
    parts: list[str] = []
    gap = False
    for line in lines:
        text = line.strip()
        if not text:
            gap = bool(parts)
            continue
        if parts:
            if gap:
                parts.append("\n\n")
            elif (
                line[0] == "\t"
                or text[:2] in ("- ", "* ", "• ")
                or (line[0] == " " and numbered(text))
                or parts[-1][-1] >= "\u3000"  # CJK text is never hard-wrapped: a real break
            ):
                parts.append("\n")
            elif line.startswith("  ") and not folded:
                parts.append("\n\n")
            else:
                parts.append(" ")
        parts.append(text)
        gap = False
    return "".join(parts)


def numbered(text: str) -> bool:
    """Whether a line starts like ``1. `` or ``12) ``."""
    digits = 0
    while digits < 3 and text[digits:digits + 1].isdigit():
        digits += 1
    return digits > 0 and text[digits:digits + 2] in (". ", ") ")


def identify(url: str | None, raw_id: str | None, title: str) -> tuple[str, str | None, bool]:
    """(id without version, version, made_up): from the id, the URL, else a stable hash."""
    for candidate in (raw_id, arxiv_tail(url)):
        if candidate and len(candidate) <= 64:
            found = _arxiv_id().fullmatch(candidate.strip())
            if found:
                return found.group(1), found.group(2), False
    import hashlib  # only for a paper without an arXiv id: not on every start

    basis = url or raw_id or title
    digest = hashlib.sha1(basis.encode("utf-8", errors="surrogatepass")).hexdigest()
    return "noid-" + digest[:10], None, True


def arxiv_tail(url: str | None) -> str | None:
    """``2601.10802v2`` out of ``https://arxiv.org/abs/2601.10802v2`` (also pdf/html links)."""
    if not url:
        return None
    start = url.lower().find("arxiv.org/")
    if start < 0:
        return None
    rest = url[start + len("arxiv.org/"):]
    for kind in ("abs/", "pdf/", "html/"):
        if rest.startswith(kind):
            tail = rest[len(kind):].split("?", 1)[0].split("#", 1)[0].strip("/")
            return tail.removesuffix(".pdf")
    return None


def date_in(text: str) -> str | None:
    """The last real calendar date written as YYYY-MM-DD in ``text``."""
    for found in reversed(_DATE.findall(text)):
        try:
            return date.fromisoformat(found).isoformat()
        except ValueError:
            continue
    return None


def display_name(name: str) -> str:
    """The file name alone, safe to show."""
    return clean(PurePath(name).name or name or "digest")
