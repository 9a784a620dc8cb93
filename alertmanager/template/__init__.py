"""Go text/template engine with Alertmanager's data, functions and default templates."""

from alertmanager.template._gotime import format_time
from alertmanager.template.data import KV, Alert, Alerts, Data, Pair, Pairs, Strings, build_data, data_from_json
from alertmanager.template.template import DEFAULT_TEMPLATE_FILES, Template, TemplateError, parse_files

__all__ = [
    "Alert",
    "Alerts",
    "DEFAULT_TEMPLATE_FILES",
    "Data",
    "KV",
    "Pair",
    "Pairs",
    "Strings",
    "Template",
    "TemplateError",
    "build_data",
    "data_from_json",
    "format_time",
    "parse_files",
]
