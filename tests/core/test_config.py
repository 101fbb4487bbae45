from __future__ import annotations

from pathlib import Path

import pytest

from agents.core.agreements import AgreementBook
from agents.core.config import DEFAULT_AGREEMENTS, DEFAULT_AGREEMENTS_PATH, Config, ConfigError


def test_the_packaged_file_is_the_default() -> None:
    loaded = Config.load(DEFAULT_AGREEMENTS_PATH)
    assert DEFAULT_AGREEMENTS_PATH.parent.name == "core"  # inside the package, not deploy/
    assert loaded.agreements == DEFAULT_AGREEMENTS == Config().agreements
    assert loaded.thresholds == Config().thresholds
    assert loaded.version == 2 == Config().version
    assert Config.load(None).agreements == DEFAULT_AGREEMENTS
    assert Config().source == str(DEFAULT_AGREEMENTS_PATH)
    ids = [a.id for a in loaded.agreements]
    assert ids == ["istanbul-2025-05", "istanbul-2025-06", "istanbul-2025-07", "geneva-2026-02"]
    assert [(a.place, a.round) for a in loaded.agreements] == [
        ("istanbul", 1),
        ("istanbul", 2),
        ("istanbul", 3),
        ("geneva", None),
    ]
    june = loaded.agreements[1]
    assert june.signed == "2025-06-02" and june.covered_kinds() == ("remains", "pows")
    remains, pows = june.commitments
    assert (remains.count, remains.per_side) == (6000, True)
    assert pows.count == 0 and pows.categories == ("severely_injured", "ill", "under_25")
    assert [a.mediators for a in loaded.agreements] == [("TR",)] * 3 + [()]


def test_thresholds_set_elsewhere_replace_the_files() -> None:
    values = {
        "gap_remains_days": 21,
        "gap_pows_days": "60",  # as read from the environment, before validation
        "gap_civilians_days": 90,
        "suspension_limit_days": 14,
        "match_tolerance_days": 3,
        "commitment_horizon_days": 180,
    }
    t = Config().with_thresholds(values).thresholds
    assert (t.gap_remains_days, t.gap_pows_days, t.gap_civilians_days) == (21, 60, 90)
    assert (t.suspension_limit_days, t.match_tolerance_days, t.commitment_horizon_days) == (
        14,
        3,
        180,
    )
    assert Config().with_thresholds({}).thresholds == Config().thresholds
    with pytest.raises(ConfigError, match="gap_pows_days='soon'"):
        Config().with_thresholds({"gap_pows_days": "soon"})
    with pytest.raises(ConfigError, match="match_tolerance_days=-1"):
        Config().with_thresholds({"match_tolerance_days": -1})
    with pytest.raises(ConfigError, match="gap_unknown"):
        Config().with_thresholds({"gap_unknown": 1})


def test_agreements_file_then_thresholds(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(
        'version = "2026-03"\n[thresholds]\ngap_remains_days = 20\n'
        '[[agreements]]\nid = "geneva-2026-02"\nsigned = 2026-02-18\nkinds = ["pows"]\n'
        "gap_days = { pows = 21 }\n"
        '[[agreements.commitments]]\nkind = "pows"\ncount = 500\nper_side = true\n'
        'due = "2026-04"\n'
    )
    cfg = Config.load(path).with_thresholds({"gap_remains_days": 25})
    (a,) = cfg.agreements
    assert a.signed == "2026-02-18" and a.gap_days == {"pows": 21}
    assert a.commitments[0].due == "2026-04"
    assert cfg.thresholds.gap_remains_days == 25  # set elsewhere wins over the file
    assert cfg.version == "2026-03" and cfg.source == str(path)
    assert Config.load(path).thresholds.gap_remains_days == 20
    book = AgreementBook(cfg)  # the rules' one door to a gap threshold
    record = book.get("geneva-2026-02")
    assert record is not None
    assert book.gap_days(record, "pows") == 21 and book.gap_days(record, "remains") == 25


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'version = 1\n[[agreements]]\nid = "x"\nsigned = "2025-01-01"\ncolour = "red"\n',
            "colour",
        ),
        ('version = 1\n[[agreements]]\nid = "Bad Id"\nsigned = "2025-01-01"\n', "id"),
        ('version = 1\n[[agreements]]\nid = "x"\nsigned = "2025-13-01"\n', "signed"),
        ("[thresholds]\n", "version"),
        (
            'version = 1\n[[agreements]]\nid = "x"\nsigned = "2025"\n'
            '[[agreements]]\nid = "x"\nsigned = "2025"\n',
            "twice",
        ),
        ("version = = 1", "a.toml"),
        (
            'version = 1\n[[agreements]]\nid = "x"\nsigned = "2025"\n'
            '[[agreements.commitments]]\nkind = "pows"\n'
            '[[agreements.commitments]]\nkind = "pows"\n',
            "more than one commitment",
        ),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "a.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=problem):
        Config.load(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Config.load(tmp_path / "missing.toml")
