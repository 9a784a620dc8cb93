"""The container image, checked statically (no Docker here): base, user, volume, ports, probe, flags."""

import fnmatch
import json
import shlex
import tomllib
from pathlib import Path

import pytest

from alertmanager.cli.server import parse_args

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "configs/deploy/Dockerfile"


def instructions(text):
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    out, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    assert not pending, "dangling line continuation"
    return out


@pytest.fixture(scope="module")
def steps():
    return instructions(DOCKERFILE.read_text())


def final_stage(steps):
    starts = [i for i, (word, _) in enumerate(steps) if word == "FROM"]
    return steps[starts[-1]:]


def one(steps, word):
    found = [rest for w, rest in final_stage(steps) if w == word]
    assert len(found) == 1, f"expected one {word}, found {found}"
    return found[0]


def test_every_instruction_is_known(steps):
    known = {"FROM", "RUN", "COPY", "ENV", "LABEL", "USER", "WORKDIR", "VOLUME", "EXPOSE", "HEALTHCHECK",
             "ENTRYPOINT", "CMD", "ARG"}
    assert {w for w, _ in steps} <= known


def test_slim_python_base_for_every_stage(steps):
    bases = [rest.split()[0] for w, rest in steps if w == "FROM"]
    assert bases and all(b == "python:3.11-slim" for b in bases)


def test_runs_as_a_non_root_user(steps):
    user = one(steps, "USER")
    assert user not in ("root", "0", "0:0")
    created = " ".join(rest for w, rest in final_stage(steps) if w == "RUN")
    assert "useradd" in created and user in created


def test_data_volume_and_workdir(steps):
    assert json.loads(one(steps, "VOLUME")) == ["/alertmanager"]
    assert one(steps, "WORKDIR") == "/alertmanager"


def test_exposes_api_and_gossip_over_tcp_and_udp(steps):
    ports = set(one(steps, "EXPOSE").split())
    normalized = {p if "/" in p else p + "/tcp" for p in ports}
    assert normalized == {"9093/tcp", "9094/tcp", "9094/udp"}


def test_healthcheck_probes_healthy_with_a_valid_command(steps):
    check = one(steps, "HEALTHCHECK")
    options, _, cmd = check.partition("CMD ")
    argv = json.loads(cmd)
    assert argv[:2] == ["python", "-c"] and "http://127.0.0.1:9093/-/healthy" in argv[2]
    compile(argv[2], "healthcheck", "exec")
    assert "--timeout=" in options and "--interval=" in options


def test_entrypoint_and_cmd_match_upstream_image_and_parse(steps):
    entrypoint = json.loads(one(steps, "ENTRYPOINT"))
    cmd = json.loads(one(steps, "CMD"))
    assert entrypoint == ["alertmanager"]
    assert cmd == ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["alertmanager"] == "alertmanager.cli.server:main"
    opts = parse_args(cmd)
    assert str(opts.config_file) == "/etc/alertmanager/alertmanager.yml"
    assert str(opts.storage_path) == "/alertmanager"


def test_default_config_is_baked_where_cmd_reads_it(steps):
    copies = [shlex.split(rest) for w, rest in final_stage(steps) if w == "COPY"]
    targets = {c[-1]: c[-2] for c in copies if not c[0].startswith("--from")}
    targets.update({c[-1]: c[-2] for c in copies if c[0].startswith("--chown")})
    assert targets["/etc/alertmanager/alertmanager.yml"] == "configs/alertmanager.yml"


def test_copied_sources_exist_and_survive_dockerignore(steps):
    ignore = [line for line in (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text().splitlines()
              if line and not line.startswith("#")]

    def included(path):
        keep = True
        for pattern in ignore:
            negate = pattern.startswith("!")
            pat = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pat) or path.startswith(pat + "/"):
                keep = negate
        return keep

    sources = []
    for word, rest in steps:
        if word == "COPY" and "--from" not in rest:
            sources.extend(a for a in shlex.split(rest)[:-1] if not a.startswith("--"))
    assert sources
    for src in sources:
        assert (ROOT / src).exists(), src
        assert included(src.rstrip("/")), f"{src} is excluded by Dockerfile.dockerignore"
    wheel_packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"][
        "wheel"]["packages"]
    assert set(wheel_packages) <= set(sources)
