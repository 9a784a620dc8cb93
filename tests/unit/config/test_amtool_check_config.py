"""``amtool check-config`` in-process: output text, counts, template checking seam, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from alertmanager.cli.amtool import main
from alertmanager.cli.amtool.check_config import _check_templates, check_config

GOOD = "route: {receiver: a}\nreceivers:\n- name: a\n- name: b\ninhibit_rules: [{equal: [x]}]\n"


def test_success_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "am.yml"
    f.write_text(GOOD)
    assert check_config([str(f)]) == 0
    assert capsys.readouterr().out == (
        f"Checking '{f}'  SUCCESS\nFound:\n - global config\n - route\n - 1 inhibit rules\n - 2 receivers\n"
        " - 0 templates\n\n")


def test_failure_report_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.yml"
    f.write_text("route: {}\n")
    with pytest.raises(SystemExit) as info:
        main(["check-config", str(f)])
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == f"Checking '{f}'  FAILED: root route must specify a default receiver\n\n"
    assert captured.err == "amtool: error: failed to validate 1 file(s)\n\n"


def test_templates_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "ok.tmpl").write_text('{{ define "x" }}{{ .Status }}{{ end }}')
    f = tmp_path / "am.yml"
    f.write_text(GOOD + "templates: ['t/*.tmpl']\n")
    assert check_config([str(f)]) == 0
    assert capsys.readouterr().out.endswith(" - 1 templates\n  SUCCESS\n\n")
    (tmp_path / "t" / "bad.tmpl").write_text('{{ define "y" }}{{ .Status }')
    assert check_config([str(f)]) == 1
    assert "  FAILED: template: bad.tmpl:" in capsys.readouterr().out


def test_check_templates_seam(tmp_path: Path) -> None:
    (tmp_path / "bad.tmpl").write_text("{{ if }}")
    assert _check_templates([str(tmp_path / "none-*.tmpl")]) == []
    errors = _check_templates([str(tmp_path / "*.tmpl")])
    assert len(errors) == 1 and "bad.tmpl" in errors[0]


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check-config", str(tmp_path / "nope.yml")])
    assert info.value.code == 1
    assert capsys.readouterr().err == f"amtool: error: path '{tmp_path / 'nope.yml'}' does not exist\n\n"


def test_global_flags_are_parsed(tmp_path: Path) -> None:
    f = tmp_path / "am.yml"
    f.write_text(GOOD)
    with pytest.raises(SystemExit) as info:
        main(["--alertmanager.url=http://am:9093", "check-config", str(f), "-o", "json", "--timeout", "1m"])
    assert info.value.code == 0
