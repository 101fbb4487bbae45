"""promtool and amtool on the files of deploy/prometheus and deploy/alertmanager: the
configuration and the rules are valid, and every alerting rule passes its unit tests."""

from __future__ import annotations

import subprocess

import pytest

from tests.monitoring import AMTOOL, DEPLOY, PROMTOOL, load_yaml, needs_prometheus

PROMETHEUS_DIR = DEPLOY / "prometheus"


def tool(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


@needs_prometheus
def test_promtool_checks_the_configuration_and_the_rules() -> None:
    assert PROMTOOL is not None
    out = tool(PROMTOOL, "check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))
    assert "SUCCESS" in out
    out = tool(PROMTOOL, "check", "rules", str(PROMETHEUS_DIR / "rules.yml"))
    assert "SUCCESS" in out


@needs_prometheus
def test_promtool_unit_tests_of_every_alerting_rule() -> None:
    assert PROMTOOL is not None
    tests = PROMETHEUS_DIR / "tests" / "rules_test.yml"
    out = tool(PROMTOOL, "test", "rules", str(tests))
    assert "SUCCESS" in out
    declared = {
        rule["alert"]
        for group in load_yaml(PROMETHEUS_DIR / "rules.yml")["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    tested_firing = {
        case["alertname"]
        for test in load_yaml(tests)["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    tested_silent = {
        case["alertname"]
        for test in load_yaml(tests)["tests"]
        for case in test.get("alert_rule_test", [])
        if not case.get("exp_alerts")
    }
    assert declared == tested_firing, declared ^ tested_firing
    assert declared == tested_silent, declared ^ tested_silent


@pytest.mark.skipif(AMTOOL is None, reason="amtool comes with prometheus-alertmanager")
def test_amtool_checks_the_alertmanager_configuration() -> None:
    assert AMTOOL is not None
    out = tool(AMTOOL, "check-config", str(DEPLOY / "alertmanager" / "alertmanager.yml"))
    assert "SUCCESS" in out
