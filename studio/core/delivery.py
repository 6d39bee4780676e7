"""The `delivery:` rules as written in `studio.yaml` and in templates: reading them into values.
Who receives what under them is `studio.core.routing`; this module needs no project, so the
project loader can read the rules without a cycle."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.core.channels import CHANNEL_NAMES
from studio.core.located import LocatedDict, LocatedList
from studio.core.messages import msg
from studio.core.problems import Problem, error

DELIVERY_KEYS = ("preference", "fallback", "requires", "consent", "always", "record_id",
                 "postal_code")
MISSING = object()


@dataclass(frozen=True)
class Delivery:
    """The delivery rules that apply to one template (the project default merged with its own)."""

    preference: str | None = None
    fallback: tuple[str, ...] | None = None  # None: the template's channels, in their order
    requires: Mapping[str, str] = field(default_factory=dict)
    consent: Mapping[str, str] = field(default_factory=dict)
    always: tuple[str, ...] = ()
    record_id: str | None = None
    postal_code: str | None = None

    def merged(self, other: Delivery | None, keys: frozenset[str]) -> Delivery:
        """These rules with the keys a template set replaced by the template's."""
        if other is None:
            return self
        values = {k: getattr(other if k in keys else self, k) for k in DELIVERY_KEYS}
        return Delivery(**values)

    def fields(self) -> list[tuple[str, str]]:
        """Every record field the rules read, with the key that names it."""
        found = [("preference", self.preference)] if self.preference else []
        found += [(f"requires.{c}", f) for c, f in self.requires.items()]
        found += [(f"consent.{c}", f) for c, f in self.consent.items()]
        found += [(k, getattr(self, k)) for k in ("record_id", "postal_code") if getattr(self, k)]
        return found


@dataclass(frozen=True)
class DeliverySection:
    """A `delivery:` mapping as written in one file, with the keys it set."""

    rules: Delivery
    keys: frozenset[str]


# Reading the rules ------------------------------------------------------------------------------


def parse_delivery(node: Any, path: str, where: tuple[int, int],
                   problems: list[Problem]) -> DeliverySection | None:
    """A `delivery:` value from studio.yaml or a template; its mistakes become problems at
    their line, and the rules keep what was right."""
    if node is None:
        return None
    if not isinstance(node, Mapping):
        problems.append(error(path, *where, msg("delivery must be a mapping (preference, "
                                                "fallback, requires, consent, always)")))
        return None

    def at(key: str) -> tuple[int, int]:
        return node.where(key) if isinstance(node, LocatedDict) else where

    for key in node:
        if key not in DELIVERY_KEYS:
            problems.append(error(path, *at(key), msg(
                "unknown key {key!r} in delivery (keys are {keys})", key=key,
                keys=", ".join(DELIVERY_KEYS))))
    values: dict[str, Any] = {}
    for key in ("preference", "record_id", "postal_code"):
        if key in node:
            value = node[key]
            if not isinstance(value, str) or not value.strip():
                problems.append(error(path, *at(key), msg(
                    "delivery.{key} must name a record field, like customer.preferred_channel",
                    key=key)))
            else:
                values[key] = value.strip()
    for key in ("fallback", "always"):
        if key in node:
            values[key] = _channel_list(node[key], path, at(key), f"delivery.{key}", problems)
    for key in ("requires", "consent"):
        if key in node:
            values[key] = _channel_fields(node[key], path, at(key), f"delivery.{key}", problems)
    return DeliverySection(Delivery(**values), frozenset(node) & frozenset(DELIVERY_KEYS))


def _channel_list(value: Any, path: str, where: tuple[int, int], what: str,
                  problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(error(path, *where, msg("{what} must be a list of channels",
                                                what=what)))
        return ()
    result = []
    for index, item in enumerate(value):
        line, col = value.where(index) if isinstance(value, LocatedList) else where
        if item not in CHANNEL_NAMES:
            problems.append(error(path, line, col, msg(
                "unknown channel {channel!r} in {what} (channels are {channels})",
                channel=item, what=what, channels=", ".join(CHANNEL_NAMES))))
        elif item not in result:
            result.append(item)
    return tuple(result)


def _channel_fields(value: Any, path: str, where: tuple[int, int], what: str,
                    problems: list[Problem]) -> dict[str, str]:
    if not isinstance(value, Mapping):
        problems.append(error(path, *where, msg("{what} must map a channel to a record field",
                                                what=what)))
        return {}
    result = {}
    for channel, name in value.items():
        line, col = value.where(channel) if isinstance(value, LocatedDict) else where
        if channel not in CHANNEL_NAMES:
            problems.append(error(path, line, col, msg(
                "unknown channel {channel!r} in {what} (channels are {channels})",
                channel=channel, what=what, channels=", ".join(CHANNEL_NAMES))))
        elif not isinstance(name, str) or not name.strip():
            problems.append(error(path, line, col, msg("{what}.{channel} must name a record field",
                                                       what=what, channel=channel)))
        else:
            result[str(channel)] = name.strip()
    return result
