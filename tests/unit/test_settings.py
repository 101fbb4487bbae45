"""Settings: the one place that reads `EXWATCH_*` variables, and what it passes down."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from agents.core.config import Config, ConfigError, Thresholds
from streams.cli import main
from streams.settings import PREFIX, THRESHOLDS, Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_every_threshold_is_a_setting_read_from_its_variable() -> None:
    assert set(THRESHOLDS) == set(Thresholds.model_fields) <= set(Settings.model_fields)
    env = {
        "EXWATCH_GAP_REMAINS_DAYS": "21",
        "EXWATCH_GAP_POWS_DAYS": " 60 ",
        "EXWATCH_GAP_CIVILIANS_DAYS": "90",
        "EXWATCH_SUSPENSION_LIMIT_DAYS": "14",
        "EXWATCH_MATCH_TOLERANCE_DAYS": "0",
        "EXWATCH_COMMITMENT_HORIZON_DAYS": "180",
        "EXWATCH_FIGURE_TOLERANCE": "0.3",
        "EXWATCH_RECENT_RATE_DAYS": " ",  # blank: unset
    }
    settings = Settings.from_env(env)
    assert settings.thresholds() == {
        "gap_remains_days": 21,
        "gap_pows_days": 60,
        "gap_civilians_days": 90,
        "suspension_limit_days": 14,
        "match_tolerance_days": 0,
        "commitment_horizon_days": 180,
        "figure_tolerance": 0.3,
    }
    t = settings.config().thresholds
    assert (t.gap_pows_days, t.match_tolerance_days, t.figure_tolerance) == (60, 0, 0.3)
    assert t.recent_rate_days == Thresholds().recent_rate_days
    assert Settings.from_env({}).config().thresholds == Config().thresholds


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"EXWATCH_GAP_POWS_DAYS": "soon"}, "EXWATCH_GAP_POWS_DAYS='soon': Input should be"),
        ({"EXWATCH_GAP_POWS_DAYS": "0"}, "EXWATCH_GAP_POWS_DAYS='0': Input should be greater"),
        ({"EXWATCH_MATCH_TOLERANCE_DAYS": "-1"}, "EXWATCH_MATCH_TOLERANCE_DAYS='-1'"),
        ({"EXWATCH_FIGURE_TOLERANCE": "1.5"}, "EXWATCH_FIGURE_TOLERANCE='1.5'"),
        ({"EXWATCH_WEB_PORT": "x"}, "EXWATCH_WEB_PORT='x'"),
    ],
)
def test_a_bad_variable_is_refused_by_name(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    assert named in str(err.value)


def test_the_agreements_file_then_the_variables(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(
        "version = 7\n[thresholds]\ngap_remains_days = 20\ngap_pows_days = 50\n"
        '[[agreements]]\nid = "geneva-2026-02"\nsigned = 2026-02-18\nkinds = ["pows"]\n'
    )
    env = {"EXWATCH_AGREEMENTS_FILE": str(path), "EXWATCH_GAP_REMAINS_DAYS": "25"}
    config = Settings.from_env(env).config()
    assert config.source == str(path) and config.version == 7
    assert [a.id for a in config.agreements] == ["geneva-2026-02"]
    # The variable wins over the file; the file over the defaults.
    assert (config.thresholds.gap_remains_days, config.thresholds.gap_pows_days) == (25, 50)
    path.write_text("version = 1\n[thresholds]\ngap_pows_days = 0\n")
    with pytest.raises(ConfigError, match=str(path)):
        Settings.from_env(env).config()


def test_replay_refuses_a_bad_threshold_in_one_line(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("")
    run = CliRunner().invoke(main, ["replay", str(events)], env={"EXWATCH_GAP_POWS_DAYS": "x"})
    assert run.exit_code == 1
    assert "configuration: EXWATCH_GAP_POWS_DAYS='x'" in run.output
    assert "Traceback" not in run.output


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that read the process environment (os.environ, os.getenv, environ.get ...)."""
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")) or (
            isinstance(node, ast.Name) and node.id in ("environ", "getenv")
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_of_the_service_but_settings_reads_the_environment() -> None:
    readers = {}
    for package in ("agents", "schemas", "streams"):
        for module in (ROOT / package).rglob("*.py"):
            found = _reads_environment(ast.parse(module.read_text()))
            if found:
                readers[str(module.relative_to(ROOT))] = found
    assert list(readers) == ["streams/settings.py"], readers
    names = {PREFIX + name.upper() for name in Settings.model_fields}
    assert "EXWATCH_AGREEMENTS_FILE" in names and "EXWATCH_GAP_POWS_DAYS" in names
