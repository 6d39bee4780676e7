"""Delivery routing: which channel(s) a record receives, and why, from the `delivery:` rules.

The rules live in `studio.yaml` (the default for every template) and in a template (its keys
override the default's, key by key):

    delivery:
      preference: customer.preferred_channel       # the record field naming the chosen channel
      fallback: [email, sms, print]                # the order to try when that one cannot be used
      requires: {email: customer.email, sms: customer.phone}
      consent: {email: customer.consent.email, sms: customer.consent.sms}
      always: [print]                              # paper the law requires, whatever the choice
      record_id: customer.id                       # names a record in batch results
      postal_code: customer.address.postal_code    # orders the mail room's print stream

The template's `channels` bound every choice. A required field must be present and well formed:
an email address must be syntactically valid (email-validator, without DNS: a batch must not
depend on the network), and an SMS number a valid E.164 number of a mobile line
(phonenumbers: the numbering plans of every country, which a pattern cannot know). A consent
that is `false` rules its channel out; a missing consent does not. `always` channels go out
whatever the customer chose or consented to, but still need their required field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studio.core.channels import CHANNEL_NAMES, CHANNELS
from studio.core.delivery import (
    MISSING,
    Delivery,
    DeliverySection,
)
from studio.core.messages import msg
from studio.core.problems import Problem, error, warning
from studio.core.sources import LocatedDict

if TYPE_CHECKING:
    from studio.core.project import Project, Template


@dataclass(frozen=True)
class Route:
    """The channels one record receives for one template, and the reason in words."""

    channels: tuple[str, ...]
    reason: str
    ruled_out: Mapping[str, str] = field(default_factory=dict)  # channel -> why not

    def as_json(self) -> dict[str, Any]:
        return {"channels": list(self.channels), "reason": self.reason,
                "ruled_out": dict(self.ruled_out)}


def delivery_for(project: Project, template: Template | str) -> Delivery:
    """The rules for one template: the project's default with the template's keys over it."""
    if isinstance(template, str):
        template = project.templates[template]
    default = project.config.delivery
    base = default.rules if default is not None else Delivery()
    own = template.delivery
    return base.merged(own.rules, own.keys) if own is not None else base


# Well-formed addresses and numbers --------------------------------------------------------------


def email_problem(value: Any) -> str | None:
    """Why a value is not a syntactically valid email address (None when it is)."""
    from email_validator import EmailNotValidError, validate_email

    if not isinstance(value, str):
        return "address is not text"
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"address {value!r} is not valid ({str(exc).rstrip('.')})"
    return None


def phone_problem(value: Any) -> str | None:
    """Why a value is not a valid E.164 phone number (None when it is)."""
    import phonenumbers

    if not isinstance(value, str):
        return "number is not text"
    if not value.startswith("+"):
        return f"number {value!r} is not in E.164 form (+ and country code)"
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return f"number {value!r} is not a phone number"
    if phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != value:
        return f"number {value!r} is not in E.164 form (digits only after +)"
    if not phonenumbers.is_valid_number(number):
        return f"number {value!r} is not a valid phone number"
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return f"number {value!r} is a landline, not a mobile"
    return None


# by what a channel addresses (the registry's Channel.addressed)
_CHECKS = {"email": email_problem, "phone": phone_problem}
_MISSING_WORDS = {"email": "no address", "phone": "no phone number"}


# Routing ----------------------------------------------------------------------------------------


def field_value(record: Mapping[str, Any], name: str) -> Any:
    """The value at a dotted path of the record (customer.consent.email), or MISSING."""
    node: Any = record
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def _ruled_out(rules: Delivery, channel: str, record: Mapping[str, Any],
               channels: tuple[str, ...], *, honour_consent: bool = True) -> str | None:
    """Why a channel cannot carry this template to this record (None when it can)."""
    if channel not in channels:
        return "not a channel of this template"
    name = rules.consent.get(channel)
    if honour_consent and name is not None and field_value(record, name) is False:
        return "consent withdrawn"
    name = rules.requires.get(channel)
    if name is not None:
        value = field_value(record, name)
        if value is MISSING or value is None or value == "":
            return _MISSING_WORDS.get(CHANNELS[channel].addressed or "", f"no {name}")
        check = _CHECKS.get(CHANNELS[channel].addressed or "")
        if check is not None:
            return check(value)
    return None


def route(project: Project, template: Template | str, record: Mapping[str, Any]) -> Route:
    """The channels this record receives for this template, and why, in words a person reads:
    "preferred email, no address → sms"."""
    if isinstance(template, str):
        template = project.templates[template]
    rules = delivery_for(project, template)
    channels = template.channels
    ruled_out: dict[str, str] = {}
    words: list[str] = []
    chosen: str | None = None
    preferred: Any = None
    if rules.preference:
        preferred = field_value(record, rules.preference)
        if preferred is MISSING or preferred is None or preferred == "":
            words.append("no preference")
        elif preferred not in CHANNEL_NAMES:
            words.append(f"preferred {preferred!r} is not a channel")
        else:
            why = _ruled_out(rules, preferred, record, channels)
            if why is None:
                chosen = preferred
                words.append(f"preferred {preferred}")
            else:
                ruled_out[preferred] = why
                words.append(f"preferred {preferred}, {why}")
    if chosen is None:
        for channel in channels if rules.fallback is None else rules.fallback:
            if channel not in channels or channel in ruled_out:
                continue
            why = _ruled_out(rules, channel, record, channels)
            if why is None:
                chosen = channel
                break
            ruled_out[channel] = why
            words.append(f"{channel}: {why}")
    reason = ", ".join(words) if words else "first channel"
    picked = [chosen] if chosen is not None else []
    if chosen is None:
        reason += " → no channel can reach this customer"
    else:
        reason += f" → {chosen}"
    for channel in rules.always:
        if channel not in channels or channel in picked:
            continue
        # The law's paper goes out whatever the customer chose; it still needs its address.
        why = _ruled_out(rules, channel, record, channels, honour_consent=False)
        if why is None:
            picked.append(channel)
            reason += f"; {channel} required by law"
        else:
            ruled_out[channel] = why
            reason += f"; {channel} required by law, but {why}"
    ordered = tuple(sorted(picked, key=CHANNEL_NAMES.index))
    return Route(ordered, reason, ruled_out)


# Validation -------------------------------------------------------------------------------------


def delivery_problems(project: Project) -> list[Problem]:
    """Rules that read a field the data schema does not have, and template rules that name a
    channel the template does not have."""
    from studio.core.project import CONFIG_FILE, SCHEMA_FILE
    from studio.core.schema import schema_has_path

    found: list[Problem] = []
    sections: list[tuple[str, Any, DeliverySection, tuple[str, ...] | None]] = []
    if project.config.delivery is not None:
        sections.append((CONFIG_FILE, project.config.raw.get("delivery"),
                         project.config.delivery, None))
    for template in project.templates.values():
        if template.delivery is not None:
            sections.append((template.path, template.raw.get("delivery"), template.delivery,
                             template.channels))
    for path, node, section, channels in sections:
        def at(key: str, node: Any = node) -> tuple[int, int]:
            head, _, rest = key.partition(".")
            where = node.where(head) if isinstance(node, LocatedDict) else (1, 1)
            inner = node.get(head) if isinstance(node, Mapping) else None
            if rest and isinstance(inner, LocatedDict):
                where = inner.where(rest)
            return where

        if project.schema is not None:
            for key, name in section.rules.fields():
                if key.split(".")[0] not in section.keys:
                    continue
                if not schema_has_path(project.schema, tuple(name.split("."))):
                    found.append(error(path, *at(key), msg(
                        "delivery.{key}: field {name!r} is not in the data schema ({schema})",
                        key=key, name=name, schema=SCHEMA_FILE)))
        if channels is not None:
            for key in ("fallback", "always"):
                if key not in section.keys:
                    continue
                for channel in getattr(section.rules, key) or ():
                    if channel not in channels:
                        found.append(warning(path, *at(key), msg(
                            "delivery.{key} names {channel}, which is not one of this "
                            "template's channels", key=key, channel=channel)))
    return found
