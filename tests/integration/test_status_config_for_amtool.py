"""The config our /api/v2/status publishes is readable by the real amtool 0.25, which loads it
for ``amtool config routes``: keys newer than 0.25 that hold only defaults are left out.

(A webhook URL is published as ``<secret>``, as upstream has done since it became a secret;
0.25's amtool cannot parse that, just as it cannot read a newer upstream's status.)
"""

import httpx
from procs import our_command, run_amtool, running

CONFIG = """
global:
  resolve_timeout: 1m
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [team="db"]
      receiver: db
      routes:
        - matchers: [severity="page"]
          receiver: db-pager
    - matchers: [team=~"web|api"]
      receiver: web
      continue: true
receivers:
  - name: default
  - name: db
  - name: db-pager
  - name: web
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
"""


def test_real_amtool_reads_our_published_config(tmp_path):
    with running(our_command(), tmp_path / "am", CONFIG) as srv:
        original = httpx.get(srv.url + "/api/v2/status").json()["config"]["original"]
        (tmp_path / "published.yml").write_text(original)
        check = run_amtool(["check-config", str(tmp_path / "published.yml")], ours=False)
        assert check.returncode == 0, check.stdout + check.stderr
        args = ["config", "routes", f"--alertmanager.url={srv.url}", "--no-version-check"]
        theirs = run_amtool(args, ours=False)
        assert theirs.returncode == 0, theirs.stderr
        assert "db-pager" in theirs.stdout
        test = run_amtool([*args[:2], "test", *args[2:], "team=db", "severity=page"], ours=False)
        assert test.stdout.strip() == "db-pager"
