"""The Markdown reader: one line-based state machine over every known template.

Lines come one at a time (see :mod:`reader.core.parse.lines`); no regex backtracks, and a
field keeps at most FIELD_LIMIT characters however long its lines, so the cost is linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from reader.core.model import SUMMARY_FIELDS, Paper
from reader.core.parse.builder import Builder
from reader.core.parse.fields import ARXIV_CATEGORY, EXTRA_LIMIT, FIELD_LIMIT, PLACEHOLDERS, TITLE_LIMIT, cut, date_in, identify, join_lines, text_or_none
from reader.core.sanitize import clean

_FIELD_LABELS = {
    "tl;dr": "tldr",
    "tldr": "tldr",
    "task": "tldr",  # the first format's one-line summary
    "motivation": "motivation",
    "method": "method",
    "methods": "method",
    "result": "result",
    "results": "result",
    "conclusion": "conclusion",
    "conclusions": "conclusion",
    "abstract": "abstract",
    "main category": "category",
    "catalog": "category",  # DAgentSec: "Catalog: Agent Sec | Source: arXiv"
    # labels of fork templates
    "一句话总结": "tldr",  # junle-chen: "**一句话总结:**" is the one-line summary
    "summary": "tldr",  # "### Summary" under "## <a id=..></a>[Title](url)" entries
    "abstract (英文)": "abstract",
    "abstract (english)": "abstract",
    "英文摘要": "abstract",
    "摘要": "abstract",
    # junle-chen's "#### 中文摘要 (Abstract in Chinese)" is the entry's only abstract (translated by
    # the fork): it is the abstract, so t shows it. A translation *beside* an original abstract
    # (摘要翻译, Abstract Translation) stays an extra field, and so does any second abstract.
    "中文摘要": "abstract",
    "中文摘要 (abstract in chinese)": "abstract",
    "authors": "authors",
    "author": "authors",
    "作者": "authors",
    "categories": "categories",
    "category": "categories",  # xmkxabc: "*authors* | **Category: cs.CR, cs.AI**"
    "arxiv": "link",  # "- **arXiv**: [2604.18777](https://arxiv.org/abs/2604.18777)"
    "pdf": "pdf",
    "title": "title",  # Casablancassss reports: "**Title:** ..." under "## 📄 Paper 1"
    "标题": "title",
    "title (en)": "title_en",  # a Jekyll post: "### 中文标题" then "- **Title (EN)**: ..."
}
"""Labels of the Paper fields (and of the header facts), lower-cased."""
_HEADER_KEYS = frozenset({"category", "authors", "categories", "link", "pdf", "title", "title_en"})
"""Keys read from one line at once: they never continue on the next line."""

_EXTRA_LABELS = frozenset(
    {
        "background", "data", "keywords", "comment", "comments", "source", "relevance score",
        "read time", "key contributions", "limitations", "ai_comments", "ai_abstract", "摘要翻译",
        "recommendation", "abstract translation", "conclusion translation", "key figures",
        "background knowledge", "relevance", "interest score", "相关性说明",
    }
)
_ENDS_ABSTRACT = ("abstract translation", "conclusion translation", "key figures", "摘要翻译", "ai_abstract", "中文摘要")
"""Plain labels that end an abstract (an abstract's own sentences may start like other labels)."""
_EMPTY_DAY = ("no new papers", "papers found today", "今日没有找到新论文", "没有找到新论文", "今日无新论文")
"""Words of a fork's empty day ("# No trajectory and large model papers found today")."""
_OTHER = "Other"
"""Extra label of an entry's lines that are no known field: kept, never dropped."""
"""Fork fields that may appear without bold markup; bold labels need not be listed."""

_FOLDED_LABELS = frozenset({"comment", "comments"})
"""Fields whose indented lines continue the line (arXiv folds comments), not a paragraph."""

_TRANSLATED_TITLE = "Translated title"
"""Extra label of xmkxabc's ``> *中文标题*`` line under the heading."""

_TOC_TITLES = frozenset({"table of contents", "contents", "目录", "目錄", "toc"})
_NONBLANK = re.compile(r"\S")
_TOC_COUNT = r"(?:\[Total: (\d+)\]|\((\d+)(?: 篇)?\))\s*$"
"""A table of contents line's count, ``[Total: 12]`` or ``(12 篇)``: compiled (by ``re``) when a
table of contents is first read, not on every start."""
_PAPER_HEADING = re.compile(r"(?:\W+\s*)?(?:Paper|论文|論文)\s*\d+\b")
"""A report's entry heading: "## 📄 Paper 1 - Relevance: 50%", "## 📄 论文 1 - 相关性: 55%"."""


def parse_markdown(lines: Iterable[str], builder: Builder) -> Iterator[int]:
    """The line-based state machine over every Markdown template; yields the entry count.

    Every non-blank line lands somewhere: in a field of an entry (its ``Other`` extra when it
    is no known field), or it is markup (headings, the TOC, anchors, separators, details tags),
    or, outside entries, it is counted in a warning.
    """
    entry: _Entry | None = None
    section: str | None = None
    lines = iter(lines)
    first = next((line for line in map(str.rstrip, lines) if line), "")
    if first == "---":  # a Jekyll post's YAML front matter, read before the loop so no line pays for it
        first = ""
        for line in map(str.rstrip, lines):
            if line == "---":
                break
            if line.startswith("date:") and builder.heading_date is None:
                builder.heading_date = date_in(line[:200])
    for line in chain((first,), lines):
        line = line.rstrip()
        if not line:
            if entry is not None:
                entry.feed_blank()
            continue
        if line[0] == "#":
            if line.startswith("### ["):  # the upstream entry heading, first: most headings are one
                if entry is not None:
                    yield _commit(entry, builder, section)
                entry = _Entry(_split_heading(line[4:]), "link")
                continue
            level = len(line) - len(line.lstrip("#"))
            text = line[level + 1:].strip() if line[level:level + 1] == " " else None
            if text is not None:
                bare = _BACK_LINK.sub("", _strip_anchor(text))
                if level == 2 and bare[:1] == "[" and bare.endswith(")") and "](" in bare:
                    # "## <a id="2604.21642v1"></a>[Title](http://arxiv.org/abs/2604.21642v1)"
                    if entry is not None:
                        yield _commit(entry, builder, section)
                    entry = _Entry(_split_heading(bare), "anchor")
                    continue
                if level == 2 and _PAPER_HEADING.match(bare):
                    if entry is not None:
                        yield _commit(entry, builder, section)
                    entry = _Entry(("", None), "report")
                    entry.relevance(bare)
                    continue
                if entry is not None and level >= 3 and entry.sub_heading(text, level):
                    continue
                if level == 3 and (entry is None or entry.kind == "plain") and not _document_heading(text, builder):
                    # "### Title" of a post: an entry if fields follow, else only a heading
                    if entry is not None:
                        yield _commit(entry, builder, section)
                    entry = _Entry((text, None), "plain")
                    continue
                if level <= 2 or entry is None:
                    if entry is not None:
                        yield _commit(entry, builder, section)
                        entry = None
                    if level <= 2:
                        section = None if _document_heading(text, builder) else _section_name(text)
                    else:
                        _document_heading(text, builder)
                    continue
        if entry is not None:
            entry.feed(line)
        else:
            _preamble_facts(line, builder)
    if entry is not None:
        yield _commit(entry, builder, section)


def _strip_anchor(text: str) -> str:
    """``<a id="x"></a>Topic`` or ``<div id='cs.LG'></div> cs.LG`` -> the text after the anchor."""
    while text[:1] == "<":
        close = text.find(">")
        if close < 0:
            break
        text = text[close + 1:].lstrip()
    return text


def _document_heading(text: str, builder: Builder) -> bool:
    """Whether a heading is about the file (its TOC, its dated title, an empty day), not a section."""
    lowered = text.lower()
    if lowered.rstrip(":： ") in _TOC_TITLES:
        builder.toc_seen = True
        return True
    if any(words in lowered for words in _EMPTY_DAY):
        builder.empty_day = True
        return True
    if lowered.startswith(("total papers today", "今日总计")):
        return True
    if not builder.digest.entries:  # a dated heading before the papers is the file's title
        dated = date_in(text[:200])
        builder.heading_date = builder.heading_date or dated
        return dated is not None
    return False


def _preamble_facts(line: str, builder: Builder) -> None:
    """Lines outside entries: TOC markup (and what it promises), an empty day's words, else unread text."""
    text = line.strip()
    if _structural(text):
        builder.toc_seen = builder.toc_seen or "toc" in text[:40].lower()
        if text[:3] == "- [":
            found = re.search(_TOC_COUNT, text[-20:])
            if found:
                builder.promised += int(found.group(1) or found.group(2))
        return
    if len(text) <= 80 and any(words in text.lower() for words in _EMPTY_DAY):
        builder.empty_day = True  # "> No new papers today"
        return
    if text[:1] not in ("-", "*", "[", ">", "|", "=", "_"):
        builder.prose_seen = True
    builder.problem("unread", cut(clean(text), 40)[0])


_MARKUP_STARTS = "<-=_*["
"""The first characters of the lines _structural may call markup."""


def _structural(text: str) -> bool:
    """Markup that carries no text of a paper: anchors, TOC items, separators, back links, details tags."""
    if text[:1] == "<":
        tag = text[1:12].lower()
        return tag.startswith(("a ", "a>", "div", "/div", "details", "/details", "summary", "/summary", "br", "hr", "p>", "/p"))
    if text[:3] == "- [" and "](#" in text:
        return True
    if text.strip("-=_* ") == "":
        return True
    if text[:1] == "[" and "](#" in text and text.endswith(")") and text.count("](") == text.count("(#"):
        return True  # "[⬆️ 返回分类顶部](#eesssp) | [⬆️ 返回总目录](#toc)"
    return False


def _section_name(text: str) -> str | None:
    """``cs.CV [[Back]](#toc)`` -> ``cs.CV``; ``<a id='x'></a>Topic`` -> ``Topic``; None for an empty heading."""
    text = _strip_anchor(text)
    back = text.find("[[")
    if back >= 0:
        text = text[:back]
    text = text.rstrip("# ").strip()
    return clean(cut(text, TITLE_LIMIT)[0]) if text else None


def _split_heading(rest: str) -> tuple[str, str | None]:
    """(title, url) of ``[N] [Title](url)`` or ``[Title](url)`` (the heading after its ``### ``); title as written."""
    rest = rest.strip()
    close = rest.find("] [", 0, 16)
    if close > 1 and rest[1:close].isdigit():
        rest = rest[close + 2:]
    if rest.endswith(")"):
        middle = rest.rfind("](")
        if middle > 0:
            return rest[1:middle], rest[middle + 2:-1].strip(" <>")
    return rest[1:].removesuffix("]"), None


_BACK_LINK = re.compile(r"\s*\[\[[^\[\]]*\]\]\(#[^()]*\)$")
"""A heading's trailing ``[[back]](#toc-1)`` link to the table of contents."""
_LINKS = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)")
"""Each ``[text](url)`` of a line that has several."""


def _link(text: str) -> tuple[str, str | None]:
    """(text, url) of ``[text](url)`` (the url also bare); (text, None) when there is no link."""
    text = text.strip()
    if text[:1] == "[" and text.endswith(")") and "](" in text:
        middle = text.rfind("](")
        return text[1:middle], text[middle + 2:-1].strip(" <>")
    if text.startswith(("http://", "https://")):
        return text, text.split()[0]
    return text, None


class _Label(NamedTuple):
    """A labelled line: ``key`` is a Paper field name or ``"extra"``, ``name`` the label as written."""

    key: str
    name: str
    value: str
    bold: bool
    quoted: bool


def _label(line: str, bullets: bool = False) -> _Label | None:
    """Read a field label: ``X: v``, ``**X:** v``, ``**X**: v``, ``**X: v**``, ``> **X:** v``, ``- **X**: v``.

    Plain labels count only when known (so prose like ``Note: ...`` stays text); any
    short bold label counts.  Only a bounded prefix is searched, so long lines are cheap.
    """
    text = line
    quoted = text[0] == ">"
    if quoted:
        text = text[1:].lstrip()
    if bullets and text[:4] == "- **":  # a post's "- **Authors**: ..." list
        text = text[2:]
    if text.startswith("**"):
        end = text.find("**", 2, 240)
        if end < 3:
            return None
        inner, rest = text[2:end].strip(), text[end + 2:]
        if inner.endswith((":", "：")):
            label, value = inner[:-1], rest
        elif rest.startswith((":", "：")):
            label, value = inner, rest[1:]
        elif ":" in inner and not rest.strip():
            label, value = inner.split(":", 1)
        else:
            return None
        bold = True
    else:
        colon = text.find(":", 1, 40)
        if colon < 0:
            return None
        label, value, bold = text[:colon], text[colon + 1:], False
    label = label.strip()
    lowered = label.lower()
    key = _FIELD_LABELS.get(lowered)
    if key is None:
        if not (
            lowered in _EXTRA_LABELS
            or (bold and 0 < len(label) <= 40 and "[" not in label and "*" not in label)
            or (not bold and _cjk_label(label))
        ):
            return None
        key = "extra"
    return _Label(key, label, value, bold, quoted)


def _cjk_label(label: str) -> bool:
    """A fork's own plain Chinese label (``与遥感交叉或改进方案: ...``): a few CJK characters before an ASCII colon.

    Chinese prose puts a full-width colon after a word, so a short all-CJK text before ``:``
    at the start of a line is a label; an English sentence (``Note: ...``) never is.
    """
    return (
        2 <= len(label) <= 20
        and label[0] >= "\u2e80"
        and all(char >= "\u2e80" or char in "()（） /、" for char in label)
    )


def _heading_label(text: str) -> _Label | None:
    """A sub-heading that names a field (``#### 中文摘要 (Abstract in Chinese)``, ``### Background``)."""
    lowered = text.strip().rstrip(":：").lower()
    key = _FIELD_LABELS.get(lowered)
    if key is None and lowered in _EXTRA_LABELS:
        key = "extra"
    if key is None or key in _HEADER_KEYS:
        return None
    return _Label(key, text.strip().rstrip(":："), "", True, True)


def _categories(value: str) -> tuple[list[str], bool]:
    """(the arXiv categories, whether the list has other parts) of a category list.

    ``cs.AI, cs.CV``, `` `cs.CV`, `cs.LG` `` and ``cs.CR cs.AI`` are categories; a part that is
    not only categories (``K.6.3 Software Management``, ``68T07 (Primary)``) is another part.
    """
    names: list[str] = []
    others = False
    for part in value.replace("`", " ").replace("|", ",").split(","):
        words = part.split()
        if all(ARXIV_CATEGORY.fullmatch(word) for word in words):
            names += words
        else:
            others = True
    return names, others


_SUMMARY_RANK = {name: rank for rank, name in enumerate(SUMMARY_FIELDS)}
_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}
"""One shared tuple per field order: a fork's entries all share their template's order."""


class _Entry:
    """One entry being read: its heading, then header lines, fields and details.

    ``kind`` is how the entry began: ``link`` (``### [N] [Title](url)``), ``anchor``
    (``## <a id=..></a>[Title](url)``), ``plain`` (a post's ``### Title``) or ``report``
    (``## 📄 Paper 1 - Relevance: 50%``, the title in a ``**Title:**`` line).
    """

    __slots__ = (
        "title", "url", "kind", "authors", "fields", "extra", "in_details", "summary", "started",
        "key", "name", "lines", "size", "quoted", "cut", "overflow", "extra_size", "extra_dropped",
        "categories", "topics", "pdf", "facts", "other", "bullet", "order", "moved", "rank",
    )

    def __init__(self, heading: tuple[str, str | None], kind: str) -> None:
        self.title, self.url = heading
        self.kind = kind
        self.authors: tuple[str, ...] = ()
        self.fields: dict[str, str | None] = {}
        self.extra: list[tuple[str, str]] = []
        self.order: list[str] = []  # summary field names and extra labels as the file gives them
        self.moved = False  # the order differs from the display order
        self.rank = -1  # the display rank of the last summary field seen
        self.extra_size = 0
        self.extra_dropped = False
        self.in_details: bool | None = None  # None: no details block seen
        self.summary = ""
        self.started = False  # a field label has been seen: header lines are over
        self.key: str | None = None  # the open field, if any
        self.name = ""
        self.lines: list[str] = []
        self.size = 0
        self.overflow = False  # text of the open field was dropped for the field limit
        self.quoted = False
        self.cut: list[str] = []
        self.categories: list[str] = []
        self.topics: list[tuple[str, str]] = []  # a "category" that is no arXiv category: (label, text)
        self.pdf: str | None = None
        self.facts = 0  # fields, authors or links seen: a "plain" heading with none is only a heading
        self.other: list[str] = []  # lines that are no known field, in file order
        self.bullet = False  # the open field is a post's bullet ("- **TL;DR**: ..."): a blank line ends it

    def relevance(self, heading: str) -> None:
        """A report heading's ``- Relevance: 50%`` (``- 相关性: 55%``) is an extra field."""
        dash = heading.find(" - ")
        label, colon, value = heading[dash + 3:].partition(":") if dash > 0 else ("", "", "")
        if colon and value.strip() and len(label) <= 40:
            self.add_extra(clean(label.strip()), clean(value.strip()))

    def sub_heading(self, text: str, level: int) -> bool:
        """A heading inside the entry that names a field opens it (``#### 中文摘要``, ``### Background``)."""
        found = _heading_label(_strip_anchor(text))
        if found is None:
            if level >= 4:  # "#### Figure 1" of a Key Figures field: text of the entry
                self.feed("#" * level + " " + text)
                return True
            return False
        self.close()
        self._open(found)
        return True

    def feed_blank(self) -> None:
        """A blank line matters only inside a field: it separates paragraphs, or ends a bullet field."""
        if self.key is not None:
            if self.bullet:  # a post's bare abstract paragraph after "- **TL;DR**: ..." is not the TL;DR
                self.close()
            else:
                self.lines.append("")

    def feed(self, line: str) -> None:
        """One non-blank line inside the entry."""
        stripped = line.lstrip() if line[0] in " \t" else line
        if stripped[0] == "<":
            tag = stripped[:12].lower()
            if tag.startswith("<details"):
                self.close()
                self.in_details = True
                return
            if tag.startswith("</details"):
                self.close()
                self.in_details = False
                return
            if tag.startswith("<summary"):
                self.summary = stripped[stripped.find(">") + 1:].split("<", 1)[0].strip().lower()
                return
        key = self.key
        if key is None:
            if stripped[0] in _MARKUP_STARTS and _structural(stripped):  # separators too
                return
        elif stripped[0] in "-*_" and stripped in ("---", "***", "___"):  # a separator ends the open field
            self.close()
            return
        # an abstract's own text may start like a label ("Background: ..."): only bold
        # standard labels (and labels no abstract sentence starts with) end it
        in_abstract = key == "abstract" or (self.in_details and self.summary == "abstract")
        if in_abstract and line[0] not in "*>" and not line[:40].lower().startswith(_ENDS_ABSTRACT):
            found = None  # the common case, cheaply: an abstract's own line
        else:
            found = _label(line, self.kind == "plain")
            if found and in_abstract and not (
                (found.bold and found.key != "extra") or found.name.lower() in _ENDS_ABSTRACT
            ):
                found = None
        if found:
            self.close()
            if found.key in _HEADER_KEYS and " | " in found.value[:TITLE_LIMIT]:
                self._segments(stripped)
            else:
                self._open(found)
                self.bullet = self.kind == "plain" and line[:4] == "- **"
        elif stripped[0] == "[" and self._pdf_line(stripped):
            return
        elif key is not None:
            self._append(line[1:].removeprefix(" ") if self.quoted and line[0] == ">" else line)
        elif not self.started and not self.in_details and self._header(stripped):
            return
        elif self.in_details and self.summary == "abstract" and "abstract" not in self.fields:
            self._open(_Label("abstract", "Abstract", line, False, False))
        elif self.kind == "plain" and self.started and "abstract" not in self.fields:
            self._open(_Label("abstract", "Abstract", line, False, False))  # a post's bare abstract paragraph
        else:
            self._other(line)

    def _pdf_line(self, text: str) -> bool:
        """``[**[PDF]**](url) | **Categories:** cs.AI, cs.CL`` or ``[PDF](url)``: the PDF link and its segments."""
        if text[:1] != "[" or "pdf" not in text[:12].lower():
            return False
        head, _, rest = text.partition(" | ")
        label, url = _link(head)
        if url is None or "pdf" not in label.lower():
            return False
        self.pdf = self.pdf or (clean(url) if len(url) <= TITLE_LIMIT else None)
        self.facts += 1
        self._segments(rest)
        return True

    def _header(self, text: str) -> bool:
        """Lines between the heading and the first field: authors, xmkxabc's translated title."""
        if text.startswith("> *") and not text.startswith("> **"):
            translated, was_cut = cut(text[3:].rstrip("*").strip(), FIELD_LIMIT)
            if was_cut:
                self.cut.append(_TRANSLATED_TITLE)
            self.add_extra(_TRANSLATED_TITLE, clean(translated))
            return True
        if text[0] == "*" and text[:2] != "**" and not self.authors:
            bar = text.find("* | ")
            names, rest = (text[1:bar], text[bar + 4:]) if bar > 0 else (text[1:].removesuffix("*"), "")
            self._authors(names)
            self._segments(rest)
            return True
        return False

    def _authors(self, names: str) -> None:
        """``A, B`` (also xmkxabc's Python list ``['A', 'B']``) -> the authors."""
        names, was_cut = cut(names.strip(), FIELD_LIMIT)
        if was_cut:
            self.cut.append("authors")
        if names[:2] in ("['", '["') and names[-2:] in ("']", '"]'):
            names = names[1:-1].replace("', '", ", ").replace('", "', ", ").strip("'\"")
        self.authors = tuple(clean(part.strip()) for part in names.split(",") if part.strip())
        self.facts += 1

    def _segments(self, text: str) -> None:
        """``**Main category: X**`` or ``Source: arXiv`` parts after a `` | ``, each a one-line field."""
        for part in text.split(" | ") if text else ():
            part = part.strip()
            if not part:
                continue
            if self._pdf_line(part):
                continue
            found = _label(part)
            if found:
                self._open(found)
                self.close()
            else:
                self._other(part)

    def _other(self, line: str) -> None:
        """A line that is no known field: kept in the entry's ``Other`` extra, in file order."""
        if len(self.other) < EXTRA_LIMIT * 20:
            self.other.append(line)
        else:
            self.extra_dropped = True

    def _open(self, found: _Label) -> None:
        """Start a field; header facts (category, authors, links, titles) are one line, so they are set at once."""
        self.started = True
        key = found.key
        if key in _HEADER_KEYS:  # one line: stripped of its bold markup (a long field is not copied so)
            value = found.value.strip().strip("*").strip()
            self.facts += 1
            if key == "category":
                value, _, rest = value.partition(" | ")
                self._category(found.name, value.strip().strip("*").strip())
                self._segments(rest)
            elif key == "categories":
                names, others = _categories(value)
                for name in names:
                    self._category(found.name, name)
                if others:  # "cs.AI, cs.SE, K.6.3 Software Management": the whole list as written, in an extra field
                    self._category(found.name, value)
            elif key == "authors":
                self._authors(value)
            elif key in ("link", "pdf"):
                # "[2605.21830](abs)  ·  [PDF](pdf)": each link of the line; else the one link
                for text, url in _LINKS.findall(value) if value.count("](") > 1 else [_link(value)]:
                    if url is None:
                        self.add_extra(clean(found.name), clean(text))
                    elif key == "pdf" or text.strip().lower() == "pdf":
                        self.pdf = self.pdf or (clean(url) if len(url) <= TITLE_LIMIT else None)
                    else:
                        self.url = self.url or url
            elif key == "title" and not self.title.strip():
                self.title = value
            elif key == "title_en":  # the same title again says nothing new
                if value and value != self.title.strip():
                    if self.title.strip():
                        self.add_extra(_TRANSLATED_TITLE, clean(cut(self.title.strip(), FIELD_LIMIT)[0]))
                    self.title = value
            elif value:
                self.add_extra(clean(found.name), clean(cut(value, FIELD_LIMIT)[0]))
            return
        self.facts += 1
        self.key, self.name, self.quoted, self.bullet = key, found.name, found.quoted, False
        self.lines, self.size, self.overflow = [], 0, False
        self._append(found.value.lstrip())

    def _category(self, label: str, value: str) -> None:
        """An arXiv category is kept as one; a topic (``Agent Sec``, ``Other``) or an unfilled slot is not."""
        value = cut(clean(value), TITLE_LIMIT)[0]
        if not value:
            return
        if ARXIV_CATEGORY.fullmatch(value):
            if value.lower() in PLACEHOLDERS:  # of the failure texts only these ("error") look like a category
                return
            self.categories.append(value)
            if label.lower() in ("main category", "catalog"):
                self.fields.setdefault("category", value)
        elif text_or_none(value) is not None:
            self.topics.append((clean(label), value))

    def _append(self, line: str) -> None:
        """Keep a field line, but never more than the field limit, however long the input.

        Whether text was dropped is remembered: the kept part may end in spaces that the
        join strips, and the field must still be marked as cut.
        """
        if self.size <= FIELD_LIMIT:
            self.lines.append(line[:FIELD_LIMIT + 1])
            self.size += len(line)
            if len(line) > FIELD_LIMIT + 1 and _NONBLANK.search(line, FIELD_LIMIT + 1):
                self.overflow = True
        elif _NONBLANK.search(line):
            self.overflow = True

    def close(self) -> None:
        """Finish the open field: rejoin, cap, drop placeholders, store."""
        if self.key is None:
            return
        key, name = self.key, clean(self.name)
        self.key = None
        text, was_cut = cut(join_lines(self.lines, name.lower() in _FOLDED_LABELS), FIELD_LIMIT)
        if self.overflow and not was_cut:
            text, was_cut = text.rstrip() + "…", True
        if was_cut:
            self.cut.append(name)
        if text[:1] == "`" and text[-1:] == "`" and text.count("`") == 2:
            text = text[1:-1]  # "**Relevance:** `0.5537`": a value set as code, shown as the value
        value = text_or_none(clean(text, multiline=True))
        if key != "extra" and key not in self.fields:
            self.fields[key] = value
            rank = _SUMMARY_RANK.get(key)
            if value is not None and rank is not None:
                # out of display order: after a fork's own field, or before a field shown earlier
                self.moved = self.moved or bool(self.extra) or rank < self.rank
                self.rank = rank
                self.order.append(key)
        elif value is not None:
            self.add_extra(name, value)

    def add_extra(self, name: str, value: str) -> None:
        """Keep an extra field while the entry's extras stay within EXTRA_LIMIT and FIELD_LIMIT.

        A label seen again in the entry adds to its field, so no text is hidden behind a repeat.
        """
        if not value:
            return
        if len(self.extra) >= EXTRA_LIMIT or self.extra_size >= FIELD_LIMIT:
            self.extra_dropped = True
            return
        for index, (label, text) in enumerate(self.extra):
            if label == name:
                self.extra[index] = (label, text + "\n\n" + value)
                break
        else:
            self.extra.append((name, value))
            self.order.append(name)
        self.extra_size += len(value)


def _file_order(entry: _Entry) -> tuple[str, ...]:
    """The entry's field order, kept only where it differs from the display order (summary
    fields, then extras): most entries pay nothing for it."""
    if not entry.moved:
        return ()
    order = tuple(entry.order)
    return _ORDERS.setdefault(order, order) if len(_ORDERS) < 4096 else order


def _commit(entry: _Entry, builder: Builder, section: str | None) -> int:
    """Make the entry's Paper, note what is damaged, and add it under its section: what was
    read becomes a paper here, apart from how it was read (the _Entry)."""
    entry.close()
    if entry.kind == "plain" and not entry.facts:  # a heading with no paper under it
        for line in entry.other:
            builder.problem("unread", cut(clean(line.strip()), 40)[0])
        return builder.entry_count
    for label, value in entry.topics:
        entry.add_extra(label, value)
    if entry.other:
        entry.add_extra(_OTHER, clean(cut(join_lines(entry.other), FIELD_LIMIT)[0], multiline=True).strip())
    title, was_cut = cut(entry.title.strip(), TITLE_LIMIT)
    title = clean(title)
    url = clean(entry.url) if entry.url and len(entry.url) <= TITLE_LIMIT else None
    paper_id, version, made_up = identify(url, None, title)
    if was_cut:
        builder.problem("title cut", paper_id)
    if not title:
        builder.problem("no title", paper_id)
        title = "(untitled)"
    if made_up:
        builder.problem("no id", paper_id)
    if entry.in_details:
        builder.problem("truncated", paper_id)
    for name in entry.cut:
        builder.problem("field cut", f"{paper_id} {name}")
    if entry.extra_dropped:
        builder.problem("extra cut", paper_id)
    fields = entry.fields
    category = fields.get("category") or (entry.categories[0] if entry.categories else None)
    if not category:
        categories: tuple[str, ...] = ()
    elif entry.categories == [category]:  # the common case: only the main category
        categories = (category,)
    else:
        categories = tuple(dict.fromkeys([category, *entry.categories]))
    paper = Paper(
        id=paper_id,
        title=title,
        version=version,
        url=url,
        authors=entry.authors,
        category=category,
        tldr=fields.get("tldr"),
        motivation=fields.get("motivation"),
        method=fields.get("method"),
        result=fields.get("result"),
        conclusion=fields.get("conclusion"),
        abstract=fields.get("abstract"),
        extra=tuple(entry.extra),
        categories=categories,
        pdf=entry.pdf,
        order=_file_order(entry),
    )
    return builder.add(section or paper.category or "Papers", paper)
