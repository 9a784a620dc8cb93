"""Configuration: alertmanager.yml loaded into frozen values, checked as upstream checks it."""

from alertmanager.config._decode import Decoder
from alertmanager.config.dump import dump
from alertmanager.config.errors import ConfigError
from alertmanager.config.loader import is_wrapped, load, load_file, load_wrapped, template_files
from alertmanager.config.schema import (
    Config,
    GlobalConfig,
    HTTPNotifierConfig,
    InhibitRuleConfig,
    NotifierConfig,
    ReceiverConfig,
    RouteConfig,
)

__all__ = [
    "Config",
    "ConfigError",
    "Decoder",
    "GlobalConfig",
    "HTTPNotifierConfig",
    "InhibitRuleConfig",
    "NotifierConfig",
    "ReceiverConfig",
    "RouteConfig",
    "dump",
    "is_wrapped",
    "load",
    "load_file",
    "load_wrapped",
    "template_files",
]
