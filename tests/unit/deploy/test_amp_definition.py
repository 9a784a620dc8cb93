"""configs/amp-sns-message-template.yml: a valid AMP definition, by the real amtool and by our loader."""

import subprocess
from pathlib import Path

import yaml

from alertmanager.config import load_wrapped

ROOT = Path(__file__).resolve().parents[3]
DEFINITION = ROOT / "configs/amp-sns-message-template.yml"


def test_inner_config_and_templates_pass_real_amtool_check_config(tmp_path):
    doc = yaml.safe_load(DEFINITION.read_text())
    for name, text in doc["template_files"].items():
        (tmp_path / name).write_text(text)
    inner = yaml.safe_load(doc["alertmanager_config"])
    inner["templates"] = [f"{tmp_path}/*.tmpl"]  # what AMP does with template_files
    config = tmp_path / "alertmanager.yml"
    config.write_text(yaml.safe_dump(inner))
    proc = subprocess.run(["amtool", "check-config", str(config)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " - 1 templates\n  SUCCESS" in proc.stdout


def test_definition_loads_directly_as_a_config(tmp_path):
    cfg = load_wrapped(DEFINITION.read_text(), template_dir=tmp_path)
    assert cfg.templates == (str(tmp_path / "sns_json.tmpl"),)
    (sns,) = cfg.receivers[0].integrations["sns_configs"]
    assert sns.message == '{{ template "amp.json.message" . }}'
    assert sns.sigv4.region == "eu-west-1"
