from datetime import timedelta
from pathlib import Path

import pytest

from alertmanager.app import StartupError, external_url_and_prefix
from alertmanager.cli.server import parse_args
from alertmanager.options import Options


def test_upstream_defaults():
    o = parse_args([])
    assert o.config_file == Path("alertmanager.yml")
    assert o.storage_path == Path("data/")
    assert o.data_retention == timedelta(hours=120)
    assert o.alerts_gc_interval == timedelta(minutes=30)
    assert o.maintenance_interval == timedelta(minutes=15)
    assert o.listen_addresses == (":9093",)
    c = o.cluster
    assert c.listen_address == "0.0.0.0:9094" and c.enabled
    assert c.peer_timeout == timedelta(seconds=15)
    assert c.gossip_interval == timedelta(milliseconds=200)
    assert c.pushpull_interval == timedelta(minutes=1)
    assert c.settle_timeout == timedelta(minutes=1)
    assert c.reconnect_timeout == timedelta(hours=6)
    assert o.log_level == "info" and o.log_format == "logfmt"


def test_equals_and_space_forms_and_repeats():
    o = parse_args(["--config.file", "a.yml", "--storage.path=/var/am", "--cluster.peer=a:9094",
                    "--cluster.peer", "b:9094", "--web.listen-address=:1", "--web.listen-address", "127.0.0.1:2",
                    "--data.retention=1h30m", "--cluster.peer-timeout", "3s"])
    assert o.config_file == Path("a.yml") and o.storage_path == Path("/var/am")
    assert o.cluster.peers == ("a:9094", "b:9094")
    assert o.listen_addresses == (":1", "127.0.0.1:2")
    assert o.data_retention == timedelta(minutes=90)
    assert o.cluster.peer_timeout == timedelta(seconds=3)


def test_empty_cluster_listen_address_disables_ha():
    assert not parse_args(["--cluster.listen-address="]).cluster.enabled


@pytest.mark.parametrize("argv", [["--nope"], ["--data.retention=2d"], ["--log.level=loud"]],
                         ids=["unknown", "bad-go-duration", "bad-choice"])
def test_bad_flags_exit_1_with_kingpin_style_message(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("alertmanager: error: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("external", "prefix", "want"),
    [
        ("http://am.example.com/", "", ("http://am.example.com", "")),
        ("http://am.example.com/alerting/", "", ("http://am.example.com/alerting", "/alerting")),
        ("http://am.example.com/alerting", "/", ("http://am.example.com/alerting", "")),
        ("http://am.example.com/", "inner/", ("http://am.example.com", "/inner")),
    ],
)
def test_external_url_and_route_prefix(external, prefix, want):
    assert external_url_and_prefix(Options(external_url=external, route_prefix=prefix)) == want


def test_external_url_defaults_to_listen_address():
    url, prefix = external_url_and_prefix(Options(listen_addresses=("127.0.0.1:9999",)))
    assert url == "http://127.0.0.1:9999" and prefix == ""


def test_relative_external_url_is_refused():
    with pytest.raises(StartupError):
        external_url_and_prefix(Options(external_url="am.example.com"))
