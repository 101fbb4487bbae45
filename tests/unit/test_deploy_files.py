"""The image, compose and Kubernetes files agree with the code: Docker and a cluster do not run
here, so these files are parsed and checked against the settings, the CLI, the topics and each
other (ports, environment variable names, paths, entrypoint, versions)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from streams.settings import PREFIX, Settings
from streams.topics import TopicNames
from tests.monitoring import ALERTMANAGER, PROMETHEUS
from tests.support import ROOT, broker_module

DEPLOY = ROOT / "deploy"
DEFAULTS = Settings()
KNOWN_ENV = {PREFIX + name.upper() for name in Settings.model_fields}


# The Dockerfile.


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, instruction: str) -> list[str]:
        return [a for i, a in self.instructions if i == instruction]


def dockerfile_stages(path: Path) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[Stage] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            parts = rest.split()
            stages.append(Stage(parts[0], parts[2] if len(parts) > 2 else None))
            continue
        stages[-1].instructions.append((instruction, " ".join(rest.split())))
    return stages


def docker_env(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in stage.args("ENV"):
        for item in shlex.split(args):
            key, _, value = item.partition("=")
            env[key] = value
    return env


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return dockerfile_stages(ROOT / "Dockerfile")


def test_image_is_multi_stage_and_its_runtime_holds_only_the_installed_package(
    stages: list[Stage],
) -> None:
    assert len(stages) >= 2
    build, runtime = stages[0], stages[-1]
    assert build.name == "build"
    assert all(a != ". ." for s in stages for a in s.args("COPY")), "the whole repo is copied"
    copied = " ".join(a for s in stages for a in s.args("COPY"))
    for absent in ("tests", "bench", "deploy", ".venv"):
        assert not re.search(rf"(^|\s){absent}(\s|$)", copied), absent
    # The runtime stage gets the built environment and nothing else.
    assert runtime.args("COPY") == ["--from=build /opt/exchange-watch /opt/exchange-watch"]
    runtime_text = " ".join(a for _, a in runtime.instructions).lower()
    for tool in ("jdk", "jre", "maven", "kcat", "pytest", "apt-get install"):
        assert tool not in runtime_text, tool
    # The build installs the package without its dev extras.
    (install,) = [a for a in build.args("RUN") if "pip install" in a]
    assert "pip install ." in install and "[dev]" not in install and "-e " not in install
    with open(ROOT / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)
    needed = {
        "pyproject.toml",
        "README.md",
        *project["tool"]["setuptools"]["packages"]["find"]["include"],
    }
    named = {w.rstrip("*") for a in build.args("COPY") for w in a.split()[:-1]}
    assert {n.rstrip("*") for n in needed} <= named


def test_image_runs_the_worker_as_a_user_without_privileges(stages: list[Stage]) -> None:
    runtime = stages[-1]
    (user,) = runtime.args("USER")
    assert user not in ("root", "0")
    with open(ROOT / "pyproject.toml", "rb") as fh:
        scripts = tomllib.load(fh)["project"]["scripts"]
    (entrypoint,) = runtime.args("ENTRYPOINT")
    (cmd,) = runtime.args("CMD")
    assert json.loads(entrypoint) + json.loads(cmd) == ["exchange-watch", "worker"]
    assert scripts["exchange-watch"] == "streams.cli:main"
    from streams.cli import main

    assert "worker" in main.commands  # type: ignore[attr-defined]


def test_image_web_server_health_check_and_volume(stages: list[Stage]) -> None:
    runtime = stages[-1]
    env = docker_env(runtime)
    assert set(k for k in env if k.startswith(PREFIX)) <= KNOWN_ENV
    # Bound to every interface inside the container only: the service's default is loopback.
    assert env["EXWATCH_WEB_HOST"] == "0.0.0.0"
    assert DEFAULTS.web_host == "127.0.0.1"
    port = int(env["EXWATCH_WEB_PORT"])
    assert port == DEFAULTS.web_port
    assert runtime.args("EXPOSE") == [str(port)]
    (health,) = runtime.args("HEALTHCHECK")
    assert "/healthz" in health and "EXWATCH_WEB_PORT" in health and f"'{port}'" in health
    (volume,) = runtime.args("VOLUME")
    (volume_path,) = json.loads(volume)
    assert Path(env["EXWATCH_DATA_DIR"]).parent == Path(volume_path)
    assert runtime.args("WORKDIR") == [volume_path]


# Compose.


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else "x://" + url)
    assert parts.hostname and parts.port, url
    return parts.hostname, parts.port


def workers(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in compose["services"].items() if k.startswith("worker-")}


def test_compose_kafka_is_the_tested_version_and_creates_no_topics(
    compose: dict[str, Any],
) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"] == f"apache/kafka:{broker_module().kafka_version()}"
    env = kafka["environment"]
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    advertised = env["KAFKA_ADVERTISED_LISTENERS"].removeprefix("PLAINTEXT://")
    assert host_port(advertised) == ("kafka", 9092)


def test_compose_workers_agree_with_the_image_and_each_other(
    compose: dict[str, Any], stages: list[Stage]
) -> None:
    runtime_env = docker_env(stages[-1])
    (volume,) = json.loads(stages[-1].args("VOLUME")[0])
    services = compose["services"]
    found = workers(compose)
    assert len(found) == 2
    for worker in found.values():
        env = worker["environment"]
        assert set(env) <= KNOWN_ENV, set(env) - KNOWN_ENV
        settings = Settings.from_env({**runtime_env, **env})
        assert [host_port(b)[0] for b in settings.bootstrap_servers] == ["kafka"]
        kafka_port = host_port(services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"])[1]
        assert host_port(settings.bootstrap_servers[0])[1] == kafka_port
        assert worker["build"]["dockerfile"] == "Dockerfile"
        assert (DEPLOY / worker["build"]["context"] / "Dockerfile").is_file()
        # Other workers reach it by its host name and the port the server listens on.
        assert host_port(settings.worker_url) == (worker["hostname"], settings.web_port)
        (mapping,) = worker["ports"]
        published, target = (int(p) for p in mapping.split(":"))
        assert target == settings.web_port
        assert host_port(settings.alerts_url) == ("localhost", published)
        (tables,) = worker["volumes"]
        assert tables.split(":")[1] == volume
        am_host, am_port = host_port(str(settings.alertmanager_url))
        assert am_host in services
        assert f"{am_port}:{am_port}" in services[am_host]["ports"]
    assert len({w["hostname"] for w in found.values()}) == len(found)


def test_compose_prometheus_scrapes_the_workers_and_sends_to_alertmanager(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    prometheus = services["prometheus"]
    mounts = dict(v.split(":")[:2] for v in prometheus["volumes"] if v.startswith("./"))
    assert mounts["./prometheus"] == "/etc/prometheus"
    config_flag = next(a for a in prometheus["command"] if a.startswith("--config.file="))
    inside = Path(config_flag.split("=", 1)[1])
    config = yaml.safe_load(
        (DEPLOY / "prometheus" / inside.relative_to("/etc/prometheus")).read_text()
    )
    for rule_file in config["rule_files"]:
        assert (DEPLOY / "prometheus" / rule_file).is_file()
    (job,) = config["scrape_configs"]
    assert job["job_name"] == "exchange-watch"
    assert job["metrics_path"] == "/metrics"
    (static,) = job["static_configs"]
    expected = {f"{w['hostname']}:{DEFAULTS.web_port}" for w in workers(compose).values()}
    assert set(static["targets"]) == expected
    (manager,) = config["alerting"]["alertmanagers"]
    (target,) = manager["static_configs"][0]["targets"]
    host, port = host_port(target)
    assert host in services and f"{port}:{port}" in services[host]["ports"]
    rules = (DEPLOY / "prometheus" / "rules.yml").read_text()
    assert 'job="exchange-watch"' in rules


def installed_version(binary: str | None) -> str | None:
    if binary is None:
        return None
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"version (\d+\.\d+\.\d+)", out.stdout + out.stderr)
    return found.group(1) if found else None


def test_compose_runs_the_prometheus_and_alertmanager_the_tests_run(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for service, binary in (("prometheus", PROMETHEUS), ("alertmanager", ALERTMANAGER)):
        tag = services[service]["image"].rsplit(":v", 1)[1]
        version = installed_version(binary)
        if version is not None:
            assert tag == version, (service, tag, version)
    alertmanager = services["alertmanager"]
    mounts = dict(v.split(":")[:2] for v in alertmanager["volumes"] if v.startswith("./"))
    config_flag = next(a for a in alertmanager["command"] if a.startswith("--config.file="))
    source = next(s for s, t in mounts.items() if t == config_flag.split("=", 1)[1])
    assert (DEPLOY / source).is_file()


def test_compose_grafana_provisions_the_data_source_and_the_dashboard(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    grafana = services["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"] if v.startswith("./"))
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    sources = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"]
    (source,) = sources
    host, port = host_port(source["url"])
    assert host == "prometheus" and f"{port}:{port}" in services["prometheus"]["ports"]
    (provider,) = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/dashboards/exchange-watch.yml").read_text()
    )["providers"]
    path = provider["options"]["path"]
    local = next(s for s, t in mounts.items() if t == path)
    boards = list((DEPLOY / local.removeprefix("./")).glob("*.json"))
    assert boards
    for board in boards:
        data = json.loads(board.read_text())
        uids = {
            d["uid"]
            for p in data["panels"]
            for d in [p.get("datasource"), *[t.get("datasource") for t in p.get("targets", [])]]
            if d
        }
        assert uids == {source["uid"]}, board


# Kubernetes.


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict[str, Any]]:
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and "kind" in doc and doc["kind"] != "Kustomization":
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def test_kustomization_lists_the_core_resources() -> None:
    kustomization = yaml.safe_load((DEPLOY / "k8s/kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (DEPLOY / "k8s" / resource).is_file()
    assert "servicemonitor.yaml" not in kustomization["resources"]  # needs the operator


def test_statefulset_agrees_with_the_image_and_the_settings(
    k8s: dict[tuple[str, str], dict[str, Any]], stages: list[Stage]
) -> None:
    sts = k8s[("StatefulSet", "exchange-watch")]
    pod = sts["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert json.loads(stages[-1].args("ENTRYPOINT")[0]) == ["exchange-watch"]
    assert container["args"] == ["worker"]
    (port,) = container["ports"]
    assert port["containerPort"] == DEFAULTS.web_port
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/healthz" and get["port"] == port["name"]
    security = pod["spec"]["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
    # The tables on the pod's own volume, where the image keeps them.
    (volume,) = json.loads(stages[-1].args("VOLUME")[0])
    (mount,) = container["volumeMounts"]
    assert mount["mountPath"] == volume
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert claim["metadata"]["name"] == mount["name"]
    # Settings: from the ConfigMap and the container, every name known.
    config = k8s[("ConfigMap", container["envFrom"][0]["configMapRef"]["name"])]["data"]
    env = {e["name"]: e.get("value", "") for e in container["env"]}
    names = (set(config) | set(env)) - {"POD_NAME"}
    assert names <= KNOWN_ENV, names - KNOWN_ENV
    merged = {**config, **env}
    settings = Settings.from_env(
        {k: v.replace("$(POD_NAME)", "exchange-watch-0") for k, v in merged.items()}
    )
    assert Path(settings.data_dir).parent == Path(volume)
    # Scale up to the partition count.
    assert 1 <= sts["spec"]["replicas"] <= settings.partitions
    # Scrape annotations.
    notes = pod["metadata"]["annotations"]
    assert notes["prometheus.io/scrape"] == "true"
    assert int(notes["prometheus.io/port"]) == settings.web_port
    assert notes["prometheus.io/path"] == "/metrics"
    # Faust routes views to the owner by its canonical URL: the pod's name in the headless
    # Service, on the port it listens on.
    headless = k8s[("Service", sts["spec"]["serviceName"])]
    assert headless["spec"]["clusterIP"] == "None"
    host, canonical_port = host_port(settings.worker_url)
    assert host == f"exchange-watch-0.{headless['metadata']['name']}"
    assert canonical_port == settings.web_port


def test_services_and_service_monitor_select_the_workers(
    k8s: dict[tuple[str, str], dict[str, Any]],
) -> None:
    sts = k8s[("StatefulSet", "exchange-watch")]
    pod_labels = sts["spec"]["template"]["metadata"]["labels"]
    assert sts["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    services = {name: doc for (kind, name), doc in k8s.items() if kind == "Service"}
    assert len(services) == 2
    for service in services.values():
        assert service["spec"]["selector"].items() <= pod_labels.items()
        (port,) = service["spec"]["ports"]
        assert port["port"] == DEFAULTS.web_port and port["targetPort"] == "http"
    monitor = k8s[("ServiceMonitor", "exchange-watch")]
    chosen = [
        name
        for name, s in services.items()
        if monitor["spec"]["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()
    ]
    # One Service scraped (not each pod twice), named as the rules' job.
    assert chosen == ["exchange-watch"]
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http" and endpoint["path"] == "/metrics"


def test_topic_names_in_the_rules_are_the_services() -> None:
    names = set(vars(TopicNames.with_prefix("")).values())
    text = (DEPLOY / "prometheus/rules.yml").read_text()
    mentioned = set(re.findall(r"\b(?:news|exchange|exwatch)\.[a-z]+\b", text))
    assert mentioned and mentioned <= names, mentioned - names
