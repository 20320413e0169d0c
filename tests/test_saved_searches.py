"""Saved searches: [searches] in the config, adding one to the user's file, sidebar entries."""

from __future__ import annotations

import os
import tomllib

import pytest
from app_support import make_app, screen_text
from test_config import write
from test_mute import muted_digest
from test_session import session_of
from test_session_tags import store  # noqa: F401 (fixture)
from textual.widgets import Input

from reader.core.config import Config, ConfigError, load_config
from reader.core.saved import SavedSearchError, add_search, search_scope
from reader.core.search import parse_query
from reader.tui.screens.save_search import SaveSearchScreen

HAND_WRITTEN = """# my settings
interests = ["diffusion"]   # keep this comment

[searches]
# old ones
graphs = "graph -survey"

[other]
x = 1
"""


def test_searches_load_and_a_bad_query_names_its_line(tmp_path):
    assert load_config(write(tmp_path, '[searches]\ndiffusion = "diffusion -survey cat:cs.CV"\n')).searches == {
        "diffusion": "diffusion -survey cat:cs.CV"
    }
    path = write(tmp_path, '[searches]\nok = "x"\nbad = "tag:"\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f'{path} line 3: saved search "tag:" cannot be read: "tag:" needs a value (at character 5)'
    with pytest.raises(ConfigError, match="searches must be a table of names and search queries"):
        load_config(write(tmp_path, 'searches = ["x"]\n'))


def test_adding_a_search_keeps_every_other_line_of_the_file(tmp_path):
    path = write(tmp_path, HAND_WRITTEN)
    os.chmod(path, 0o600)
    assert add_search(path, " my  search ", 'diffusion "video model" -cat:cs.CV') == "my search"
    text = path.read_text()
    assert text == HAND_WRITTEN.replace("[searches]\n", '[searches]\n"my search" = "diffusion \\"video model\\" -cat:cs.CV"\n')
    assert load_config(path).searches == {"my search": 'diffusion "video model" -cat:cs.CV', "graphs": "graph -survey"}
    assert os.stat(path).st_mode & 0o777 == 0o600
    add_search(path, "graphs", "graph")  # the same name: its line is replaced
    assert tomllib.loads(path.read_text())["searches"]["graphs"] == "graph" and path.read_text().count("graphs") == 1


def test_a_file_without_searches_gets_a_table_at_its_end(tmp_path):
    path = write(tmp_path, 'mark_read = "manual"')  # no newline at the end
    add_search(path, "later", "tag:later is:unread")
    assert path.read_text() == 'mark_read = "manual"\n\n[searches]\nlater = "tag:later is:unread"\n'
    missing = tmp_path / "new" / "config.toml"
    add_search(missing, "x", "x")
    assert missing.read_text() == '[searches]\nx = "x"\n'


def test_a_file_that_ends_on_its_searches_header_gets_the_line_under_it(tmp_path):
    path = write(tmp_path, 'mark_read = "manual"\n[searches]')  # no newline after the header
    add_search(path, "later", "tag:later")
    assert path.read_text() == 'mark_read = "manual"\n[searches]\nlater = "tag:later"\n'


@pytest.mark.parametrize("config", ['searches = { a = "x" }\n', 'searches = "x"\n'], ids=["inline table", "no table"])
def test_searches_in_another_form_are_left_alone(tmp_path, config):
    path = write(tmp_path, config)
    with pytest.raises(SavedSearchError, match="left as it is: add the line b = \"y\" under"):
        add_search(path, "b", "y")
    assert path.read_text() == config


def test_a_link_to_the_config_stays_a_link(tmp_path):
    real = write(tmp_path, "")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    add_search(link, "x", "x")
    assert link.is_symlink() and real.read_text() == '[searches]\nx = "x"\n'


def test_a_saved_search_lists_and_counts_its_papers_live(store):  # noqa: F811
    digest = muted_digest()
    session = session_of(store, digest, searches={"surveys": "survey", "unread lg": "cat:cs.LG is:unread"})
    lines = {line.label: (line.total, line.unread) for line in session.counts()}
    assert lines["/ surveys"] == (2, 2) and lines["/ unread lg"] == (3, 3)
    session.toggle_read(digest.papers[1])
    lines = {line.label: (line.total, line.unread) for line in session.counts()}
    assert lines["/ surveys"] == (2, 1) and lines["/ unread lg"] == (2, 2)
    assert session.select(search_scope("surveys"))
    assert [paper.id for paper in session.visible()] == ["2601.00001", "2601.00002"]
    session.set_query(parse_query("cat:cs.CV"))
    assert [paper.id for paper in session.visible()] == ["2601.00001"]
    session.reconfigure(Config(mark_read="manual"))
    assert session.scope == session.library.home and not session.select(search_scope("surveys"))


async def test_S_saves_the_search_into_the_config_and_the_sidebar(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"OOD", "enter", "S")
        assert isinstance(app.screen, SaveSearchScreen)
        app.screen.query_one(Input).value = "ood"
        await pilot.press("enter")
        await pilot.pause()
        assert load_config(tmp_path / "config.toml").searches == {"ood": "OOD"}
        entry = next(entry for entry in app.main.sections.entries if entry.label == "/ ood")
        assert entry.key == search_scope("ood") and entry.unread == entry.total > 0
        assert "Saved the search as ood" in screen_text(app)
        await pilot.press("escape", *["l"] * len(app.main.sections.entries))  # the last line: the search
        assert app.session.scope == search_scope("ood")
        assert [paper.id for paper in app.main.paper_list.papers] == [paper.id for paper in app.session.saved_papers("ood")]
        app.main.paper_list.focus()
        await pilot.press("r")
        counted = next(entry for entry in app.main.sections.entries if entry.label == "/ ood")
        assert counted.unread == entry.unread - 1  # live as marks change


async def test_S_without_a_search_says_what_to_do(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("S")
        assert not isinstance(app.screen, SaveSearchScreen) and "then S saves" in screen_text(app)


def test_a_search_without_a_name_is_refused_with_a_line_for_the_user(tmp_path):
    path = write(tmp_path, "")
    with pytest.raises(SavedSearchError) as error:
        add_search(path, " \t ", "x")
    assert str(error.value) == "A saved search needs a name." and path.read_text() == ""


def test_the_file_keeps_its_permissions_and_a_new_one_is_readable(tmp_path):
    path = write(tmp_path, "")
    os.chmod(path, 0o640)
    add_search(path, "x", "x")
    assert os.stat(path).st_mode & 0o777 == 0o640
    missing = tmp_path / "new.toml"
    add_search(missing, "x", "x")
    assert os.stat(missing).st_mode & 0o777 == 0o644


def test_a_saved_search_follows_marks_taken_from_another_instance(tmp_path):
    """The store takes another instance's save before the session asks it again (sync_read, on
    the app's next poll): a recount in between must not keep the search's papers of the old
    read ids once the session has them."""
    from reader.core.store import MarkStore

    path = tmp_path / "state.toml"
    mine, theirs = MarkStore.open(path, save_delay=None), MarkStore.open(path, save_delay=None)  # no saver threads: the test says when
    try:
        digest = muted_digest()
        session = session_of(mine, digest, searches={"unread": "is:unread"})
        assert session.counts()[-1].total == 4
        theirs.set_read(digest.papers[0].id)
        theirs.flush()
        mine.refresh()
        assert mine.is_read(digest.papers[0].id) and not session.is_read(digest.papers[0].id)  # the store has it, the session not yet
        session.toggle_read(digest.papers[3])
        session.toggle_read(digest.papers[3])
        session.counts()  # a recount between the store's refresh and the session's
        session.sync_read()
        assert [paper.id for paper in session.saved_papers("unread")] == ["2601.00002", "2601.00003", "2601.00004"]
        assert session.counts()[-1].total == 3
    finally:
        mine.close()
        theirs.close()


def test_a_saved_search_runs_again_only_when_the_marks_it_asks_change(store):  # noqa: F811
    """Free words look in notes too, so a note runs a words search again; a read mark does not.
    A search that asks ``is:`` runs again after any mark."""
    digest = muted_digest()
    session = session_of(store, digest, searches={"words": "walks", "state": "cat:cs.LG is:unread"})
    words, state = session.saved_papers("words"), session.saved_papers("state")
    assert [paper.id for paper in words] == ["2601.00003"]
    session.toggle_read(digest.papers[1])
    assert session.saved_papers("words") is words, "a read mark changes nothing a words search asks"
    assert [paper.id for paper in session.saved_papers("state")] == ["2601.00003", "2601.00004"]
    assert state is not session.saved_papers("state")
    session.set_note(digest.papers[3], "random walks, again")
    assert [paper.id for paper in session.saved_papers("words")] == ["2601.00003", "2601.00004"]
