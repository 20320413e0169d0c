"""config.toml: defaults, each key, clear errors, and where the files live."""

from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import user_data_dir

from reader.core.config import Config, ConfigError, Paths, load_config, resolve_paths


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults(tmp_path):
    config = load_config(tmp_path / "missing.toml")
    assert config == Config()
    assert (config.mark_read, config.mark_read_delay, config.export_dir) == ("auto", 1.5, None)
    assert (config.interests, config.authors, config.raw_latex, config.warnings) == ([], [], False, [])


def test_an_empty_file_gives_the_defaults(tmp_path):
    assert load_config(write(tmp_path, "# nothing yet\n")) == Config()


def test_every_key_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config = load_config(
        write(
            tmp_path,
            'mark_read = "manual"\nmark_read_delay = 3\nexport_dir = "~/papers"\n'
            'interests = ["diffusion", " retrieval ", ""]\nauthors = ["Yann LeCun"]\nraw_latex = true\n',
        )
    )
    assert config == Config(
        mark_read="manual",
        mark_read_delay=3.0,
        export_dir=str(tmp_path / "papers"),
        interests=["diffusion", "retrieval"],
        authors=["Yann LeCun"],
        raw_latex=True,
    )
    assert isinstance(config.mark_read_delay, float)


def test_a_delay_of_zero_is_allowed(tmp_path):
    assert load_config(write(tmp_path, "mark_read_delay = 0.0\n")).mark_read_delay == 0.0


def test_unknown_keys_are_ignored_with_a_warning(tmp_path):
    path = write(tmp_path, 'colour = "red"\nmark_read = "manual"\n[keys]\nquit = "x"\n')
    config = load_config(path)
    assert config.mark_read == "manual"
    assert config.warnings == [f"{path} line 1: unknown key 'colour' ignored", f"{path} line 3: unknown key 'keys' ignored"]


def test_bad_toml_names_the_file_line_and_column(tmp_path):
    path = write(tmp_path, 'mark_read = "auto"\nmark_read_delay = = 2\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert "line 2, column 19" in message
    assert "\n" not in message


def test_a_file_that_is_not_utf8_is_an_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'mark_read = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_an_unreadable_path_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)  # a folder


@pytest.mark.parametrize(
    "line, message",
    [
        ('mark_read = "sometimes"', """mark_read must be "auto" or "manual", not 'sometimes'"""),
        ("mark_read = true", """mark_read must be "auto" or "manual", not True"""),
        ('mark_read_delay = "fast"', "mark_read_delay must be a number of seconds, 0 or more, not 'fast'"),
        ("mark_read_delay = -1", "mark_read_delay must be a number of seconds, 0 or more, not -1"),
        ("mark_read_delay = nan", "mark_read_delay must be a number of seconds, 0 or more, not nan"),
        ("mark_read_delay = true", "mark_read_delay must be a number of seconds, 0 or more, not True"),
        ("export_dir = 3", "export_dir must be a folder path, not 3"),
        ('export_dir = ""', "export_dir must be a folder path, not ''"),
        (
            'export_dir = "~no-such-user-here/papers"',
            "export_dir must be a folder path (~user must name a user of this machine), not '~no-such-user-here/papers'",
        ),
        ('interests = "diffusion"', "interests must be a list of strings, not 'diffusion'"),
        ("authors = [1, 2]", "authors must be a list of strings, not [1, 2]"),
        ('raw_latex = "yes"', "raw_latex must be true or false, not 'yes'"),
    ],
)
def test_a_wrong_value_names_its_key_what_it_must_be_and_what_it_is(tmp_path, line, message):
    path = write(tmp_path, line + "\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: {message}"


def test_auto_marking_can_be_written_out(tmp_path):
    assert load_config(write(tmp_path, 'mark_read = "auto"\n')).mark_read == "auto"


def test_an_unreadable_path_says_why(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(tmp_path)
    assert str(error.value) == f"{tmp_path}: cannot read it: Is a directory"


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("DIGEST_READER_STATE", raising=False)
    monkeypatch.delenv("DIGEST_READER_CONFIG", raising=False)
    return monkeypatch


def test_default_paths_are_in_the_user_data_folder(no_env):
    default = Path(user_data_dir("digest-reader")) / "state.toml"
    assert resolve_paths(None, None) == Paths(default, default.with_name("config.toml"))


def test_env_overrides_the_default_and_the_config_follows_the_state(no_env, tmp_path):
    no_env.setenv("DIGEST_READER_STATE", str(tmp_path / "sync" / "marks.toml"))
    assert resolve_paths(None, None) == Paths(tmp_path / "sync" / "marks.toml", tmp_path / "sync" / "config.toml")


def test_options_override_env(no_env, tmp_path):
    no_env.setenv("DIGEST_READER_STATE", str(tmp_path / "env-state.toml"))
    no_env.setenv("DIGEST_READER_CONFIG", str(tmp_path / "env-config.toml"))
    assert resolve_paths(None, None) == Paths(tmp_path / "env-state.toml", tmp_path / "env-config.toml")
    paths = resolve_paths(str(tmp_path / "cli-state.toml"), str(tmp_path / "cli-config.toml"))
    assert paths == Paths(tmp_path / "cli-state.toml", tmp_path / "cli-config.toml")


def test_config_env_alone_keeps_the_default_state(no_env, tmp_path):
    no_env.setenv("DIGEST_READER_CONFIG", str(tmp_path / "c.toml"))
    assert resolve_paths(None, None) == Paths(Path(user_data_dir("digest-reader")) / "state.toml", tmp_path / "c.toml")


def test_paths_expand_home_and_become_absolute(no_env, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    no_env.setenv("DIGEST_READER_CONFIG", "~/conf/config.toml")
    paths = resolve_paths("relative/state.toml", None)
    assert paths == Paths(tmp_path / "relative" / "state.toml", tmp_path / "conf" / "config.toml")


# -- issue 11: paths and files that are not what they seem ------------------------------------


def load_in_thread(path: Path):
    """load_config in a thread: a hang fails the test (after a generous guard) instead of the suite."""
    import threading

    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["config"] = load_config(path)
        except ConfigError as error:
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "load_config hung"
    return result.get("config"), result.get("error")


def test_a_fifo_config_is_an_error_at_once(tmp_path):
    import os

    os.mkfifo(tmp_path / "config.toml")
    config, error = load_in_thread(tmp_path / "config.toml")
    assert config is None and "not a regular file" in str(error)


def test_a_config_nested_too_deep_is_an_error_not_a_crash(tmp_path):
    path = write(tmp_path, "interests = " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "nested too deeply" in str(error.value) and "\n" not in str(error.value)


def test_a_deep_but_readable_value_is_shown_short(tmp_path):
    path = write(tmp_path, "interests = " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "interests must be a list of strings" in str(error.value) and len(str(error.value)) < 300


def test_a_huge_config_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr("reader.core.config.MAX_CONFIG_BYTES", 50)
    with pytest.raises(ConfigError, match="larger than"):
        load_config(write(tmp_path, "# " + "x" * 100 + "\n"))


def test_a_config_whose_folder_cannot_exist_is_no_config_with_a_warning(tmp_path):
    (tmp_path / "file").write_text("a plain file where the state's folder should be")
    config = load_config(tmp_path / "file" / "config.toml")
    assert (config.mark_read, config.interests) == ("auto", [])
    [warning] = config.warnings
    assert "cannot be reached" in warning and "default settings" in warning


def test_what_a_config_message_shows_is_cleaned(tmp_path):
    from reader.core.sanitize import UNSAFE

    folder = tmp_path / "x\x1b]0;pwned\x07"
    folder.mkdir()
    path = folder / "config.toml"
    path.write_text('"\\u001b]52;c;aGk=\\u0007" = 1\n', encoding="utf-8")
    [warning] = load_config(path).warnings
    assert not UNSAFE.search(warning)
    path.write_text('mark_read = "\\u001b[2J"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert not UNSAFE.search(str(error.value))


@pytest.mark.parametrize("option", ["state", "config"])
def test_an_empty_path_option_is_an_error_not_the_default(no_env, option):
    with pytest.raises(ValueError, match=f"--{option} needs a file name"):
        resolve_paths(**{option: ""})


def test_a_typo_in_a_key_is_reported_with_its_line_and_the_key_meant(tmp_path):
    """Issue 13: ``interest = [...]`` was ignored without a hint."""
    path = tmp_path / "config.toml"
    path.write_text('mark_read = "auto"\ninterest = ["ood"]\ncolour = "red"\n', encoding="utf-8")
    config = load_config(path)
    assert config.interests == [] and config.mark_read == "auto"
    assert config.warnings == [
        f"{path} line 2: unknown key 'interest' ignored; did you mean interests?",
        f"{path} line 3: unknown key 'colour' ignored",
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('interests = ["a", "b"\n', "line 2, column 1"),
        ('export_dir = "~/papers', "line 1, column 23"),
        ("[broken\nx = 1\n", "line 1, column 8"),
    ],
)
def test_every_toml_error_says_its_line_and_column(tmp_path, text, where):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert f"(at {where}" in str(error.value)
