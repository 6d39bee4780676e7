"""Delivery routing: preference, fallback, requires, consent and always, bounded by channels."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from studio.cli import main
from studio.core.project import load_project
from studio.core.routing import email_problem, phone_problem, route
from studio.core.validate import validate
from tests.conftest import BASE_RECORD, BASE_SCHEMA, SAMPLE

RULES = """
    name: Routed
    locales: [it]
    default_locale: it
    email: {from: "Test <noreply@test.example>"}
    delivery:
      preference: customer.preferred_channel
      fallback: [email, sms, print]
      requires: {email: customer.email, sms: customer.phone}
      consent: {email: customer.consent.email, sms: customer.consent.sms}
      record_id: customer.id
"""

LAW = """
    title: Legal notice
    channels: [print, email, sms]
    email: {subject: "Notice"}
    sms: {max_segments: 2}
    delivery:
      always: [print]
    body:
      - block: greeting
"""


def _schema() -> dict[str, Any]:
    schema = copy.deepcopy(BASE_SCHEMA)
    schema["properties"]["customer"]["properties"].update(
        id={"type": "string"},
        phone={"type": "string"},
        preferred_channel={"type": "string"},
        consent={
            "type": "object",
            "properties": {"email": {"type": "boolean"}, "sms": {"type": "boolean"}},
        },
    )
    return schema


@pytest.fixture
def routed(project_dir):
    root = project_dir({"studio.yaml": RULES, "templates/notice.yaml": LAW}, schema=_schema())
    return load_project(root)


def customer(**fields: Any) -> dict[str, Any]:
    record = copy.deepcopy(BASE_RECORD)
    record["customer"].pop("email")
    record["customer"].update(fields)
    return record


GOOD_MOBILE = "+393471234567"


def test_preferred_channel_when_it_can_reach(routed):
    chosen = route(routed, "letter", customer(preferred_channel="sms", phone=GOOD_MOBILE))
    assert chosen.channels == ("sms",)
    assert chosen.reason == "preferred sms → sms"


def test_no_email_falls_back_to_sms(routed):
    chosen = route(routed, "letter", customer(preferred_channel="email", phone=GOOD_MOBILE))
    assert chosen.channels == ("sms",)
    assert chosen.reason == "preferred email, no address → sms"


def test_consent_withdrawn_rules_the_channel_out(routed):
    record = customer(preferred_channel="sms", phone=GOOD_MOBILE, email="m@test.example",
                      consent={"sms": False, "email": True})
    chosen = route(routed, "letter", record)
    assert chosen.channels == ("email",)
    assert chosen.reason == "preferred sms, consent withdrawn → email"
    assert chosen.ruled_out == {"sms": "consent withdrawn"}


def test_missing_consent_does_not_rule_out(routed):
    record = customer(preferred_channel="email", email="m@test.example", consent={})
    assert route(routed, "letter", record).channels == ("email",)


@pytest.mark.parametrize(
    ("phone", "why"),
    [
        ("+39000000000", "is not a valid phone number"),
        ("+390239401122", "is a landline, not a mobile"),
        ("3471234567", "is not in E.164 form"),
        ("+39 347 123 4567", "is not in E.164 form"),
        ("+39abc", "is not a phone number"),
    ],
)
def test_invalid_phone_falls_back(routed, phone, why):
    chosen = route(routed, "letter", customer(preferred_channel="sms", phone=phone))
    assert chosen.channels == ("print",)
    assert why in chosen.ruled_out["sms"]
    assert chosen.reason.startswith(f"preferred sms, number '{phone}' ")
    assert chosen.reason.endswith("email: no address → print")


@pytest.mark.parametrize("address", ["mario@", "mario rossi@test.example", "@test.example",
                                     "mario@localhost", 42])
def test_invalid_email_falls_back(routed, address):
    chosen = route(routed, "letter", customer(preferred_channel="email", email=address,
                                              phone=GOOD_MOBILE))
    assert chosen.channels == ("sms",)
    assert "email" in chosen.ruled_out and chosen.ruled_out["email"] != "no address"


def test_checks_accept_good_values():
    assert email_problem("mario.rossi@posta.example") is None
    assert phone_problem(GOOD_MOBILE) is None
    assert phone_problem("+447911123456") is None  # a UK mobile


def test_paper_required_by_law_is_added(routed):
    chosen = route(routed, "notice", customer(preferred_channel="email", email="m@test.example"))
    assert chosen.channels == ("print", "email")
    assert chosen.reason == "preferred email → email; print required by law"
    # Preferring paper gives one letter, not two.
    chosen = route(routed, "notice", customer(preferred_channel="print"))
    assert chosen.channels == ("print",)


def test_paper_by_law_even_without_consent_to_anything(routed):
    record = customer(preferred_channel="sms", phone=GOOD_MOBILE, consent={"sms": False})
    chosen = route(routed, "notice", record)
    assert chosen.channels == ("print",)


def test_unknown_preference_uses_the_fallback_order(routed):
    chosen = route(routed, "letter", customer(preferred_channel="fax", email="m@test.example"))
    assert chosen.channels == ("email",)
    assert chosen.reason == "preferred 'fax' is not a channel → email"


def test_no_preference_uses_the_fallback_order(routed):
    chosen = route(routed, "letter", customer(phone=GOOD_MOBILE))
    assert chosen.reason == "no preference, email: no address → sms"


def test_template_channels_bound_the_choice(project_dir):
    root = project_dir({"studio.yaml": RULES, "templates/otp.yaml": """
        title: OTP
        channels: [sms]
        sms: {max_segments: 1}
        body: [greeting]
    """}, schema=_schema())
    project = load_project(root)
    chosen = route(project, "otp", customer(preferred_channel="email", email="m@test.example"))
    assert chosen.channels == ()
    assert chosen.reason == ("preferred email, not a channel of this template, sms: no phone "
                             "number → no channel can reach this customer")


def test_without_rules_the_first_channel_of_the_template(project_dir):
    project = load_project(project_dir())
    assert route(project, "letter", BASE_RECORD).channels == ("print",)


def test_template_rules_replace_the_default_key_by_key(project_dir):
    root = project_dir({"studio.yaml": RULES, "templates/digital.yaml": """
        title: Digital first
        channels: [print, email, sms]
        email: {subject: "Hi"}
        sms: {max_segments: 2}
        delivery:
          fallback: [sms, email]
        body: [greeting]
    """}, schema=_schema())
    project = load_project(root)
    record = customer(preferred_channel="fax", email="m@test.example", phone=GOOD_MOBILE,
                      consent={"sms": False})
    # The template's fallback, the project's consent rule.
    assert route(project, "digital", record).channels == ("email",)


def test_bad_delivery_rules_are_problems_with_lines(project_dir):
    config = RULES.replace("record_id: customer.id", "record_id: customer.id\n      always: [paper]")
    notice = LAW.replace("always: [print]", "always: [print]\n      requires: [email]\n      colour: blue")
    root = project_dir({"studio.yaml": config, "templates/notice.yaml": notice}, schema=_schema())
    problems = {(p.path, p.line, p.message) for p in load_project(root).problems}
    assert ("studio.yaml", 11, "unknown channel 'paper' in delivery.always (channels are "
            "print, email, mobile, sms)") in problems
    assert ("templates/notice.yaml", 7, "delivery.requires must map a channel to a record field"
            ) in problems
    assert any(p[0] == "templates/notice.yaml" and p[1] == 8 and "unknown key 'colour'" in p[2]
               for p in problems)


def test_validate_names_a_field_the_schema_lacks(project_dir):
    root = project_dir({"studio.yaml": RULES.replace("customer.consent.sms", "customer.opt_in")},
                       schema=_schema())
    problems = [p for p in validate(load_project(root)) if "delivery" in p.message]
    assert [(p.path, p.line) for p in problems] == [("studio.yaml", 9)]
    assert "'customer.opt_in' is not in the data schema" in problems[0].message


def test_validate_warns_of_a_template_rule_outside_its_channels(project_dir):
    root = project_dir({"templates/notice.yaml": LAW.replace("always: [print]",
                                                             "always: [mobile]")})
    problems = [p for p in validate(load_project(root)) if "delivery" in p.message]
    assert [(p.path, p.line, p.severity) for p in problems] == [
        ("templates/notice.yaml", 6, "warning")]


# The sample project: every routing case, as a person reads it -------------------------------------


@pytest.mark.parametrize(
    ("template", "sample", "expected"),
    [
        ("payment-reminder", "typical", "email — preferred email → email"),
        ("payment-reminder", "no-email", "sms — preferred email, no address → sms"),
        ("payment-reminder", "consent-withdrawn", "email — preferred sms, consent withdrawn → email"),
        ("payment-reminder", "invalid-phone",
         "email — preferred sms, number '+39000000000' is not a valid phone number → email"),
        ("payment-reminder", "unknown-preference", "email — preferred 'fax' is not a channel → email"),
        ("payment-reminder", "long-address", "print — preferred print → print"),
        ("contract-change", "typical", "print + email — preferred email → email; print required by law"),
        ("bill", "gold-customer", "mobile — preferred mobile → mobile"),
    ],
)
def test_route_command_on_the_sample(capsys, template, sample, expected):
    assert main(["route", str(SAMPLE), template, "--sample", sample]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{sample} (C") and out.rstrip().endswith(expected)


def test_route_command_json_on_data(tmp_path, capsys):
    records = [json.loads((SAMPLE / "data/samples" / f"{name}.json").read_text())
               for name in ("no-email", "invalid-phone")]
    data = tmp_path / "records.ndjson"
    data.write_text("".join(json.dumps(r) + "\n" for r in records) + "not json\n")
    assert main(["route", str(SAMPLE), "payment-reminder", "--data", str(data), "--json"]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["ok"], line.get("channels")) for line in lines] == [
        (True, ["sms"]), (True, ["email"]), (False, None)]
    assert lines[0]["id"] == "C000300777"
    assert lines[1]["ruled_out"] == {"sms": "number '+39000000000' is not a valid phone number"}
    assert lines[2]["error"].startswith(f"{data}:3:")
