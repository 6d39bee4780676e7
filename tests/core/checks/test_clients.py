"""Email client support against the shipped caniemail data."""

from studio.core.checks.clients import (
    DEFAULT_CLIENTS,
    check_clients,
    target_clients,
    unknown_clients,
)

HTML = """<html><body><table role="presentation"><tr><td style="display: flex">shell</td></tr></table>
<div data-block="billing/summary"><p style="display: flex; color: #333">Totale</p>
<svg width="10" height="10"></svg></div></body></html>"""


def test_features_a_block_uses_are_judged_for_the_targeted_clients():
    found = {f.rule: f for f in check_clients(HTML, ["outlook/windows"])}
    flex = found["caniemail:css-display-flex"]
    assert flex.block == "billing/summary" and flex.impact == "minor"
    assert "Outlook (Windows)" in flex.message
    assert "caniemail:html-svg" in found
    # The shell's own markup is MJML's business, not the block's.
    assert all(f.block == "billing/summary" for f in found.values())


def test_a_client_that_supports_everything_used_gives_no_finding():
    assert check_clients(HTML, ["apple-mail/macos"]) == []


def test_target_clients_from_studio_yaml_and_unknown_names():
    assert target_clients({}) == DEFAULT_CLIENTS
    assert target_clients({"email": {"clients": ["gmail"]}}) == ("gmail",)
    assert unknown_clients(["gmail", "libero", "outlook/windows", "gmail/nowhere"]) == [
        "libero", "gmail/nowhere"]
