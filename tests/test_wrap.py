"""CJK-aware wrapping: lines fit, nothing is lost, CJK fills the line, labels stay attached."""

import textwrap

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from reader.core.wrap import break_offsets, wrap

TLDR = "TL;DR: ICONIC-444是一个包含310万张图像、444个类别的工业图像数据集，专门用于OOD检测研究，弥补了现有数据集的不足。"


def plain_lines(text: str, width: int) -> list[str]:
    return [line.plain for line in wrap(Text(text), width)]


def test_label_shares_its_line_with_chinese_text():
    lines = plain_lines(TLDR, 50)
    assert lines[0].startswith("TL;DR: ICONIC-444是")
    assert all(cell_len(line) <= 50 for line in lines)
    # CJK lines are filled to the edge: no line but the last leaves more than one cell.
    assert all(cell_len(line) >= 49 for line in lines[:-1])


def test_latin_words_are_never_split():
    text = "out-of-distribution OOD detection " * 5 + "进行了研究OOD检测"
    assert plain_lines(text, 24) == ["out-of-distribution OOD", "detection"] * 4 + [
        "out-of-distribution OOD",
        "detection 进行了研究OOD",
        "检测",
    ]


def test_latin_and_cjk_may_break_where_they_meet():
    assert plain_lines("进行了研究OOD检测", 12) == ["进行了研究", "OOD检测"]
    assert plain_lines("数据abc", 5) == ["数据", "abc"]
    assert plain_lines("abc数据集", 4) == ["abc", "数据", "集"]


def test_a_space_at_the_edge_leaves_no_empty_line():
    assert plain_lines("hello world", 5) == ["hello", "world"]
    assert plain_lines("hello world", 11) == ["hello world"]


LATIN_WORDS = st.lists(st.text(alphabet="abcxyz-.,;:!?()'", min_size=1, max_size=12), min_size=1, max_size=30)


@given(LATIN_WORDS, st.sampled_from([" ", "  "]), st.integers(min_value=12, max_value=60))
def test_latin_text_wraps_like_textwrap(words, gap, width):
    """Words that fit are never split: the lines are those of a greedy word wrap."""
    text = gap.join(words)
    assert plain_lines(text, width) == textwrap.wrap(text, width, break_on_hyphens=False)


def test_no_line_starts_with_closing_punctuation():
    # Width 22 fits eleven wide characters, the eleventh is the 集 before a comma: the
    # comma would start the next line, so 集 moves down with it.
    assert plain_lines("数据集，" * 4, 22) == ["数据集，数据集，数据", "集，数据集，"]
    assert plain_lines("ab数，", 5) == ["ab", "数，"]
    assert plain_lines("(x)", 2) == ["(x", ")"]  # unavoidable: no break opportunity fits


CLOSING = "，。、）」！"
OPENING = "（「"
CJK_UNITS = st.builds(
    "{}{}{}".format, st.sampled_from(["", *OPENING]), st.sampled_from("数据集模型检测"), st.sampled_from(["", *CLOSING])
)


def greedy_lines(units: list[str], width: int) -> list[str]:
    """Units packed in order, each line taking as many as fit."""
    lines = [""]
    for unit in units:
        if lines[-1] and cell_len(lines[-1] + unit) > width:
            lines.append("")
        lines[-1] += unit
    return lines


@given(st.lists(CJK_UNITS, min_size=1, max_size=60), st.integers(min_value=6, max_value=40))
def test_cjk_fills_lines_and_keeps_punctuation_with_its_character(units, width):
    """A line never starts with closing or ends with opening punctuation, and each holds
    as much as fits."""
    assert plain_lines("".join(units), width) == greedy_lines(units, width)


def test_overlong_word_is_folded():
    lines = plain_lines("x" * 25, 10)
    assert lines == ["x" * 10, "x" * 10, "x" * 5]


def test_styles_survive_wrapping():
    text = Text()
    text.append("TL;DR: ", style="bold")
    text.append("内容" * 30)
    first = wrap(text, 20)[0]
    assert first.spans and first.spans[0].style == "bold"


@given(
    st.text(alphabet=st.sampled_from(list("ab c,。，数据（）OOD ") + ["\u3000"]), max_size=200),
    st.integers(min_value=2, max_value=60),
)
def test_lines_fit_and_keep_every_visible_character(text, width):
    lines = plain_lines(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_zero_width_gives_one_line():
    assert break_offsets("abc", 0) == ()


def test_width_one_holds_one_character_per_line():
    assert plain_lines("abc", 1) == ["a", "b", "c"]
    assert plain_lines("数据", 1) == ["数", "据"]  # wider than the line, still not lost


def test_korean_breaks_at_spaces_and_chinese_between_characters():
    """Issue 13: Korean broke mid-word (비침습적 / 이고)."""
    korean = "이 연구는 비침습적 뇌-컴퓨터 인터페이스를 위한 새로운 방법을 제안하며 실험 결과가 우수함을 보여준다"
    for width in (12, 20, 31):
        lines = [line.plain for line in wrap(Text(korean), width)]
        assert " ".join(lines) == korean, "every line ends at a space"
        assert all(cell_len(line) <= width for line in lines)
    chinese = [line.plain for line in wrap(Text("这是一个很长的中文句子用于测试换行功能"), 10)]
    assert chinese == ["这是一个很", "长的中文句", "子用于测试", "换行功能"]
    assert [line.plain for line in wrap(Text("비침습적인뇌컴퓨터인터페이스"), 10)] == ["비침습적인", "뇌컴퓨터인", "터페이스"], "a word wider than the line is folded"
