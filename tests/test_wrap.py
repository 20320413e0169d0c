"""CJK-aware wrapping: lines fit, nothing is lost, CJK fills the line, labels stay attached."""

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
    lines = plain_lines("out-of-distribution OOD detection " * 5 + "进行了研究OOD检测", 24)
    for line in lines:
        for word in line.split():
            assert word in "out-of-distribution OOD detection 进行了研究OOD检测"
    assert not any(line.endswith("OO") for line in lines)


def test_no_line_starts_with_closing_punctuation():
    text = "数据集，" * 40
    for line in plain_lines(text, 21)[1:]:
        assert not line.startswith("，")


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
    assert break_offsets("abc", 0) == []
