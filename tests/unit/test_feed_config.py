"""The feeds file: defaults, and an error that names the key and the line for every mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.feeds.config import DEFAULT_USER_AGENT, FeedsConfigError, load_feeds, parse_feeds
from tests.support import ROOT


def test_the_example_file_is_valid() -> None:
    feeds = load_feeds(ROOT / "deploy/feeds.toml")
    assert len(feeds.feed) >= 3
    assert all(f.url.startswith("https://") or f.url.startswith("http://") for f in feeds.feed)
    assert len({f.source for f in feeds.feed}) == len(feeds.feed)


def test_defaults() -> None:
    feeds = parse_feeds('[[feed]]\nsource = "wire"\nurl = "https://wire.test/rss"\n')
    [feed] = feeds.feed
    assert feeds.user_agent == DEFAULT_USER_AGENT
    assert feeds.remember == 10_000
    assert feed.interval_seconds == 900
    assert feed.lang is None and not feed.fetch_article and not feed.lenient
    assert feed.allowed_article_hosts == ("wire.test",)


def error_of(text: str) -> str:
    with pytest.raises(FeedsConfigError) as info:
        parse_feeds(text, "feeds.toml")
    return str(info.value)


GOOD = '[[feed]]\nsource = "a"\nurl = "https://a.test/rss"\n\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # TOML syntax: tomllib's own line and column
        ('[[feed]]\nsource = "a\n', "not valid TOML: "),
        ('[[feed]]\nsource = "a\n', "line 2"),
        # a wrong value in the second feed: its number, the key and the key's line
        (
            GOOD + '[[feed]]\nsource = "b"\nurl = "https://b.test/"\ninterval_seconds = "often"\n',
            "feed #2, interval_seconds (line 8): Input should be a valid number",
        ),
        # an unknown key (a typo) is refused, not ignored
        (GOOD + '[[feed]]\nsource = "b"\nurl = "https://b.test/"\nintervall = 60\n', "intervall"),
        (GOOD + '[[feed]]\nsource = "b"\nurl = "https://b.test/"\nintervall = 60\n', "(line 8)"),
        # a missing key points at the feed's header
        (GOOD + '[[feed]]\nurl = "https://b.test/"\n', "feed #2, source (line 5): Field required"),
        (
            '[[feed]]\nsource = "a"\nurl = "ftp://a.test/feed"\n',
            "is not an http:// or https:// URL",
        ),
        ('[[feed]]\nsource = "a:b"\nurl = "https://a.test/"\n', "feed #1, source (line 2)"),
        ('[[feed]]\nsource = "a"\nurl = "https://a.test/"\nlang = "EN"\n', "feed #1, lang"),
        ('[[feed]]\nsource = "a"\nurl = "https://a.test/"\ninterval_seconds = 0\n', "greater"),
        ('remember = 0\n[[feed]]\nsource = "a"\nurl = "https://a.test/"\n', "remember (line 1)"),
        ('user_agent = "x"\n', "feed: Field required"),
        ("feed = []\n", "at least 1 item"),
        (GOOD + GOOD, "feed #2: source 'a' is already the source of feed #1"),
    ],
)
def test_errors_name_the_key_and_the_line(text: str, expected: str) -> None:
    message = error_of(text)
    assert message.startswith("feeds.toml: ")
    assert expected in message


def test_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FeedsConfigError, match="cannot read"):
        load_feeds(tmp_path / "missing.toml")


@pytest.mark.parametrize("bad", ['[[feed]]\nsource = "x"\n', "not toml ["])
def test_a_bad_feeds_file_is_one_clear_error(bad: str, tmp_path: Path) -> None:
    config = tmp_path / "feeds.toml"
    config.write_text(bad)
    run = subprocess.run(
        [sys.executable, "-m", "streams.cli", "feeds", "--once", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "EXWATCH_BROKER": "kafka://127.0.0.1:1"},
    )
    assert run.returncode == 1
    assert run.stderr.startswith(f"Error: {config}: ")
    assert "Traceback" not in run.stderr
