"""The public API other packages use: loading files and globs, parse_files, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

import alertmanager.template as pkg
from alertmanager.template import Data, Template, TemplateError, parse_files


def test_exports_are_sorted_and_present() -> None:
    assert pkg.__all__ == sorted(pkg.__all__)
    for name in pkg.__all__:
        assert hasattr(pkg, name)


def test_from_files_expands_globs_in_order_and_user_files_override(tmp_path: Path, data: Data) -> None:
    (tmp_path / "a.tmpl").write_text('{{ define "x" }}a{{ end }}{{ define "__subject" }}mine{{ end }}')
    (tmp_path / "b.tmpl").write_text('{{ define "x" }}b{{ end }}')
    tmpl = Template.from_files([str(tmp_path / "*.tmpl")])
    assert tmpl.render("x", data) == "b"
    assert tmpl.execute_text('{{ template "slack.default.title" . }}', data) == "mine"


def test_glob_without_matches_is_not_an_error(tmp_path: Path) -> None:
    assert "__subject" in Template.from_files([str(tmp_path / "none-*.tmpl"), str(tmp_path / "missing.tmpl")]).names


def test_parse_files_reports_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "ok.tmpl").write_text('{{ define "ok" }}fine{{ end }}')
    (tmp_path / "broken.tmpl").write_text('{{ define "b" }}\n\n{{ range }}{{ end }}{{ end }}')
    assert "ok" in parse_files([str(tmp_path / "ok.tmpl")]).names
    with pytest.raises(TemplateError) as info:
        parse_files([str(tmp_path / "*.tmpl")])
    assert str(info.value) == "template: broken.tmpl:3: missing value for range"


def test_empty_redefinition_keeps_the_existing_template(data: Data) -> None:
    tmpl = Template.from_sources(
        [("a.tmpl", '{{ define "t" }}full{{ end }}'), ("b.tmpl", '{{ define "t" }}  {{ end }}')]
    )
    assert tmpl.render("t", data) == "full"


def test_without_defaults() -> None:
    assert Template.from_sources([("a.tmpl", '{{ define "only" }}{{ end }}')], defaults=False).names == [
        "a.tmpl", "only"]
