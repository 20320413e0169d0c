"""Forward compatibility: what this version does not understand in the marks file survives it.

A newer digest-reader (notes, tags) or a hand edit may put anything in the file; an older
instance on a second machine syncing the same file must keep it, not move it aside.
"""

from __future__ import annotations

import tempfile
import tomllib
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from test_store import wait_for

from reader.core.model import Paper
from reader.core.store import FORMAT_VERSION, MarkStore

FOREIGN = b"""version = 1
theme = 'dark'
counts = [1, 2.5, 1979-05-27T07:32:00Z]

[settings]
detail_view = 'abstract'
font_size = 12
panes = { left = 30, right = 70 }

[stars."2601.00001"]
title = 'Kept'
starred_at = '2026-01-01T00:00:00Z'
note = 'a note a newer version wrote'
rating = 4
tags = ['ml', 'to read']
added = 2026-01-02

[stars."2601.00001".history]
seen = [2026-01-03T10:00:00Z]

[read]
"2601" = '''
00002
'''
"2601-v2" = 'a key of read this version does not know'

[notes."2601.00001"]
text = '''
First line.
Second line.'''
pinned = true

[notes."2512.00003"]
text = "Tab\\there"
"""


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "data" / "state.toml"


def unknown_parts(doc: dict) -> dict:
    """What this version does not understand in a parsed FOREIGN file (and must keep)."""
    star = doc["stars"]["2601.00001"]
    return {
        "top": {key: doc[key] for key in ("theme", "counts", "notes")},
        "settings": {key: doc["settings"][key] for key in ("font_size", "panes")},
        "star": {key: star[key] for key in ("note", "rating", "tags", "added", "history")},
        "read": doc["read"]["2601-v2"],
    }


def write_foreign(state: Path) -> dict:
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(FOREIGN)
    return unknown_parts(tomllib.loads(FOREIGN.decode()))


def on_disk(state: Path) -> dict:
    return tomllib.loads(state.read_text("utf-8"))


def make_changes(store: MarkStore) -> None:
    store.set_read("2601.00009")
    store.star(Paper(id="2512.00003", title="Also starred"))
    store.set_setting("wrap", True)


def assert_changes_saved_and_unknown_parts_kept(state: Path, unknown: dict) -> None:
    doc = on_disk(state)
    assert unknown_parts(doc) == unknown
    assert doc["read"]["2601"].split() == ["00002", "00009"]
    assert doc["stars"]["2512.00003"]["title"] == "Also starred"
    assert doc["settings"] == {"detail_view": "abstract", "wrap": True, "font_size": 12, "panes": {"left": 30, "right": 70}}


def test_unknown_tables_and_keys_survive_a_flush(state):
    unknown = write_foreign(state)
    store = MarkStore.open(state, save_delay=None)
    assert store.notices == [] and store.writable
    assert store.is_read("2601.00002") and store.star_for("2601.00001").paper.title == "Kept"
    assert store.get_setting("font_size") is None  # kept, but not a setting of this version
    make_changes(store)
    assert store.flush()
    assert_changes_saved_and_unknown_parts_kept(state, unknown)
    first = state.read_bytes()
    store.close()
    again = MarkStore.open(state, save_delay=None)
    again.set_read("2601.00009", False)
    again.set_read("2601.00009")
    again.close()
    assert state.read_bytes() == first  # deterministic: the same state gives the same bytes


def test_unknown_tables_and_keys_survive_the_background_saver(state):
    unknown = write_foreign(state)
    store = MarkStore.open(state, save_delay=0.01)
    try:
        make_changes(store)
        assert wait_for(lambda: "wrap" in state.read_text("utf-8"))
        assert_changes_saved_and_unknown_parts_kept(state, unknown)
    finally:
        store.close()


def test_a_merge_of_two_instances_keeps_unknown_tables(state):
    unknown = write_foreign(state)
    first, second = MarkStore.open(state, save_delay=None), MarkStore.open(state, save_delay=None)
    first.set_read("2601.00009")
    second.star(Paper(id="2512.00003", title="Also starred"))
    assert first.flush() and second.flush()
    second.set_setting("wrap", True)
    assert second.flush()
    assert first.refresh() and first.is_starred("2512.00003")
    assert_changes_saved_and_unknown_parts_kept(state, unknown)


def test_unknown_parts_written_by_another_instance_are_kept_by_a_save_on_top(state):
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.00009")
    assert store.flush()
    unknown = write_foreign(state)  # a newer version saves its notes meanwhile
    store.star(Paper(id="2512.00003", title="Also starred"))
    store.set_setting("wrap", True)
    assert store.flush()
    doc = on_disk(state)
    assert unknown_parts(doc) == unknown
    assert doc["read"]["2601"].split() == ["00002"]  # the other instance's file: it had unmarked 00009


def test_unstarring_drops_the_stars_unknown_keys_and_keeps_the_rest(state):
    unknown = write_foreign(state)
    store = MarkStore.open(state, save_delay=None)
    store.unstar("2601.00001")
    store.close()
    doc = on_disk(state)
    assert "stars" not in doc
    assert {key: doc[key] for key in ("theme", "counts", "notes")} == unknown["top"]


NEWER = b"""version = 2

[stars."2601.00001"]
title = 'From the future'
starred_at = '2026-01-01T00:00:00Z'
mood = 'curious'

[read]
"2601" = '00002'

[tags]
ml = ['2601.00002']
"""


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, "2", 0])
def test_a_file_of_a_newer_version_opens_read_only_and_is_never_written(state, version):
    content = NEWER.replace(b"version = 2", f"version = {version!r}".replace("'", '"').encode())
    state.parent.mkdir()
    state.write_bytes(content)
    store = MarkStore.open(state, save_delay=0.001)
    assert not store.writable
    [notice] = store.notices
    assert str(state) in notice and repr(version) in notice and "will not be saved" in notice
    newer = version == FORMAT_VERSION + 1
    assert ("was written by a newer digest-reader" in notice) is newer
    assert ("has an unknown version" in notice) is not newer
    assert store.is_read("2601.00002") and store.star_for("2601.00001").paper.title == "From the future"
    store.set_read("2601.00003")
    store.toggle_star(Paper(id="2601.00001", title="x"))
    store.set_setting("wrap", True)
    assert store.flush() is False
    assert store.is_read("2601.00003") and not store.is_starred("2601.00001")
    assert store.get_setting("wrap") is True
    assert store.refresh() is False and store.is_read("2601.00003")  # kept in memory over the file
    store.close()
    assert state.read_bytes() == content
    assert sorted(path.name for path in state.parent.iterdir()) == ["state.toml", "state.toml.lock"]
    assert len(store.notices) == 1


def test_a_read_only_store_saves_again_once_the_file_is_of_its_version(state):
    state.parent.mkdir()
    state.write_bytes(NEWER)
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.00003")
    assert store.flush() is False
    state.write_bytes(NEWER.replace(b"version = 2", b"version = 1"))  # say the newer version was removed
    assert store.flush() and store.writable
    doc = on_disk(state)
    assert doc["read"]["2601"].split() == ["00002", "00003"] and doc["tags"] == {"ml": ["2601.00002"]}


def test_a_file_without_a_version_is_read_as_this_version(state):
    state.parent.mkdir()
    state.write_text("[read]\nother = ['hep-th/9901001']\n")
    store = MarkStore.open(state, save_delay=None)
    assert store.is_read("hep-th/9901001") and store.writable and store.notices == []
    store.set_read("2601.00001")
    store.close()
    assert on_disk(state)["version"] == FORMAT_VERSION


def test_raw_values_of_every_toml_type_are_written_back_equal(state):
    values = (
        "x = 1\ny = -2.5e-3\nz = inf\nw = nan\nd = 2026-01-02\nt = 07:32:00.5\n"
        "l = 1979-05-27T07:32:00\no = 1979-05-27T00:32:00-07:00\n"
        "a = [[1, 2], ['x'], [{ k = 'v' }], []]\ne = {}\n"
        "s = \"it's \\\"quoted\\\" \\u0001\"\nm = '''\nline one\nline 'two'\n'''\n"
    )
    state.parent.mkdir()
    state.write_text(f"version = 1\n[future]\n{values}[stars.'2601.00001']\ntitle = 'T'\nstarred_at = 'now'\n{values}")
    before = on_disk(state)
    store = MarkStore.open(state, save_delay=None)
    store.set_read("2601.00002")
    store.close()
    after = on_disk(state)
    nan = after["future"].pop("w"), after["stars"]["2601.00001"].pop("w")
    assert all(value != value for value in nan)
    before["future"].pop("w"), before["stars"]["2601.00001"].pop("w")
    assert after["future"] == before["future"] and after["stars"] == before["stars"]
    assert after["future"]["o"] == datetime(1979, 5, 27, 7, 32, tzinfo=timezone.utc)
    assert after["future"]["d"] == date(2026, 1, 2)


# -- malformed known parts: kept, named in a notice, replaced only by a change of that entry ----------


MALFORMED = [
    pytest.param(
        "[stars.'2601.00001']\ntitle = 'T'\nstarred_at = 'now'\nauthors = [1, 2]\ntldr = 3\n",
        "authors, tldr of the wrong type",
        lambda store: store.star_for("2601.00001").paper.authors == () and store.star_for("2601.00001").paper.tldr is None,
        id="star fields of the wrong type",
    ),
    pytest.param(
        "[stars.'2601.00001']\ntitle = 'T'\nstarred_at = 'now'\nextra = [['a', 'b', 'c']]\n",
        "extra of the wrong type",
        lambda store: store.star_for("2601.00001").paper.extra == (),
        id="star extra not pairs",
    ),
    pytest.param(
        "[stars.'2601.00001']\nstarred_at = 'now'\nnote = 'n'\n",
        "needs a title and starred_at",
        lambda store: not store.is_starred("2601.00001"),
        id="star without a title",
    ),
    pytest.param(
        "[stars.'2601.00001']\ntitle = ['T']\nstarred_at = 'now'\n",
        "needs a title and starred_at",
        lambda store: not store.is_starred("2601.00001"),
        id="star with a title of the wrong type",
    ),
    pytest.param("[stars]\n'2601.00001' = 5\n", "is not a table", lambda store: store.stars() == [], id="star not a table"),
    pytest.param("stars = 5\n", "stars is not a table", lambda store: store.stars() == [], id="stars not a table"),
    pytest.param("settings = 5\n", "settings is not a table", lambda store: store.get_setting("settings") is None, id="settings not a table"),
    pytest.param("read = [1]\n", "read is not a table", lambda store: store.read_ids == frozenset(), id="read not a table"),
    pytest.param(
        "[read]\n'2601' = '00001 x 10802 123456'\n",
        "read.2601 must be",
        lambda store: store.read_ids == {"2601.00001", "2601.10802"},
        id="read month with other words",
    ),
    pytest.param("[read]\n'2601' = 5\n", "read.2601 must be", lambda store: store.read_ids == frozenset(), id="read month not a string"),
    pytest.param(
        "[read]\nother = ['hep-th/9901001', 7]\n",
        "read.other must list ids",
        lambda store: store.read_ids == {"hep-th/9901001"},
        id="read other with a number",
    ),
    pytest.param("[read]\nother = 'hep-th/9901001'\n", "read.other must list ids", lambda store: store.read_ids == frozenset(), id="read other not a list"),
]


def without(doc: dict, *path: str) -> dict:
    """``doc`` without the value at ``path`` (and tables that leaves empty)."""
    doc = {**doc}
    head, *rest = path
    if rest and isinstance(doc.get(head), dict):
        doc[head] = without(doc[head], *rest)
        if not doc[head]:
            del doc[head]
    elif not rest:
        doc.pop(head, None)
    return doc


@pytest.mark.parametrize("content, problem, loaded", MALFORMED)
def test_a_malformed_entry_is_kept_with_a_notice_while_other_marks_change(state, content, problem, loaded):
    state.parent.mkdir()
    state.write_text(f"version = 1\n{content}")
    before = on_disk(state)
    store = MarkStore.open(state, save_delay=None)
    [notice] = store.notices
    assert problem in notice and str(state) in notice and "kept" in notice
    assert store.writable and loaded(store)
    assert list(state.parent.glob("*corrupt*")) == []
    if "stars" in before:
        store.set_setting("wrap", True)
    else:
        store.star(Paper(id="2502.00001", title="Elsewhere"))
    store.close()
    after = on_disk(state)
    assert without(without(after, "stars", "2502.00001"), "settings", "wrap") == before
    reopened = MarkStore.open(state, save_delay=None)
    assert reopened.notices == store.notices and loaded(reopened)
    reopened.close()


@pytest.mark.parametrize(
    "content, change, expected",
    [
        ("[read]\n'2601' = '00001 x'\n", lambda store: store.set_read("2601.00002"), {"read": {"2601": "00001 00002"}}),
        ("[read]\n'2601' = 5\n", lambda store: store.set_read("2601.00002", False), {}),
        ("[read]\nother = ['a', 1]\n", lambda store: store.set_read("b"), {"read": {"other": ["a", "b"]}}),
        ("[read]\nother = ['a', 1]\n", lambda store: store.set_read("a", False), {}),
        ("[settings]\nwrap = 1\n", lambda store: store.set_setting("wrap", True), {"settings": {"wrap": True}}),
        ("settings = 5\n", lambda store: store.set_setting("wrap", True), {"settings": {"wrap": True}}),
        ("stars = 5\n", lambda store: store.unstar("2601.00001"), {"stars": 5}),
        ("[stars]\n'2601.00001' = 5\n", lambda store: store.unstar("2601.00001"), {}),
        (
            "[stars.'2601.00001']\ntitle = 'T'\nstarred_at = 'now'\nauthors = [1]\nnote = 'n'\n",
            lambda store: store.unstar("2601.00001"),
            {},
        ),
        (
            "[stars.'2601.00001']\nstarred_at = 5\nnote = 'n'\n",
            lambda store: store.star(Paper(id="2601.00001", title="New", authors=("A",))),
            {"stars": {"2601.00001": {"title": "New", "authors": ["A"], "note": "n"}}},
        ),
        (
            "[stars]\n'2601.00001' = 5\n",
            lambda store: store.star(Paper(id="2601.00001", title="New")),
            {"stars": {"2601.00001": {"title": "New"}}},
        ),
    ],
)
def test_a_change_of_a_malformed_entry_replaces_it(state, content, change, expected):
    state.parent.mkdir()
    state.write_text(f"version = 1\n{content}")
    store = MarkStore.open(state, save_delay=None)
    change(store)
    store.close()
    after = on_disk(state)
    for star in after["stars"].values() if isinstance(after.get("stars"), dict) else ():
        if isinstance(star, dict):
            star.pop("starred_at"), star.pop("digest", None)
    if "read" in after:
        after["read"] = {key: " ".join(value.split()) if isinstance(value, str) else value for key, value in after["read"].items()}
    assert after == {"version": FORMAT_VERSION, **expected}


def test_settings_that_are_tables_are_kept_without_a_notice(state):
    state.parent.mkdir()
    state.write_text("version = 1\n[settings]\nwrap = true\n[settings.colors]\nread = 'grey'\n")
    store = MarkStore.open(state, save_delay=None)
    assert store.notices == [] and store.get_setting("wrap") is True and store.get_setting("colors") is None
    store.set_setting("detail_view", "abstract")
    store.close()
    assert on_disk(state)["settings"] == {"colors": {"read": "grey"}, "detail_view": "abstract", "wrap": True}


TOML_VALUES = st.recursive(
    st.text()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(timezone.utc)),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
UNKNOWN_KEYS = st.dictionaries(st.text(max_size=5).map("x_".__add__), TOML_VALUES, max_size=3)


@settings(max_examples=30, deadline=None)
@given(top=UNKNOWN_KEYS, star=UNKNOWN_KEYS, settings_values=UNKNOWN_KEYS, table=UNKNOWN_KEYS)
def test_any_unknown_toml_survives_a_rewrite(top, star, settings_values, table):
    doc = {
        "version": FORMAT_VERSION,
        **top,
        "future": table,
        "settings": settings_values,
        "stars": {"2601.00001": {"title": "T", "starred_at": "now", **star}},
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.toml"
        path.write_text(tomli_w.dumps(doc))
        store = MarkStore.open(path, save_delay=None)
        assert store.notices == []
        store.set_read("2601.00002")
        store.close()
        after = on_disk(path)
    assert after.pop("read") == {"2601": "00002\n"}
    assert after == {key: value for key, value in doc.items() if value or key != "settings"}  # an empty [settings] goes
