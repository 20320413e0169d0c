"""LaTeX in titles and abstracts shown as Unicode: math converted, plain text untouched, never an error."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core import latex
from reader.core.latex import to_unicode

CORPUS = Path(__file__).parent / "corpus"
TITLE_LINE = re.compile(r"^### (?:\[\d+\] )?\[(.*)\]\(https?://[^)]*\)$")


def corpus_titles() -> list[str]:
    return [
        match[1]
        for path in sorted(CORPUS.glob("*.md"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if (match := TITLE_LINE.match(line))
    ]


@pytest.fixture(autouse=True)
def cold_converter():
    """Each test builds the converter and converts as the first title of a session does.

    The converter and its results are cached for the whole process; without this only the
    first test to convert would exercise the code that builds them (mutation testing, which
    runs for each change only the tests that reached it, would miss most of the module).
    """
    latex._tools.cache_clear()
    latex._cached.cache_clear()


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        (r"T$^\star$", "T⋆"),
        (r"$\mathcal{O}(n)$", "𝒪(n)"),
        (r"PM$_{2.5}$", "PM₂.₅"),
        (r"\textsc{DiARC}", "DiARC"),
        (r"$\alpha$-divergence", "α-divergence"),
        (r"$x^2$", "x²"),
        (r"$\mathbb{R}^d$", "ℝᵈ"),
        (r"$x^{-1}$", "x⁻¹"),
        (r"$\mathbf{x}$", "𝐱"),
        (r"Capability $\neq$ Interpretability", "Capability ≠ Interpretability"),
        (r"\textbf{Bold $\beta$} claim", "Bold β claim"),
        (r"M\"uller and Ra\'{u}l", "Müller and Raúl"),
        (r"50\% of \$5 \& more", "50% of $5 & more"),
        (r"$\mathbb{F}_2 \times (\mathbb{F}_2+v\mathbb{F}_2)$", "𝔽₂ × (𝔽₂+v𝔽₂)"),
        (r"covariance (\(\omega\)) from \(-11.6\%\)", "covariance (ω) from -11.6%"),
        (r"$\sigma_{\rm LOS}$ and the $10^{\rm th}$", "σ_{LOS} and the 10ᵗʰ"),
        (r"line \\$x^2$ break", r"line \\x² break"),
        (r"$X^2$ and $T^{1.5}$", "X² and T¹.⁵"),
        (r"$x_{i,j}$ over $\mathcal{L}_{\mathrm{KL}}$", "xᵢ,ⱼ over ℒ_{KL}"),
        (r"$\it{y}$, $\bf v$ and $\cal L$", "y, v and L"),
        (r"\emph{snake_case x_2} stays text", "snake_case x_2 stays text"),
        (r"10\,000 samples\;and a\ b", "10 000 samples and a b"),
    ],
)
def test_examples(latex, shown):
    assert to_unicode(latex) == shown


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        # No superscript q exists: the script stays in LaTeX form, its content converted.
        (r"$x^q$", "x^q"),
        (r"$x^{q\alpha}$", r"x^{qα}"),
        (r"$x^{}$", r"x^{}"),
        (r"$N_{\mathrm{why}}$", r"N_{why}"),
        # Unknown macros keep the whole formula (or command) as written.
        (r"$\ECUAS{n}$: metrics", r"$\ECUAS{n}$: metrics"),
        (r"\ECUAS{n}: A family", r"\ECUAS{n}: A family"),
        (r"$\begin{foo}x\end{foo}$", r"$\begin{foo}x\end{foo}$"),
        # Malformed math, including what pylatexenc would render as a "%s/%s" placeholder.
        (r"$x^$ and $\frac{a$", r"$x^$ and $\frac{a$"),
        (r"$x^\frac$ and $\'\frac$", r"$x^\frac$ and $\'\frac$"),
        ("$" + "{" * 3000 + "x" + "}" * 3000 + "$", "$" + "{" * 3000 + "x" + "}" * 3000 + "$"),
    ],
)
def test_what_cannot_be_converted_stays_as_written(latex, shown):
    assert to_unicode(latex) == shown


@pytest.mark.parametrize(
    "text",
    [
        "Let [VOID] Handle [EOS] Tokens",
        "snake_case names and a_b_c with 50% & 20% ~ 3x",
        "costs $5 and $10 today",
        "a lone $ sign",
        "C++ & C# [1] {braces} ^caret",
        "中文摘要：我们提出了一种方法。",
    ],
)
def test_text_without_math_is_unchanged(text):
    assert to_unicode(text) == text


def test_converter_warnings_never_reach_the_terminal(caplog, capsys):
    assert to_unicode(r"odd $y^\frac$") == r"odd $y^\frac$"
    assert not caplog.records
    assert capsys.readouterr().err == ""


def test_text_without_dollar_or_backslash_is_returned_as_is():
    title = "A plain title " * 3
    assert to_unicode(title) is title


def test_math_over_a_wrapped_line_but_not_over_a_paragraph():
    assert to_unicode("we bound $\\mathcal{O}(n\n\\log n)$ time") == "we bound 𝒪(n log n) time"
    assert to_unicode("price $5\n\nand 6$") == "price $5\n\nand 6$"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("GRAM-R$^2$:", "GRAM-R²:"),
        ("DeepResearch$^{\\text{Eco}}$:", "DeepResearchᴱᶜᵒ:"),
        ("GSBAK$^K$: $top$-$K$", "GSBAKᴷ: top-K"),
        ("Large $\\ell_p$ Norms", "Large ℓₚ Norms"),
        ("magnet Na$_3$Co$_2$SbO$_6$", "magnet Na₃Co₂SbO₆"),
        ("CO$_2$ emissions", "CO₂ emissions"),
        ("Di$\\mathtt{[M]}$O:", "Di[𝙼]O:"),
        ("T$^\\star$: Progressive", "T⋆: Progressive"),
        ("\\ECUAS{n}:", "\\ECUAS{n}:"),
    ],
)
def test_real_titles(written, shown):
    title = next(title for title in corpus_titles() if written in title)
    assert shown in to_unicode(title)


def test_every_corpus_title_converts_without_leftover_dollars():
    titles = [title for title in corpus_titles() if "$" in title or "\\" in title]
    assert len(titles) > 20
    for title in titles:
        shown = to_unicode(title)
        assert "\n" not in shown
        if "\\ECUAS" not in title:
            assert "$" not in shown, title


def test_every_corpus_line_with_latex_never_raises():
    lines = {
        line
        for path in sorted(CORPUS.glob("*.md"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "$" in line or "\\" in line
    }
    assert lines
    for line in lines:
        assert isinstance(to_unicode(line), str)


LATEX_PIECES = st.one_of(
    st.sampled_from(list("$\\^_{}[]%&~ ax2\n\t\x00\x1b")),
    st.sampled_from(["\\alpha", "\\mathcal{", "\\text{", "\\frac", "\\begin{", "\\end{", "\\\\", "\\'"]),
    st.characters(),
)


def control_characters(text: str) -> set[str]:
    return {char for char in text if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0}


@given(st.one_of(st.text(max_size=60), st.lists(LATEX_PIECES, max_size=30).map("".join)))
def test_never_raises_nor_adds_control_characters(text):
    shown = to_unicode(text)
    assert isinstance(shown, str)
    assert control_characters(shown) <= control_characters(text)


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        ("0{\\deg} to 90{\\deg}", "0° to 90°"),
        ("20\\textdegree C", "20° C"),
        ("the ``quoted'' word", "the “quoted” word"),
        ("``$x^2$ scaling''", "“x² scaling”"),
        ("a.k.a.~Cross-Attention", "a.k.a. Cross-Attention"),
        ("Fig.~3 shows", "Fig. 3 shows"),
        ("~10% faster", "~10% faster"),
        ("see http://host.org/~user/page", "see http://host.org/~user/page"),
        ("it's the model's ''prime''", "it's the model's ''prime''"),
    ],
)
def test_text_mode_latex(latex, shown):
    """Issue 13: degrees, TeX quotes and ties in text, not only in math."""
    assert to_unicode(latex) == shown
