"""Our server as a real process: flags, signals, reload, status, persistence across kill -9."""

import signal
import time

import httpx
import pytest
from procs import free_port, our_command, running, wait_until

CONFIG = """
route:
  receiver: default
  group_wait: 1s
receivers:
  - name: default
"""

SILENCE = {
    "matchers": [{"name": "alertname", "value": "Crash", "isRegex": False, "isEqual": True}],
    "startsAt": "2020-01-01T00:00:00Z",
    "endsAt": "2099-01-01T00:00:00Z",
    "createdBy": "test",
    "comment": "survives kill -9",
}


def test_silences_survive_kill_9(tmp_path):
    work = tmp_path / "am"
    with running(our_command(), work, CONFIG) as srv:
        ids = []
        for i in range(5):
            body = dict(SILENCE, comment=f"silence {i}")
            r = httpx.post(srv.url + "/api/v2/silences", json=body)
            assert r.status_code == 200, r.text
            ids.append(r.json()["silenceID"])
        srv.stop(signal.SIGKILL)
    with running(our_command(), work, None) as srv:
        got = {s["id"]: s for s in httpx.get(srv.url + "/api/v2/silences").json()}
        assert set(ids) <= set(got)
        assert {got[i]["comment"] for i in ids} == {f"silence {i}" for i in range(5)}
        assert all(got[i]["status"]["state"] == "active" for i in ids)


def test_sigterm_writes_state_and_exits_promptly(tmp_path):
    work = tmp_path / "am"
    with running(our_command(), work, CONFIG) as srv:
        r = httpx.post(srv.url + "/api/v2/silences", json=SILENCE)
        assert r.status_code == 200
        t0 = time.monotonic()
        rc = srv.stop(signal.SIGTERM, timeout=10)
        assert rc == 0, srv.log()
        assert time.monotonic() - t0 < 10
        assert (work / "data" / "silences").stat().st_size > 0


def test_sighup_reloads_and_bad_config_keeps_old(tmp_path):
    work = tmp_path / "am"
    with running(our_command(), work, CONFIG) as srv:
        cfg = work / "alertmanager.yml"
        cfg.write_text(CONFIG.replace("name: default", "name: default\n  - name: second"))
        srv.proc.send_signal(signal.SIGHUP)
        wait_until(
            lambda: {r["name"] for r in httpx.get(srv.url + "/api/v2/receivers").json()} == {"default", "second"},
            what="reload through SIGHUP",
        )
        assert srv.proc.poll() is None

        cfg.write_text("route: {receiver: missing}\nreceivers: [{name: x}]\n")
        r = httpx.post(srv.url + "/-/reload")
        assert r.status_code == 500
        assert "route.receiver: undefined receiver" in r.text  # the field path, then the reason
        assert {r["name"] for r in httpx.get(srv.url + "/api/v2/receivers").json()} == {"default", "second"}
        metrics = httpx.get(srv.url + "/metrics").text
        assert "alertmanager_config_last_reload_successful 0.0" in metrics


def test_bad_config_at_start_exits_non_zero(tmp_path):
    from procs import start_server

    with pytest.raises(AssertionError, match="exited with 1"):
        start_server(our_command(), tmp_path / "am", "route: {}\nreceivers: []\n", timeout=10)


def test_route_prefix_and_external_url(tmp_path):
    port = free_port()
    with running(
        our_command(),
        tmp_path / "am",
        CONFIG,
        ["--web.external-url=http://am.example.com:9093/alerting/"],
        port=port,
        ready_path="/alerting/-/ready",
    ) as srv:
        assert httpx.get(srv.url + "/alerting/api/v2/status").status_code == 200
        assert httpx.get(srv.url + "/api/v2/status").status_code == 404
        r = httpx.post(srv.url + "/alerting/api/v2/alerts", json=[{"labels": {"alertname": "x"}}])
        assert r.status_code == 200


def test_self_peer_reports_one_ready_peer(tmp_path):
    cport = free_port()
    with running(
        our_command(),
        tmp_path / "am",
        CONFIG,
        [
            f"--cluster.listen-address=127.0.0.1:{cport}",
            f"--cluster.peer=127.0.0.1:{cport}",
            "--cluster.settle-timeout=2s",
        ],
    ) as srv:
        # the harness put --cluster.listen-address= first; the later flag wins, as with kingpin
        def ready():
            c = httpx.get(srv.url + "/api/v2/status").json()["cluster"]
            return c if c["status"] == "ready" else None

        cluster = wait_until(ready, timeout=20, what="cluster ready")
        assert len(cluster["peers"]) == 1
        assert cluster["peers"][0]["address"] == f"127.0.0.1:{cport}"
        assert cluster["peers"][0]["name"] == cluster["name"]


def test_cluster_block_present_when_disabled(tmp_path):
    with running(our_command(), tmp_path / "am", CONFIG) as srv:
        status = httpx.get(srv.url + "/api/v2/status").json()
        assert status["cluster"]["status"] == "disabled"
        assert "peers" in status["cluster"] or status["cluster"].get("peers") is None
        assert "route:" in status["config"]["original"]


def test_config_file_inside_storage_path(tmp_path):
    work = tmp_path / "am"
    (work / "data").mkdir(parents=True)
    cfg = work / "data" / "am.yml"
    cfg.write_text(CONFIG)
    with running(our_command(), work, None, [f"--config.file={cfg}"]) as srv:
        assert httpx.get(srv.url + "/-/healthy").status_code == 200


def test_unknown_flag_is_refused(tmp_path):
    import subprocess

    p = subprocess.run([*our_command(), "--no-such.flag=1"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 1
    assert "unknown" in p.stderr or "unrecognized" in p.stderr


def test_templates_are_checked_at_load(tmp_path):
    work = tmp_path / "am"
    (work / "tmpl").mkdir(parents=True)
    (work / "tmpl" / "good.tmpl").write_text('{{ define "custom.title" }}[{{ .Status }}]{{ end }}\n')
    cfg = CONFIG + 'templates: ["tmpl/*.tmpl"]\n'
    with running(our_command(), work, cfg) as srv:
        (work / "tmpl" / "bad.tmpl").write_text(
            '{{ define "broken" }}\n{{ if .Alerts }}\n{{ end }}{{ end }}{{ end }}\n'
        )
        r = httpx.post(srv.url + "/-/reload")
        assert r.status_code == 500
        assert "bad.tmpl:3" in r.text
        (work / "tmpl" / "bad.tmpl").unlink()
        assert httpx.post(srv.url + "/-/reload").status_code == 200


def test_amp_definition_loads_as_config(tmp_path):
    work = tmp_path / "am"
    definition = (
        "template_files:\n"
        "  custom.tmpl: |\n"
        '    {{ define "custom.subject" }}AMP {{ .Status }}{{ end }}\n'
        "alertmanager_config: |\n"
        "  route:\n"
        "    receiver: amp\n"
        "  receivers:\n"
        "    - name: amp\n"
        "  templates: ['custom.tmpl']\n"
    )
    with running(our_command(), work, definition) as srv:
        assert [r["name"] for r in httpx.get(srv.url + "/api/v2/receivers").json()] == ["amp"]
        assert (work / "data" / "definition-templates" / "custom.tmpl").exists()
