"""Heading levels never skip (h1 → h3) in the mobile page, the email and the tagged PDF."""

from __future__ import annotations

import email
import email.policy
import io
from html.parser import HTMLParser

import pikepdf
import pytest

from studio.core.headings import nested_levels, skips
from studio.core.project import load_project
from studio.core.render import render
from studio.core.validate import validate
from tests.conftest import SAMPLE


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def _html_levels(page: str) -> list[int]:
    parser = _Headings()
    parser.feed(page)
    return parser.levels


def _email_html(content: bytes) -> str:
    message = email.message_from_bytes(content, policy=email.policy.default)
    return message.get_body(("html",)).get_content()


def _pdf_levels(content: bytes) -> list[int]:
    """The heading elements of the PDF's structure tree, in reading order."""
    levels: list[int] = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        def walk(node):
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
                return
            if not isinstance(node, pikepdf.Dictionary):
                return
            role = str(node.get("/S", ""))
            if role in {f"/H{n}" for n in range(1, 7)}:
                levels.append(int(role[2]))
            if "/K" in node:
                walk(node.K)

        walk(pdf.Root.StructTreeRoot)
    return levels


def _assert_outline(levels: list[int], where: str) -> None:
    assert levels and levels[0] == 1, (where, levels)
    assert levels.count(1) == 1, (where, levels)
    assert list(skips(levels)) == [], (where, levels)


def test_nested_levels_go_down_one_at_a_time():
    assert nested_levels([3, 3, 3]) == [2, 2, 2]
    assert nested_levels([2, 4, 4, 2, 3]) == [2, 3, 3, 2, 3]
    assert nested_levels([3, 2, 5, 6]) == [2, 2, 3, 4]
    assert nested_levels([1]) == [2]  # the title is the only h1


SAMPLE_PROJECT = load_project(SAMPLE)
CASES = [
    (template, sample, locale)
    for template in sorted(SAMPLE_PROJECT.templates)
    for sample in ("typical", "gold-customer")
    for locale in ("it", "en")
]


@pytest.mark.parametrize(("template", "sample", "locale"), CASES)
def test_sample_headings_never_skip_on_mobile_and_email(template, sample, locale):
    record = SAMPLE_PROJECT.samples[sample].record
    channels = SAMPLE_PROJECT.templates[template].channels
    for channel in ("mobile", "email"):
        if channel not in channels:
            continue
        rendition = render(SAMPLE_PROJECT, template, channel, record, locale)
        page = (rendition.content.decode() if channel == "mobile"
                else _email_html(rendition.content))
        _assert_outline(_html_levels(page), f"{template}/{channel}/{sample}/{locale}")


@pytest.mark.parametrize("template", ["bill", "contract-change", "payment-reminder"])
def test_tagged_pdf_headings_never_skip(template):
    record = SAMPLE_PROJECT.samples["typical"].record
    rendition = render(SAMPLE_PROJECT, template, "print", record, "it")
    _assert_outline(_pdf_levels(rendition.content), f"{template}/print")


def test_validate_warns_on_a_block_that_skips_a_level(project_dir):
    root = project_dir({"blocks/skips.md": "---\ntitle: Skips\n---\n## Intro\n\ntext\n\n"
                                           "#### Detail\n\nmore\n"})
    problems = [p for p in validate(load_project(root), trial_render=False)
                if "heading level" in p.message]
    assert [(p.path, p.line, p.severity.value) for p in problems] == [
        ("blocks/skips.md", 8, "warning")]
    assert "## to ####" in problems[0].message
