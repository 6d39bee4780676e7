"""Dark-mode email: a logo made for dark backgrounds (brand.logo_dark) and footer text and
links that keep WCAG's 4.5:1 contrast, computed from the message's own CSS."""

from __future__ import annotations

import email
import email.policy
import re

from studio.core.project import load_project
from studio.core.render import render
from tests.conftest import SAMPLE

_DARK = re.compile(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{(.*?\})\s*\}", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _dark_rules(html: str) -> dict[str, dict[str, str]]:
    """selector → property → value, from the dark-mode @media block of the message."""
    [block] = _DARK.findall(html)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in _RULE.findall(block):
        declarations = {
            name.strip(): value.replace("!important", "").strip()
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        }
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    return rules


def _message(template: str = "meter-appointment"):  # no PDF attached: quick
    project = load_project(SAMPLE)
    rendition = render(project, template, "email", project.samples["typical"].record, "it")
    return email.message_from_bytes(rendition.content, policy=email.policy.default)


def test_contrast_is_computed_as_wcag_does():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_dark_mode_footer_text_and_link_reach_4_5_to_1():
    html = _message().get_body(("html",)).get_content()
    rules = _dark_rules(html)
    page = rules[".email-body"]["background-color"]
    assert contrast(rules[".footer div"]["color"], page) >= 4.5
    assert contrast(rules[".footer a"]["color"], page) >= 4.5
    # The footer really has a link for the rule to colour.
    assert re.search(r'<a [^>]*href="https://www.lumen-energia.example"', html)


def test_dark_mode_shows_the_dark_logo_instead():
    message = _message()
    html = message.get_body(("html",)).get_content()
    rules = _dark_rules(html)
    assert rules[".has-dark-logo .logo-light"]["display"] == "none"
    assert rules[".has-dark-logo .logo-dark"]["display"] == "block"
    # Both logos travel inline with the message; the dark one is hidden until dark mode.
    images = {part["Content-ID"].strip("<>"): part.get_content()
              for part in message.walk() if part.get_content_maintype() == "image"}
    dark = re.search(r'<div class="logo-dark" style="([^"]*)"><img [^>]*src="cid:([^"]+)"', html)
    assert dark and "display:none" in dark.group(1).replace(" ", "")
    sample_dark = (SAMPLE / "assets" / "logo-email-dark.png").read_bytes()
    sample_light = (SAMPLE / "assets" / "logo-email.png").read_bytes()
    assert images[dark.group(2)] == sample_dark
    assert sample_light in images.values()
