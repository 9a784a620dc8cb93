"""The ECS + Cloud Map CloudFormation template: cfn-lint clean, and the HA properties that matter."""

import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml
from cfnlint.decode import decode_str

from alertmanager.cli.server import parse_args

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "configs/deploy/ecs-cloudmap.yaml"
PROMETHEUS = ROOT / "configs/deploy/prometheus-alertmanagers.yml"


@pytest.fixture(scope="module")
def template():
    doc, errors = decode_str(TEMPLATE.read_text())
    assert not errors
    return doc


def resource(template, name, kind):
    res = template["Resources"][name]
    assert res["Type"] == kind
    return res["Properties"]


def of_type(template, kind):
    return {n: r["Properties"] for n, r in template["Resources"].items() if r["Type"] == kind}


def default(template, param):
    return template["Parameters"][param]["Default"]


def test_cfn_lint_passes_including_informational_checks():
    proc = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--include-checks", "I", "--", str(TEMPLATE)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_three_fargate_tasks_over_three_subnets(template):
    for p in ("SubnetA", "SubnetB", "SubnetC"):
        assert template["Parameters"][p]["Type"] == "AWS::EC2::Subnet::Id"
    svc = resource(template, "Service", "AWS::ECS::Service")
    assert svc["DesiredCount"] == 3 and svc["LaunchType"] == "FARGATE"
    subnets = svc["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"]
    assert [s["Ref"] for s in subnets] == ["SubnetA", "SubnetB", "SubnetC"]
    # one replica replaced at a time: never fewer than two serving, never two in one zone's directory
    assert svc["DeploymentConfiguration"]["MaximumPercent"] == 100
    assert 3 * svc["DeploymentConfiguration"]["MinimumHealthyPercent"] / 100 > 1


def test_cloud_map_namespace_with_a_and_srv_records(template):
    ns = resource(template, "Namespace", "AWS::ServiceDiscovery::PrivateDnsNamespace")
    assert ns["Vpc"] == {"Ref": "VpcId"}
    disc = resource(template, "DiscoveryService", "AWS::ServiceDiscovery::Service")
    assert disc["DnsConfig"]["RoutingPolicy"] == "MULTIVALUE"
    assert sorted(r["Type"] for r in disc["DnsConfig"]["DnsRecords"]) == ["A", "SRV"]
    registry = resource(template, "Service", "AWS::ECS::Service")["ServiceRegistries"]
    assert registry == [{"RegistryArn": {"Fn::GetAtt": ["DiscoveryService", "Arn"]},
                         "ContainerName": "alertmanager", "ContainerPort": 9093}]


def container(template):
    (c,) = resource(template, "TaskDefinition", "AWS::ECS::TaskDefinition")["ContainerDefinitions"]
    return c


def test_container_ports_storage_and_health(template):
    c = container(template)
    assert {(p["ContainerPort"], p["Protocol"]) for p in c["PortMappings"]} == {
        (9093, "tcp"), (9094, "tcp"), (9094, "udp")}
    assert c["MountPoints"] == [{"SourceVolume": "data", "ContainerPath": "/alertmanager"}]
    assert "/-/healthy" in " ".join(c["HealthCheck"]["Command"])
    (volume,) = resource(template, "TaskDefinition", "AWS::ECS::TaskDefinition")["Volumes"]
    efs = volume["EFSVolumeConfiguration"]
    assert efs["AuthorizationConfig"]["AccessPointId"] == {"Ref": "AccessPoint"}
    assert efs["TransitEncryption"] == "ENABLED"
    mounts = of_type(template, "AWS::EFS::MountTarget")
    assert sorted(m["SubnetId"]["Ref"] for m in mounts.values()) == ["SubnetA", "SubnetB", "SubnetC"]
    ap = resource(template, "AccessPoint", "AWS::EFS::AccessPoint")
    assert ap["PosixUser"]["Uid"] == "65532"  # the Dockerfile's non-root user


def test_security_group_lets_replicas_gossip_over_tcp_and_udp(template):
    rules = of_type(template, "AWS::EC2::SecurityGroupIngress").values()
    self_rules = {(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules
                  if r["GroupId"] == r["SourceSecurityGroupId"] == {"Ref": "TaskSecurityGroup"}}
    assert {("tcp", 9094, 9094), ("udp", 9094, 9094), ("tcp", 9093, 9093)} <= self_rules


def test_task_role_may_publish_to_sns_and_nothing_broader(template):
    role = resource(template, "TaskRole", "AWS::IAM::Role")
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    publish = [s for s in statements if s["Action"] == "sns:Publish"]
    assert publish and publish[0]["Resource"] == {"Ref": "AlarmTopicArn"}
    assert all(s.get("Resource") != "*" for s in statements)
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}


def _sub(text, template):
    names = {"ServiceName": default(template, "ServiceName"), "NamespaceName": default(template, "NamespaceName")}
    return re.sub(r"\$\{([A-Za-z:]+)\}", lambda m: names[m[1]], text)


class _Metadata(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = json.dumps({"AvailabilityZone": "eu-west-1b",
                           "Containers": [{"Networks": [{"IPv4Addresses": ["10.0.2.17"]}]}]}).encode()
        self.send_response(200 if self.path == "/v4/abc/task" else 404)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_container_command_runs_and_passes_valid_flags(template, tmp_path):
    """Run the task's shell command against a fake ECS metadata endpoint and a fake `alertmanager`."""
    c = container(template)
    assert c["EntryPoint"] == ["/bin/sh", "-c"]
    script = _sub(c["Command"][0]["Fn::Sub"], template).replace("/alertmanager/", f"{tmp_path}/data/")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    fake = bin_dir / "alertmanager"
    fake.write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    fake.chmod(0o755)
    server = HTTPServer(("127.0.0.1", 0), _Metadata)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "ALERTMANAGER_CONFIG": "route:\n  receiver: x\n",
               "ECS_CONTAINER_METADATA_URI_V4": f"http://127.0.0.1:{server.server_port}/v4/abc", "HOME": str(tmp_path)}
        proc = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert proc.returncode == 0, proc.stderr
    argv = json.loads(proc.stdout)
    opts = parse_args(argv)
    zone_dir = tmp_path / "data" / "eu-west-1b"
    assert opts.storage_path == zone_dir
    assert (zone_dir / "alertmanager.yml").read_text() == "route:\n  receiver: x\n\n"
    assert opts.config_file == zone_dir / "alertmanager.yml"
    assert opts.cluster.advertise_address == "10.0.2.17:9094"
    assert opts.cluster.listen_address == "0.0.0.0:9094"
    assert opts.cluster.peers == ("alertmanager.alertmanager.internal:9094",)


def test_config_comes_from_ssm_and_the_default_routes_to_the_topic(template):
    c = container(template)
    assert c["Secrets"] == [{"Name": "ALERTMANAGER_CONFIG", "ValueFrom": {"Ref": "ConfigParameter"}}]
    value = resource(template, "ConfigParameter", "AWS::SSM::Parameter")["Value"]["Fn::If"]
    default_config = yaml.safe_load(value[1]["Fn::Sub"])
    assert default_config["receivers"][0]["sns_configs"][0]["topic_arn"] == "${AlarmTopicArn}"


def test_prometheus_targets_every_replica_through_srv(template):
    doc = yaml.safe_load(PROMETHEUS.read_text())
    (am,) = doc["alerting"]["alertmanagers"]
    assert "static_configs" not in am
    (sd,) = am["dns_sd_configs"]
    assert sd["type"] == "SRV"
    assert sd["names"] == [f"{default(template, 'ServiceName')}.{default(template, 'NamespaceName')}"]
    assert am["api_version"] == "v2"


def test_prometheus_config_passes_real_promtool():
    proc = subprocess.run(["promtool", "check", "config", str(PROMETHEUS)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "HOME": "/tmp"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
