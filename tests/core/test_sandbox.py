"""Attacks on the rendering engine: templates, layouts, styles and data are untrusted.

Every test builds a real project on disk, renders it with the real engine and inspects the real
output (PDF text and objects, MIME parts, the mobile page, the SMS text). A test that documents a
hole still open in the engine is marked ``xfail(strict=True)`` with the reason starting "HOLE:".
"""

from __future__ import annotations

import base64
import email
import email.policy
import http.server
import io
import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from studio.core.channels import Rendition
from studio.core.problems import ProblemError, Severity
from studio.core.project import Project, load_project
from studio.core.render import render

REPO = Path(__file__).resolve().parents[2]
ALL_CHANNELS = ["print", "email", "mobile", "sms"]


# Helpers -------------------------------------------------------------------------------------


def png(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (255, 0, 0)) -> bytes:
    """A minimal valid truecolour PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


OK_PNG = png(1, 1, (0, 128, 0))  # inside assets/: may be embedded
OUTSIDE_PNG = png(3, 3, (200, 0, 0))  # outside the project: must never be read

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "customer": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "site": {"type": "string"},
                "note": {"type": "string"},
                "cell": {"type": "string"},
                "lines": {"type": "string"},
            },
        }
    },
}
RECORD: dict[str, Any] = {"customer": {"name": "Ada", "email": "ada@example.com"}}


class ProjectFactory:
    """Writes a project folder with real files and loads it."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.count = 0

    def __call__(
        self,
        body: str = "Hello {{ customer.name }}\n",
        *,
        template: dict[str, Any] | None = None,
        blocks: dict[str, str] | None = None,
        files: dict[str, str | bytes] | None = None,
        brand: dict[str, Any] | None = None,
    ) -> Project:
        self.count += 1
        root = self.tmp_path / f"project{self.count}"
        root.mkdir()
        config = {
            "name": "Sandbox test",
            "locales": ["en"],
            "default_locale": "en",
            "currency": "EUR",
            "brand": {"company": "ACME Test Ltd", **(brand or {})},
            "email": {"from": "ACME <noreply@acme.example>"},
        }
        (root / "studio.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        all_blocks = {"main": body, **(blocks or {})}
        for block_id, block_body in all_blocks.items():
            path = root / "blocks" / f"{block_id}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            meta = yaml.safe_dump({"title": f"Block {block_id}"})
            path.write_text(f"---\n{meta}---\n{block_body}", encoding="utf-8")
        tmpl = {
            "title": "Sandbox",
            "channels": list(ALL_CHANNELS),
            "email": {"subject": "Hello {{ customer.name }}"},
            "body": [{"block": "main"}],
        }
        tmpl.update(template or {})
        (root / "templates").mkdir()
        (root / "templates" / "t.yaml").write_text(
            yaml.safe_dump(tmpl, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        (root / "data" / "samples").mkdir(parents=True)
        (root / "data" / "schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
        (root / "data" / "samples" / "typical.json").write_text(
            json.dumps(RECORD), encoding="utf-8"
        )
        (root / "assets").mkdir()
        (root / "assets" / "ok.png").write_bytes(OK_PNG)
        for relative, content in (files or {}).items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        project = load_project(root)
        errors = [p for p in project.problems if p.severity is Severity.ERROR]
        assert not errors, errors
        return project


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    return ProjectFactory(tmp_path)


@pytest.fixture
def outside_png(tmp_path: Path) -> Path:
    """A real image beside (outside) every project folder."""
    path = tmp_path / "outside.png"
    path.write_bytes(OUTSIDE_PNG)
    return path


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A file outside the project standing for /etc/passwd: its content must never leak."""
    path = tmp_path / "secret.txt"
    path.write_text("CANARY-SECRET-7f3a9\n", encoding="utf-8")
    return path


SECRET = "CANARY-SECRET-7f3a9"


class Spy:
    """A real HTTP server on 127.0.0.1 that counts every connection made to it."""

    def __init__(self) -> None:
        self.connections: list[str] = []
        spy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle(self) -> None:
                spy.connections.append(str(self.client_address))
                super().handle()

            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                body = OK_PNG if self.path.endswith(".png") else b"p { color: red }"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def probe(self) -> None:
        """Proves the spy works: a real request is counted (then forgotten)."""
        import urllib.request

        with urllib.request.urlopen(f"{self.base}/probe.css", timeout=5) as response:
            assert response.status == 200
        assert self.connections, "the spy server did not see a direct request"
        self.connections.clear()


@pytest.fixture
def spy() -> Iterator[Spy]:
    server = Spy()
    server.thread.start()
    server.probe()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
        server.thread.join(timeout=5)


def pdf_text(rendition: Rendition) -> str:
    reader = PdfReader(io.BytesIO(rendition.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def pdf_images(rendition: Rendition) -> list[tuple[int, int]]:
    """(width, height) of every image XObject reachable from the pages, forms included."""
    reader = PdfReader(io.BytesIO(rendition.content))
    found: list[tuple[int, int]] = []
    seen: set[int] = set()

    def walk(resources: Any) -> None:
        resources = _resolve(resources)
        if not resources or "/XObject" not in resources:
            return
        for ref in _resolve(resources["/XObject"]).values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key in seen:
                continue
            seen.add(key)
            xobject = _resolve(ref)
            if xobject.get("/Subtype") == "/Image":
                found.append((int(xobject["/Width"]), int(xobject["/Height"])))
            elif xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in reader.pages:
        if "/Resources" in page:
            walk(page["/Resources"])
    return found


def pdf_link_uris(rendition: Rendition) -> list[str]:
    reader = PdfReader(io.BytesIO(rendition.content))
    uris = []
    for page in reader.pages:
        for annot in _resolve(page.get("/Annots")) or []:
            action = _resolve(_resolve(annot).get("/A"))
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
            if action and action.get("/S") == "/JavaScript":
                uris.append("javascript-action")
    return uris


def pdf_has_embedded_files(rendition: Rendition) -> bool:
    reader = PdfReader(io.BytesIO(rendition.content))
    names = _resolve(reader.trailer["/Root"]).get("/Names")
    return bool(names and "/EmbeddedFiles" in _resolve(names))


def parse_email(rendition: Rendition) -> email.message.EmailMessage:
    return email.message_from_bytes(rendition.content, policy=email.policy.default)


def email_html(rendition: Rendition) -> str:
    return parse_email(rendition).get_body(("html",)).get_content()


def email_text(rendition: Rendition) -> str:
    return parse_email(rendition).get_body(("plain",)).get_content()


def email_images(rendition: Rendition) -> list[tuple[str, str, bytes]]:
    """(content type, Content-ID, bytes) of every image part."""
    return [
        (part.get_content_type(), str(part.get("Content-ID", "")), part.get_content())
        for part in parse_email(rendition).walk()
        if part.get_content_maintype() == "image"
    ]


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def named(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def urls(self) -> list[str]:
        return [
            value.strip()
            for _, attrs in self.tags
            for key, value in attrs.items()
            if key in ("href", "src", "action", "formaction", "xlink:href", "background")
        ]

    def event_handlers(self) -> list[str]:
        return [key for _, attrs in self.tags for key in attrs if key.startswith("on")]


def content_of(html: str) -> str:
    """The composed blocks inside a shell (what the record and the blocks produced)."""
    start = html.index(">", html.index("data-block=")) + 1  # inside the block's wrapper
    end = html.rindex("<!--/block-->") if "<!--/block-->" in html else html.rindex("</section>")
    return html[start:end]


UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text", "file:")


def assert_no_unsafe_urls(html: str) -> None:
    for url in Tags(html).urls():
        squeezed = "".join(url.split()).lower()
        assert not squeezed.startswith(UNSAFE_SCHEMES), url


# 1. Sandbox escapes ---------------------------------------------------------------------------

SANDBOX = r"sandbox|unsafe|undefined"

# (payload in a block body, what the problem must say)
BODY_ESCAPES = [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", SANDBOX),
    ("{{ cycler.__init__.__globals__ }}", SANDBOX),
    ("{{ joiner.__init__.__globals__ }}", SANDBOX),
    ("{{ namespace.__init__.__globals__ }}", SANDBOX),
    ("{{ self.__init__.__globals__ }}", SANDBOX),
    ("{{ self._TemplateReference__context }}", SANDBOX),
    ("{{ ''|attr('__class__') }}", SANDBOX),
    ("{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", SANDBOX),
    ("{{ customer['__class__'] }}", SANDBOX),
    ('{{ "{0.__class__}".format(customer) }}', SANDBOX),
    ('{{ "{name.__class__.__base__}".format_map(customer) }}', SANDBOX),
    ("{{ ('{0.__class__}'|attr('format'))(customer) }}", SANDBOX),
    ('{{ "%s"|format(customer) }}', r"format"),
    ("{{ {'a': 1}|xmlattr }}", r"xmlattr"),
    ("{{ range(10**9)|list }}", r"[Rr]ange too big|MAX_RANGE|range: more than"),
    ("{{ lipsum.__globals__ }}", SANDBOX),
    ("{{ lipsum() }}", SANDBOX),
    ("{{ request }}", SANDBOX),
    ("{{ config }}", SANDBOX),
    ("{{ config.items() }}", SANDBOX),
    ("{% set x = [].append(1) %}", SANDBOX),
    ("{% set x = customer.update({'name': 'x'}) %}", SANDBOX),
    ("{% set x = brand.pop('company') %}", SANDBOX),
    ("{{ customer.__dict__ }}", SANDBOX),
    ("{{ block.__self__ }}", SANDBOX),
    ("{{ block.__func__.__globals__ }}", SANDBOX),
    ("{{ range.__globals__ }}", SANDBOX),
    ("{{ block('other').__class__.__mro__ }}", SANDBOX),
    ("{% for l in customer.name.__class__.__subclasses__() %}{{ l }}{% endfor %}", SANDBOX),
]


@pytest.mark.parametrize(("payload", "expected"), BODY_ESCAPES, ids=[p for p, _ in BODY_ESCAPES])
def test_escape_in_block_body_is_a_problem(
    make_project: ProjectFactory, payload: str, expected: str
) -> None:
    project = make_project(f"Intro line\n{payload}\n", blocks={"other": "Other\n"})
    with pytest.raises(ProblemError) as caught:
        render(project, "t", "sms", RECORD)
    problem = caught.value.problem
    assert problem.severity is Severity.ERROR
    assert problem.path == "blocks/main.md"
    assert problem.line == 5  # "---", "title: …", "---", "Intro line", then the payload
    assert problem.message
    assert re.search(expected, problem.message), problem.message
    # Nothing of Python's internals reaches the message.
    assert "<class" not in problem.message
    assert "subprocess" not in problem.message


@pytest.mark.parametrize("payload", [p for p, _ in BODY_ESCAPES[:6]])
def test_escape_in_block_body_fails_on_every_channel(
    make_project: ProjectFactory, payload: str
) -> None:
    project = make_project(f"{payload}\n")
    for channel in ALL_CHANNELS:
        with pytest.raises(ProblemError) as caught:
            render(project, "t", channel, RECORD)
        assert caught.value.problem.path == "blocks/main.md", channel


# Expressions (no braces) tried where the template evaluates Jinja.
EXPRESSION_ESCAPES = [
    "''.__class__.__mro__[1].__subclasses__()",
    "cycler.__init__.__globals__",
    "self.__init__.__globals__",
    "''|attr('__class__')",
    '"{0.__class__}".format(customer)',
    '"%s"|format(customer)',
    "range(10**9)|list",
    "lipsum.__globals__",
    "request",
    "config",
    "[].append(1)",
    "customer.__dict__",
]
EXPRESSION_RE = r"sandbox|unsafe|undefined|format|[Rr]ange too big"


@pytest.mark.parametrize("expression", EXPRESSION_ESCAPES)
def test_escape_in_when_expression(make_project: ProjectFactory, expression: str) -> None:
    project = make_project("Body\n", template={"body": [{"block": "main", "when": expression}]})
    with pytest.raises(ProblemError) as caught:
        render(project, "t", "sms", RECORD)
    assert caught.value.problem.path == "templates/t.yaml"
    assert re.search(EXPRESSION_RE, caught.value.problem.message), caught.value.problem.message


@pytest.mark.parametrize("expression", EXPRESSION_ESCAPES)
def test_escape_in_email_subject(make_project: ProjectFactory, expression: str) -> None:
    project = make_project(template={"email": {"subject": f"Hi {{{{ {expression} }}}}"}})
    with pytest.raises(ProblemError) as caught:
        render(project, "t", "email", RECORD)
    assert caught.value.problem.path == "templates/t.yaml"
    assert re.search(EXPRESSION_RE, caught.value.problem.message), caught.value.problem.message


@pytest.mark.parametrize("expression", EXPRESSION_ESCAPES[:6])
@pytest.mark.parametrize("where", ["title", "with", "preheader"])
def test_escape_in_other_template_settings(
    make_project: ProjectFactory, expression: str, where: str
) -> None:
    jinja = f"{{{{ {expression} }}}}"
    if where == "title":
        template: dict[str, Any] = {"title": f"T {jinja}"}
        channel = "mobile"
    elif where == "preheader":
        template = {"email": {"subject": "S", "preheader": f"P {jinja}"}}
        channel = "email"
    else:
        template = {"body": [{"block": "main", "with": {"who": jinja}}]}
        channel = "sms"
    blocks_body = "Hi {{ who }}\n" if where == "with" else "Hi\n"
    project = make_project(blocks_body, template=template)
    if where == "with":
        # the block must declare the parameter
        path = project.root / "blocks" / "main.md"
        path.write_text("---\ntitle: M\nparams:\n  who: x\n---\nHi {{ who }}\n", encoding="utf-8")
        project = load_project(project.root)
    with pytest.raises(ProblemError) as caught:
        render(project, "t", channel, RECORD)
    problem = caught.value.problem
    # a `with:` value that is an unsafe lookup fails where the block prints it
    assert problem.path in ("templates/t.yaml", "blocks/main.md")
    assert re.search(EXPRESSION_RE, problem.message), problem.message


CANARY_PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.system(cmd) }}",
    "{{ lipsum.__globals__['os'].popen(cmd).read() }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').system(cmd) }}",
    "{{ block.__func__.__globals__['__builtins__']['__import__']('os').system(cmd) }}",
    "{{ range.__globals__['__builtins__']['__import__']('os').system(cmd) }}",
    "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
    "{% if c.__name__ == 'catch_warnings' %}"
    "{{ c()._module.__builtins__['__import__']('os').system(cmd) }}"
    "{% endif %}{% endfor %}",
    "{{ (''|attr('\\x5f\\x5fclass\\x5f\\x5f')|attr('\\x5f\\x5fmro\\x5f\\x5f'))[1] }}",
    "{{ '{0.__init__.__globals__[os].system}'.format(block) }}",
    "{{ customer|attr('__class__')|attr('__init__') }}",
]


@pytest.mark.parametrize("payload", CANARY_PAYLOADS)
@pytest.mark.parametrize("where", ["block", "layout", "subject"])
def test_escape_cannot_run_a_command(
    make_project: ProjectFactory, tmp_path: Path, payload: str, where: str
) -> None:
    canary = tmp_path / "pwned"
    setter = f"{{% set cmd = 'touch {canary}' %}}"
    if where == "block":
        project = make_project(setter + payload + "\n")
        channels = ["sms", "mobile"]
    elif where == "subject":
        project = make_project(template={"email": {"subject": setter + payload}})
        channels = ["email"]
    else:
        layout = f"<html><body>{setter}{payload}{{{{ content }}}}</body></html>"
        project = make_project(files={"layouts/mobile.html": layout})
        channels = ["mobile"]
    for channel in channels:
        try:
            rendition = render(project, "t", channel, RECORD)
        except ProblemError as exc:
            assert exc.problem.severity is Severity.ERROR
        else:
            # A layout may print an unsafe lookup as nothing; it must never print internals.
            assert where == "layout", f"{channel}: the escape rendered"
            page = rendition.content.decode()
            assert "<class" not in page and "built-in" not in page and "module" not in page
        assert not canary.exists(), f"{where}/{channel}: the command ran"


def test_layout_sandbox_prints_no_internals(make_project: ProjectFactory) -> None:
    layout = (
        "<html><body>[{{ ''.__class__.__mro__ }}][{{ cycler.__init__ }}]"
        "[{{ record.__class__ }}][{{ content }}]</body></html>"
    )
    project = make_project("Hello\n", files={"layouts/mobile.html": layout})
    try:
        rendition = render(project, "t", "mobile", RECORD)
    except ProblemError as exc:
        assert exc.problem.path == "layouts/mobile.html"
        return
    page = rendition.content.decode()
    assert "[][][]" in page  # every unsafe lookup printed nothing
    assert "<class" not in page and "function" not in page
    assert "<p>Hello</p>" in page


# 2. Data injection ----------------------------------------------------------------------------

NAME = "{{ 7*7 }} *Star* <b>Ltd</b>"
SITE = "[click](javascript:alert(1))"
NOTE = "<script>alert(1)</script> ![x](file:///etc/passwd)"
CELL = "left | right"
LINES = "# Not a heading\n1. not a list\n- nor this\n> nor a quote"

INJECTION_BODY = """\
Dear {{ customer.name }},

Site: {{ customer.site }}

Note: {{ customer.note }}

| field | value |
|---|---|
| cell | {{ customer.cell }} |

{{ customer.lines }}

[Your page]({{ customer.site }})
"""
INJECTION_RECORD = {
    "customer": {
        "name": NAME,
        "email": "ada@example.com",
        "site": SITE,
        "note": NOTE,
        "cell": CELL,
        "lines": LINES,
    }
}


@pytest.fixture
def injection_project(make_project: ProjectFactory) -> Project:
    return make_project(
        INJECTION_BODY,
        template={
            "title": "Bill for {{ customer.name }}",
            "email": {
                "subject": "Hello {{ customer.name }}",
                "preheader": "Note {{ customer.note }}",
            },
        },
    )


def _assert_literal_text(text: str) -> None:
    flat = " ".join(text.split())
    assert "{{ 7*7 }} *Star* <b>Ltd</b>" in flat
    assert "49" not in flat
    assert SITE in flat
    assert "<script>alert(1)</script> ![x](file:///etc/passwd)" in flat
    assert CELL in flat
    for line in LINES.splitlines():
        assert line in text


def _assert_literal_html(html: str) -> None:
    content = content_of(html)
    tags = Tags(content)
    flat = " ".join(content.split())
    assert "{{ 7*7 }} *Star* &lt;b&gt;Ltd&lt;/b&gt;" in flat
    assert "49" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script" not in html.lower()
    assert not tags.named("b") and not tags.named("em") and not tags.named("strong")
    assert not tags.named("img")
    assert not tags.named("h1") and not tags.named("ol") and not tags.named("ul")
    assert not tags.named("blockquote") and not tags.named("a")
    assert len(tags.named("td")) == 2  # the "|" in the value did not make a third cell
    assert CELL in content
    assert not tags.event_handlers()
    assert_no_unsafe_urls(html)
    for line in LINES.replace(">", "&gt;").splitlines():
        assert line in content


def test_data_is_literal_in_print(injection_project: Project) -> None:
    rendition = render(injection_project, "t", "print", INJECTION_RECORD)
    text = pdf_text(rendition)
    _assert_literal_text(text)
    assert "Bill for {{ 7*7 }}" in " ".join(text.split())
    assert not any(
        uri.lower().startswith(("javascript", "file")) for uri in pdf_link_uris(rendition)
    )
    assert not pdf_images(rendition)


def test_data_is_literal_in_email(injection_project: Project) -> None:
    rendition = render(injection_project, "t", "email", INJECTION_RECORD)
    message = parse_email(rendition)
    assert message["Subject"] == f"Hello {NAME}"
    html = email_html(rendition)
    _assert_literal_html(html)
    # the preheader and subject reach the shell escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.split('class="content"')[0]
    assert not Tags(html).named("b")  # "<b>" may stand in an attribute value, never as a tag
    _assert_literal_text(email_text(rendition))
    assert not email_images(rendition)


def test_data_is_literal_in_mobile(injection_project: Project) -> None:
    rendition = render(injection_project, "t", "mobile", INJECTION_RECORD)
    html = rendition.content.decode("utf-8")
    _assert_literal_html(html)
    title = Tags(html)
    assert len(title.named("h1")) == 1  # the shell's title only
    assert "Bill for {{ 7*7 }} *Star* &lt;b&gt;Ltd&lt;/b&gt;" in html
    assert "data:image" not in html


def test_data_is_literal_in_sms(injection_project: Project) -> None:
    rendition = render(injection_project, "t", "sms", INJECTION_RECORD)
    _assert_literal_text(rendition.facts["text"])
    assert "\\" not in rendition.facts["text"]  # no Markdown escapes left visible


@pytest.mark.parametrize(
    "site",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "jav&#x61;script:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "x) [y](javascript:alert(1)",
    ],
)
def test_data_in_a_link_destination_is_never_an_unsafe_href(
    make_project: ProjectFactory, site: str
) -> None:
    project = make_project("[Your page]({{ customer.site }}) and ![pic]({{ customer.site }})\n")
    record = {"customer": {"name": "Ada", "site": site}}
    for channel in ("email", "mobile"):
        rendition = render(project, "t", channel, record)
        html = email_html(rendition) if channel == "email" else rendition.content.decode()
        assert_no_unsafe_urls(html)
        for img in Tags(content_of(html)).named("img"):
            # a relative image may remain; it was never read from outside the project
            assert not img.get("src", "").lower().startswith(("data:", "file:", "http")), img
    printed = render(project, "t", "print", record)
    assert not any(
        uri.strip().lower().startswith(("javascript", "vbscript", "data"))
        for uri in pdf_link_uris(printed)
    )


@pytest.mark.parametrize("source", ["authored", "data"])
def test_pdf_links_never_point_at_the_server_filesystem(
    make_project: ProjectFactory, source: str
) -> None:
    if source == "authored":
        project = make_project(
            "[terms](terms.html) and [page](//evil.example/x) [home](https://ok.example/)\n"
        )
    else:
        project = make_project("[Your page]({{ customer.site }}) [home](https://ok.example/)\n")
    record = {"customer": {"name": "Ada", "site": "jav&#x61;script:alert(1)"}}
    uris = pdf_link_uris(render(project, "t", "print", record))
    assert uris == ["https://ok.example/"], "only the control link is a link"
    for uri in uris:
        assert not uri.lower().startswith("file:"), uri
        assert str(project.root) not in uri, uri


def test_data_with_newlines_cannot_inject_email_headers(make_project: ProjectFactory) -> None:
    project = make_project(template={"email": {"subject": "Hello {{ customer.name }}"}})
    record = {"customer": {"name": "Ada\r\nBcc: evil@attacker.example", "email": "ada@example.com"}}
    try:
        rendition = render(project, "t", "email", record)
    except (ProblemError, ValueError):
        return  # refusing the record is safe (the ValueError is a crash: see the test below)
    message = parse_email(rendition)
    assert message["Bcc"] is None
    assert "\n" not in str(message["Subject"])
    assert b"\r\nBcc:" not in rendition.content.split(b"\r\n\r\n")[0]


def test_newline_in_subject_data_is_a_problem_not_a_crash(make_project: ProjectFactory) -> None:
    project = make_project(template={"email": {"subject": "Hello {{ customer.name }}"}})
    record = {"customer": {"name": "Ada\nBcc: evil@attacker.example"}}
    try:
        rendition = render(project, "t", "email", record)
    except ProblemError:
        return
    assert parse_email(rendition)["Bcc"] is None


@pytest.mark.parametrize(
    "address",
    [
        pytest.param(
            "ada@example.com>, evil@attacker.example",
        ),
        pytest.param(
            "evil@attacker.example, ada@example.com",
        ),
        "ada@example.com\r\nBcc: evil@attacker.example",
    ],
)
def test_data_cannot_add_recipients(make_project: ProjectFactory, address: str) -> None:
    project = make_project()
    record = {"customer": {"name": "Ada", "email": address}}
    rendition = render(project, "t", "email", record)
    message = parse_email(rendition)
    recipients = [a.addr_spec for a in message["To"].addresses] if message["To"] else []
    assert "evil@attacker.example" not in recipients
    assert len(recipients) <= 1
    assert message["Bcc"] is None and message["Cc"] is None


# 3. Raw HTML written by the author -----------------------------------------------------------

RAW_HTML_BODY = """\
<img src=x onerror=alert(1)>

<script>alert(1)</script>

Inline <b>bold</b> and <a href="javascript:alert(2)">link</a> and <iframe src="https://x"></iframe>

<div style="background:url(file:///etc/passwd)">div</div>
"""


@pytest.mark.parametrize("channel", ["email", "mobile"])
def test_author_raw_html_shows_as_text(make_project: ProjectFactory, channel: str) -> None:
    project = make_project(RAW_HTML_BODY)
    rendition = render(project, "t", channel, RECORD)
    html = email_html(rendition) if channel == "email" else rendition.content.decode()
    content = content_of(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert "<script" not in html.lower()
    tags = Tags(content)
    assert not tags.named("img") and not tags.named("iframe") and not tags.named("div")
    assert not tags.named("a") and not tags.named("b")
    assert not tags.event_handlers()
    assert_no_unsafe_urls(html)


def test_author_raw_html_shows_as_text_in_print_and_sms(make_project: ProjectFactory) -> None:
    project = make_project(RAW_HTML_BODY)
    text = " ".join(pdf_text(render(project, "t", "print", RECORD)).split())
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    sms = render(project, "t", "sms", RECORD).facts["text"]
    assert "<script>alert(1)</script>" in sms


# 4. Outside fetches refused ------------------------------------------------------------------


def test_print_refuses_outside_urls(
    make_project: ProjectFactory, outside_png: Path, spy: Spy
) -> None:
    css = textwrap.dedent(
        f"""\
        @import url({spy.base}/import.css);
        @import url(file:///etc/passwd);
        body {{ background: url(file:///etc/passwd); }}
        main {{ background-image: url({spy.base}/bg.png); }}
        @font-face {{ font-family: Spy; src: url({spy.base}/font.woff); }}
        h1 {{ font-family: Spy; }}
        """
    )
    layout = textwrap.dedent(
        f"""\
        <html><head>
        <link rel="stylesheet" href="{spy.base}/x.css">
        <link rel="attachment" href="file:///etc/hostname">
        <style>{{{{ css }}}}</style>
        </head><body>
        <img src="file:///etc/hostname">
        <img src="../outside.png">
        <img src="{outside_png.as_uri()}">
        <img src="assets/../../outside.png">
        <img src="{spy.base}/img.png">
        <img src="assets/ok.png">
        <h1>{{{{ title }}}}</h1>
        {{{{ content }}}}
        </body></html>
        """
    )
    project = make_project(
        f"Hello\n\n![remote]({spy.base}/md.png) ![rel](../outside.png)"
        f" ![proto](//127.0.0.1:{spy.port}/proto.png)\n",
        files={"styles/print.css": css, "layouts/print.html": layout},
    )
    rendition = render(project, "t", "print", RECORD)
    assert rendition.content.startswith(b"%PDF")
    warnings = "\n".join(w.message for w in rendition.warnings)
    for refused in (
        f"{spy.base}/import.css",
        f"{spy.base}/x.css",
        f"{spy.base}/img.png",
        f"{spy.base}/md.png",
        f"{spy.base}/font.woff",
        "file:///etc/passwd",
        "file:///etc/hostname",
        "outside.png",
    ):
        assert refused in warnings, refused
    assert all(w.severity is Severity.WARNING for w in rendition.warnings)
    # Only the asset is embedded: one 1x1 image, never the 3x3 one from outside.
    assert pdf_images(rendition) == [(1, 1)]
    assert not pdf_has_embedded_files(rendition)
    assert "Hello" in pdf_text(rendition)
    assert spy.connections == []


def test_print_embeds_an_asset_but_not_an_outside_file(
    make_project: ProjectFactory, outside_png: Path
) -> None:
    inside = make_project(files={"layouts/print.html": '<img src="assets/ok.png">{{ content }}'})
    outside = make_project(files={"layouts/print.html": '<img src="../outside.png">{{ content }}'})
    assert pdf_images(render(inside, "t", "print", RECORD)) == [(1, 1)]
    refused = render(outside, "t", "print", RECORD)
    assert pdf_images(refused) == []
    assert any("outside.png" in w.message for w in refused.warnings)


@pytest.mark.parametrize("logo", ["../outside.png", "/etc/hostname", "file:///etc/hostname"])
def test_brand_logo_outside_is_refused(
    make_project: ProjectFactory, outside_png: Path, logo: str
) -> None:
    project = make_project(brand={"logo": logo})
    printed = render(project, "t", "print", RECORD)
    assert pdf_images(printed) == []
    assert any("not loaded" in w.message for w in printed.warnings)
    mailed = render(project, "t", "email", RECORD)
    assert email_images(mailed) == []
    assert any("not attached" in w.message for w in mailed.warnings)
    mobile = render(project, "t", "mobile", RECORD)
    assert b"data:image" not in mobile.content
    assert mobile.warnings


def test_brand_logo_in_assets_is_embedded(make_project: ProjectFactory) -> None:
    project = make_project(brand={"logo": "assets/ok.png"})
    assert pdf_images(render(project, "t", "print", RECORD)) == [(1, 1)]
    images = email_images(render(project, "t", "email", RECORD))
    assert [(kind, data) for kind, _, data in images] == [("image/png", OK_PNG)]
    mobile = render(project, "t", "mobile", RECORD).content.decode()
    assert "data:image/png;base64," + base64.b64encode(OK_PNG).decode() in mobile


def _html_channel_project(
    make_project: ProjectFactory, channel: str, spy: Spy, outside_png: Path
) -> Project:
    # A project may write its email shell in plain HTML (layouts/email.html) instead of MJML:
    # start from the mobile shell, which is HTML, for that case.
    base = "mobile" if channel == "email" else channel
    default = (REPO / "resources" / "layouts" / f"{base}.html").read_text(encoding="utf-8")
    extra = (
        f'<link rel="stylesheet" href="{spy.base}/x.css">'
        f'<link rel="stylesheet" href="file:///etc/passwd">'
    )
    images = (
        '<img src="file:///etc/hostname" alt="a">'
        '<img src="../outside.png" alt="b">'
        f'<img src="{outside_png.as_uri()}" alt="c">'
        f'<img src="{spy.base}/img.png" alt="d">'
        '<img src="assets/ok.png" alt="ok">'
    )
    layout = default.replace("</head>", extra + "</head>").replace(
        "{{ content }}", images + "{{ content }}"
    )
    assert layout != default
    css = (
        f"@import url({spy.base}/import.css);\n"
        f"p {{ background: url({spy.base}/bg.png); }}\n"
        "div { background: url(file:///etc/passwd); }\n"
    )
    return make_project(
        f"Hello\n\n![remote]({spy.base}/md.png) ![rel](../outside.png)"
        f" ![proto](//127.0.0.1:{spy.port}/proto.png)\n",
        files={f"layouts/{channel}.html": layout, f"styles/{channel}.css": css},
    )


def test_email_refuses_outside_files_and_never_fetches(
    make_project: ProjectFactory, spy: Spy, outside_png: Path
) -> None:
    project = _html_channel_project(make_project, "email", spy, outside_png)
    rendition = render(project, "t", "email", RECORD)
    images = email_images(rendition)
    # exactly the asset, attached inline with a Content-ID
    assert [(kind, data) for kind, _, data in images] == [("image/png", OK_PNG)]
    cid = images[0][1].strip("<>")
    assert cid
    html = email_html(rendition)
    assert f'src="cid:{cid}"' in html
    assert OUTSIDE_PNG not in rendition.content
    assert base64.b64encode(OUTSIDE_PNG) not in rendition.content
    warnings = "\n".join(w.message for w in rendition.warnings)
    for refused in ("file:///etc/hostname", "../outside.png", outside_png.as_uri()):
        assert refused in warnings, refused
    assert "root:" not in html  # /etc/passwd was not read into the CSS
    assert spy.connections == []


def test_mobile_refuses_outside_files_and_never_fetches(
    make_project: ProjectFactory, spy: Spy, outside_png: Path
) -> None:
    project = _html_channel_project(make_project, "mobile", spy, outside_png)
    rendition = render(project, "t", "mobile", RECORD)
    html = rendition.content.decode()
    inlined = "data:image/png;base64," + base64.b64encode(OK_PNG).decode()
    assert inlined in html
    assert base64.b64encode(OUTSIDE_PNG).decode() not in html
    assert html.count("data:image/") == 1
    warnings = "\n".join(w.message for w in rendition.warnings)
    for refused in ("file:///etc/hostname", "../outside.png", outside_png.as_uri()):
        assert refused in warnings, refused
    assert not any(img.get("src", "").startswith("file:") for img in Tags(html).named("img"))
    assert "root:" not in html
    assert spy.connections == []


def test_no_channel_contacts_the_network(
    make_project: ProjectFactory, spy: Spy, outside_png: Path
) -> None:
    """Every channel rendered with references to the spy server: it sees nothing."""
    for channel in ("print", "email", "mobile"):
        if channel == "print":
            layout = (
                f'<link rel="stylesheet" href="{spy.base}/p.css">'
                f'<img src="{spy.base}/p.png"><style>{{{{ css }}}}</style>{{{{ content }}}}'
            )
            project = make_project(
                f"![m]({spy.base}/m.png)\n",
                files={
                    "layouts/print.html": layout,
                    "styles/print.css": f"@import url({spy.base}/i.css);",
                },
            )
        else:
            project = _html_channel_project(make_project, channel, spy, outside_png)
        render(project, "t", channel, RECORD)
        sms_project = make_project(f"See {spy.base}/s.png\n")
        render(sms_project, "t", "sms", RECORD)
        assert spy.connections == [], channel


def test_svg_asset_cannot_read_outside_files(
    make_project: ProjectFactory, secret_file: Path, spy: Spy
) -> None:
    svg = textwrap.dedent(
        f"""\
        <?xml version="1.0"?>
        <!DOCTYPE svg [<!ENTITY leak SYSTEM "{secret_file.as_uri()}">]>
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
             width="300" height="100">
          <text x="5" y="20" font-size="12">SVGVISIBLE</text>
          <text x="5" y="40" font-size="12">&leak;</text>
          <image x="0" y="50" width="10" height="10" xlink:href="{spy.base}/svg.png"/>
          <image x="20" y="50" width="10" height="10" href="../../outside.png"/>
        </svg>
        """
    )
    project = make_project(
        files={"assets/pic.svg": svg, "layouts/print.html": '<img src="assets/pic.svg">'}
    )
    try:
        rendition = render(project, "t", "print", RECORD)
    except ProblemError:
        return
    text = pdf_text(rendition)
    assert SECRET not in text
    assert spy.connections == []
    assert pdf_images(rendition) == []


# 5. Markdown links authored in a block -------------------------------------------------------

AUTHORED_LINKS = """\
[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](<javascript:alert(1)>)
[d](jav&#x61;script:alert(1)) [e](&#106;avascript:alert(1)) [f](vbscript:msgbox(1))
[g](data:text/html;base64,PHNjcmlwdD4=) [h](file:///etc/passwd) <javascript:alert(1)>
![i](javascript:alert(1)) [j][ref] [k](java%0Ascript:alert(1))

[ref]: javascript:alert(1)

[safe](https://example.com/ok)
"""


@pytest.mark.parametrize("channel", ["email", "mobile"])
def test_authored_javascript_links_are_not_links(
    make_project: ProjectFactory, channel: str
) -> None:
    project = make_project(AUTHORED_LINKS)
    rendition = render(project, "t", channel, RECORD)
    html = email_html(rendition) if channel == "email" else rendition.content.decode()
    content = content_of(html)
    assert_no_unsafe_urls(html)
    hrefs = [a.get("href", "") for a in Tags(content).named("a")]
    assert hrefs == ["https://example.com/ok"]  # the positive control is a link
    assert not Tags(content).named("img")


def test_authored_javascript_links_are_not_pdf_links(make_project: ProjectFactory) -> None:
    project = make_project(AUTHORED_LINKS)
    rendition = render(project, "t", "print", RECORD)
    uris = pdf_link_uris(rendition)
    assert uris == ["https://example.com/ok"]


# 6. Symlinks ---------------------------------------------------------------------------------


def test_symlinks_in_assets_pointing_outside_are_refused(
    make_project: ProjectFactory, outside_png: Path, secret_file: Path, tmp_path: Path
) -> None:
    outside_dir = tmp_path / "outside_dir"
    outside_dir.mkdir()
    (outside_dir / "pic.png").write_bytes(OUTSIDE_PNG)
    layout_images = (
        '<img src="assets/link.png" alt="l">'
        '<img src="assets/dir/pic.png" alt="d">'
        '<img src="assets/secret.png" alt="s">'
        '<img src="assets/host.png" alt="h">'
    )
    layouts = {
        "layouts/print.html": layout_images + "{{ content }}",
        "layouts/mobile.html": layout_images + "{{ content }}",
        "layouts/email.html": layout_images + "{{ content }}",
    }
    project = make_project(files=layouts)
    assets = project.root / "assets"
    os.symlink(outside_png, assets / "link.png")
    os.symlink(outside_dir, assets / "dir")
    os.symlink(secret_file, assets / "secret.png")
    os.symlink("/etc/hostname", assets / "host.png")

    printed = render(project, "t", "print", RECORD)
    assert pdf_images(printed) == []
    printed_warnings = "\n".join(w.message for w in printed.warnings)
    assert "link.png" in printed_warnings and "dir/pic.png" in printed_warnings

    mailed = render(project, "t", "email", RECORD)
    assert email_images(mailed) == []
    assert OUTSIDE_PNG not in mailed.content and SECRET.encode() not in mailed.content
    assert "assets/link.png" in "\n".join(w.message for w in mailed.warnings)

    mobile = render(project, "t", "mobile", RECORD)
    page = mobile.content.decode()
    assert "data:" not in page
    assert base64.b64encode(secret_file.read_bytes()).decode() not in page
    assert "assets/secret.png" in "\n".join(w.message for w in mobile.warnings)


def test_symlink_inside_assets_to_an_asset_still_works(make_project: ProjectFactory) -> None:
    """The control for the test above: a link that stays in assets/ is followed."""
    project = make_project(files={"layouts/mobile.html": '<img src="assets/alias.png" alt="a">'})
    os.symlink(project.root / "assets" / "ok.png", project.root / "assets" / "alias.png")
    page = render(project, "t", "mobile", RECORD).content.decode()
    assert "data:image/png;base64," + base64.b64encode(OK_PNG).decode() in page


def test_font_symlinked_outside_assets_is_not_loaded(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    shipped = REPO / "resources" / "fonts" / "DejaVuSansMono.ttf"
    if not shipped.is_file():
        pytest.skip("no shipped font to copy")
    outside = tmp_path / "outside.ttf"
    outside.write_bytes(shipped.read_bytes())
    inside = make_project(files={"assets/fonts/own.ttf": shipped.read_bytes()})
    control = render(inside, "t", "print", RECORD)
    assert not any("own.ttf" in w.message for w in control.warnings)
    project = make_project()
    (project.root / "assets" / "fonts").mkdir()
    os.symlink(outside, project.root / "assets" / "fonts" / "evil.ttf")
    rendition = render(project, "t", "print", RECORD)
    assert any("evil.ttf" in w.message and "not loaded" in w.message for w in rendition.warnings)


SYMLINK_HOLE = (
    "HOLE: the project loader/layouts follow a symlink out of the project: {what} "
    "(studio/core/{where}) reads the target file and its content reaches the output"
)


@pytest.mark.parametrize(
    ("link", "template_block"),
    [
        pytest.param(
            "blocks/leak.md",
            "leak",
        ),
        pytest.param(
            "styles/mobile.css",
            "main",
        ),
        pytest.param(
            "layouts/mobile.html",
            "main",
        ),
    ],
)
def test_project_files_symlinked_outside_are_not_read(
    make_project: ProjectFactory, secret_file: Path, link: str, template_block: str
) -> None:
    project = make_project(template={"body": [{"block": template_block}]})
    target = project.root / link
    target.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(secret_file, target)
    try:
        project = load_project(project.root)
        rendition = render(project, "t", "mobile", RECORD)
    except ProblemError:
        return  # refusing the file is the safe outcome
    assert SECRET.encode() not in rendition.content


# Resource limits -----------------------------------------------------------------------------

RUNNER = """
import resource, sys, tempfile
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from studio.core.project import load_project
from studio.core.render import render
from studio.core.problems import ProblemError
try:
    render(load_project(sys.argv[1]), "t", "sms", {"customer": {"name": "x"}})
except ProblemError as exc:
    print("PROBLEM", exc.problem.message)
else:
    print("RENDERED")
"""
LIMIT_SECONDS = 8


def _render_in_subprocess(project: Project) -> subprocess.CompletedProcess[str] | None:
    """Render in a child with a memory cap; None when it did not finish in time."""
    try:
        return subprocess.run(
            [sys.executable, "-c", RUNNER, str(project.root)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=LIMIT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return None


def test_subprocess_runner_control(make_project: ProjectFactory) -> None:
    """The harness of the resource tests works: a normal block renders, a bad one is refused."""
    done = _render_in_subprocess(make_project("Hi {{ customer.name }}\n"))
    assert done is not None and done.stdout.strip() == "RENDERED", done
    refused = _render_in_subprocess(make_project("{{ range(10**9)|list }}\n"))
    assert refused is not None and "range: more than" in refused.stdout, refused


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(
            "{{ 9**(9**9) }}",
        ),
        pytest.param(
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        ),
        pytest.param(
            "{{ 'a' * 10**8 }}",
        ),
    ],
)
def test_resource_exhaustion_is_refused(make_project: ProjectFactory, payload: str) -> None:
    done = _render_in_subprocess(make_project(payload + "\n"))
    assert done is not None, f"render still running after {LIMIT_SECONDS}s"
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("PROBLEM"), done.stdout[:200]
    assert "MemoryError" not in done.stdout


def test_huge_constant_is_a_problem_not_a_crash(make_project: ProjectFactory) -> None:
    project = make_project("{{ 10**5000 }}\n")
    with pytest.raises(ProblemError):
        render(project, "t", "sms", RECORD)


# Markers the checks above rely on -------------------------------------------------------------


def test_helpers_detect_what_they_look_for(make_project: ProjectFactory) -> None:
    """The detectors can fail: they see an image, a javascript href and an event handler."""
    tags = Tags('<a href=" JavaScript:x">a</a><img src="x" onerror="y">')
    assert tags.event_handlers() == ["onerror"]
    with pytest.raises(AssertionError):
        assert_no_unsafe_urls('<a href=" JavaScript:x">a</a>')
    project = make_project(files={"layouts/print.html": '<img src="assets/ok.png">'})
    assert pdf_images(render(project, "t", "print", RECORD))
