"""Every corpus config: the valid ones load, the invalid ones are refused with upstream 0.34's error."""

from __future__ import annotations

from pathlib import Path

import pytest

from alertmanager.config import ConfigError, load_file, load_wrapped

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "configs"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/configs")

VALID = sorted((CORPUS / "valid").glob("*.yml"))
INVALID = sorted((CORPUS / "invalid").glob("*.yml"))

# Upstream 0.34's message for each invalid file (a substring of it for long ones). Where 0.25
# said something else (the check-config-0.25.tsv column), 0.34's test data / source wins.
EXPECTED = {
    "072": 'invalid label name "qux🙂" in equal list',  # classic label names (upstream's default mode)
    "073": 'invalid regexp value for "invalid_label"',
    "074": 'invalid regexp value for "invalid_source_label"',
    "075": 'invalid regexp value for "invalid_target_label"',
    "076": "at most one of smtp_auth_password & smtp_auth_password_file must be configured",
    "077": "at most one of victorops_api_key & victorops_api_key_file must be configured",
    "078": "no global VictorOps API Key set",
    "079": "missing bot_token or bot_token_file on telegram_config",
    "080": "at most one of telegram_bot_token & telegram_bot_token_file must be configured",
    "081": "no global OpsGenie API Key set either inline or in a file",
    "082": "yaml: unmarshal errors:\n  line 16: field teams not found in type opsgenie.plain",
    "083": "at most one of slack_api_url & slack_api_url_file must be configured",
    "084": "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured",
    "085": "no Slack API URL nor App token set either inline or in a file",
    "086": "update_message can only be used with bot tokens. api_url must be set to "
           "https://slack.com/api/chat.postMessage",
    "087": "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config",
    "088": "no global Wechat Api Secret set either inline or in a file",
    "089": "missing webhook_url or webhook_url_file on mattermost_config",
    "090": "no global Rocketchat Token set either inline or in a file",
    "091": "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `BAD` into config.plain",
    "092": "root route must specify a default receiver",
    "093": 'notification config name "team-X" is not unique',
    "094": 'undefined receiver "team-X" used in route',
    "095": 'undefined receiver "nonexistent" used in route',
    "096": "missing name in receiver",
    "097": 'undefined time interval "business_hours" used in route',
    "098": 'undefined time interval "business_hours" used in route',
    "099": "missing name in time interval",
    "100": 'mute time interval "duplicate" is not unique',
    "101": 'duplicated label "cluster" in group_by',
    "102": "cannot have wildcard group_by (`...`) and other labels at the same time",
    "103": 'invalid label name "-invalid-" in group_by list',
    "104": "no routes provided",
    "105": "root route must not have any mute time intervals",
    "106": "root route must not have any active time intervals",
    "107": "cannot have continue in root route",
    "108": "group_interval cannot be zero",
    "109": "repeat_interval cannot be zero",
    "110": 'receiver label "name" must match receiver name "team-X", got "different-name"',
    "111": 'invalid label name "-invalid-" in route labels',
    "112": 'unsupported scheme "" for URL',
    "113": "yaml: line 21: mapping values are not allowed in this context",
    "114": "no Slack API URL nor App token set either inline or in a file",
    "115": "address ${ALERTMANAGER_SMTP_HOST}: missing port in address",
    "116": "line 114: field hipchat_configs not found in type config.plain",
    "117": "line 46: field webhook_config not found in type config.plain",
    "118": "address $SMTP_SMART_HOST: missing port in address",
    "119": "address SMTP_HOST_PLACEHOLDER: missing port in address",
    "120": 'unsupported scheme "" for URL',
}


def test_corpus_is_complete() -> None:
    assert len(VALID) == 71
    assert sorted(p.name[:3] for p in INVALID) == sorted(EXPECTED)


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_config_loads(path: Path, tmp_path: Path) -> None:
    if path.name.endswith(".wrapped.yml"):
        cfg = load_wrapped(path.read_text(), template_dir=tmp_path)
    else:
        cfg = load_file(path)
    assert cfg.route.receiver
    assert cfg.receiver(cfg.route.receiver) is not None


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_config_is_refused(path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_file(path)
    assert EXPECTED[path.name[:3]] in str(info.value)


def test_wrapped_template_files_are_written_and_listed(tmp_path: Path) -> None:
    path = CORPUS / "valid" / "052-cortex-configs-api-testdata.wrapped.yml"
    cfg = load_wrapped(path.read_text(), template_dir=tmp_path)
    written = tmp_path / "myorg.tmpl"
    assert str(written) in cfg.templates
    assert 'define "slack.myorg.text"' in written.read_text()


def test_wrapped_without_templates(tmp_path: Path) -> None:
    path = CORPUS / "valid" / "061-amp-recipe-terraform.wrapped.yml"
    cfg = load_wrapped(path.read_text(), template_dir=tmp_path)
    assert [r.name for r in cfg.receivers] == ["default"]
    assert "sns_configs" in cfg.receivers[0].integrations


def test_wrapped_rejects_path_in_template_name(tmp_path: Path) -> None:
    text = "alertmanager_config: |\n  route: {receiver: a}\n  receivers: [{name: a}]\ntemplate_files:\n  ../x: y\n"
    with pytest.raises(ConfigError, match="invalid template file name"):
        load_wrapped(text, template_dir=tmp_path)
