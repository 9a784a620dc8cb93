"""Global fallbacks applied generically from what each receiver module declares.

A receiver module may define:

* ``GLOBAL_FALLBACKS = {"api_url": "slack_api_url", …}``: an empty field takes the global's value
  (upstream's ``cmp.Or(local, global)``);
* ``GLOBAL_FALLBACK_GROUPS = ({"bot_token": "telegram_bot_token", "bot_token_file": …},)``: when
  every field of a group is empty, all of them take the globals (inline value and file travel
  together);
* ``resolve_globals(conf, global_config) -> conf``: receiver-specific rules that run afterwards
  (required fields, derived values); it raises ``ValueError`` with upstream's message.
"""

from __future__ import annotations

import dataclasses
from types import ModuleType
from typing import Any

from alertmanager.config.schema import GlobalConfig, NotifierConfig
from alertmanager.config.values import HostPort, Secret

__all__ = ["apply_globals", "is_empty"]


def is_empty(value: Any) -> bool:
    """Go's zero value test as ``cmp.Or`` sees it."""
    if value is None:
        return True
    if isinstance(value, Secret):
        return value.value == "" and type(value) is Secret
    if isinstance(value, HostPort):
        return not value
    if isinstance(value, str | bool | int):
        return not value and not isinstance(value, bool)
    return False


def apply_globals(conf: NotifierConfig, module: ModuleType, glob: GlobalConfig) -> NotifierConfig:
    """``conf`` with globals filled in as the module declares; ``ValueError`` on a broken rule."""
    changes: dict[str, Any] = {}
    fallbacks: dict[str, str] = getattr(module, "GLOBAL_FALLBACKS", {})
    for local, key in fallbacks.items():
        if is_empty(getattr(conf, local)):
            changes[local] = glob.get(key)
    for group in getattr(module, "GLOBAL_FALLBACK_GROUPS", ()):
        if all(is_empty(getattr(conf, local)) for local in group):
            for local, key in group.items():
                value = glob.get(key)
                changes[local] = "" if value is None and isinstance(getattr(conf, local), str) else value
    for name, value in list(changes.items()):
        if value is None and isinstance(getattr(conf, name), str):
            changes[name] = ""
    if changes:
        conf = dataclasses.replace(conf, **changes)
    hook = getattr(module, "resolve_globals", None)
    if hook is not None:
        conf = hook(conf, glob)
    return conf

