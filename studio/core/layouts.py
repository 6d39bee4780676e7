"""Channel shells: the layout (HTML) and style (CSS) that wrap composed content, per channel."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import babel
import babel.dates
from jinja2 import ChainableUndefined, TemplateSyntaxError
from markupsafe import Markup

from studio.core.channels import CHANNELS
from studio.core.engine import BoundedSandbox, located_error, render_bounded
from studio.core.messages import msg
from studio.core.problems import ProblemError, error
from studio.core.project import Project, inside
from studio.core.resources import resources_dir
from studio.core.senddate import send_day

# Words the default shells print themselves, per language; a project layout may use its own.
LABELS: Mapping[str, Mapping[str, str]] = {
    "it": {"page": "Pagina", "of": "di", "vat": "P.IVA", "recipient": "Destinatario",
           "office": "Sede legale", "capital": "Cap. soc.", "paid": "i.v.",
           "register": "Reg. Imprese", "rea": "REA"},
    "en": {"page": "Page", "of": "of", "vat": "VAT", "recipient": "Recipient",
           "office": "Registered office", "capital": "Share capital", "paid": "fully paid",
           "register": "Company register", "rea": "REA"},
    "de": {"page": "Seite", "of": "von", "vat": "USt-IdNr.", "recipient": "Empfänger",
           "office": "Sitz", "capital": "Stammkapital", "paid": "voll eingezahlt",
           "register": "Handelsregister", "rea": "REA"},
    "fr": {"page": "Page", "of": "sur", "vat": "TVA", "recipient": "Destinataire",
           "office": "Siège social", "capital": "Capital social", "paid": "entièrement libéré",
           "register": "Registre du commerce", "rea": "REA"},
    "es": {"page": "Página", "of": "de", "vat": "NIF", "recipient": "Destinatario",
           "office": "Domicilio social", "capital": "Capital social", "paid": "desembolsado",
           "register": "Registro Mercantil", "rea": "REA"},
}
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})
_CSS_VALUE = re.compile(r"^[#\w\s,.()%+-]*$")


def labels(locale: str) -> Mapping[str, str]:
    return LABELS.get(locale.split("_")[0].split("-")[0], LABELS["en"])


def text_direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0].split("-")[0] in RTL_LANGUAGES else "ltr"


def css_string(value: Any) -> Markup:
    """A quoted CSS string that cannot end its declaration, its rule or the <style> element."""
    out = []
    for ch in str(value):
        if ch in "\"\\<>&'" or ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def css_value(value: Any) -> Markup:
    """A colour or length from studio.yaml, refused when it could smuggle in CSS."""
    text = str(value)
    if not _CSS_VALUE.match(text):
        return Markup("initial")
    return Markup(text)


# Brand tokens are optional, so a layout may name one a project does not set.
_ENV = BoundedSandbox(
    autoescape=True, undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True
)
_ENV.filters["css_string"] = css_string
_ENV.filters["css_value"] = css_value


# The layout kinds a channel accepts, preferred first: email is written in MJML, or in HTML
# by a project that wants full control.
LAYOUT_SUFFIXES: Mapping[str, tuple[str, ...]] = {
    name: channel.layouts for name, channel in CHANNELS.items() if channel.layouts
}


def layout_file(project: Project, channel: str) -> tuple[Path, str]:
    """The layout for a channel: the project's layouts/<channel>.<suffix>, else the default."""
    suffixes = LAYOUT_SUFFIXES.get(channel, (".html",))
    for suffix in suffixes:
        own = project.root / "layouts" / f"{channel}{suffix}"
        if own.is_file():
            _check_inside(project, own, f"layouts/{channel}{suffix}")
            return own, f"layouts/{channel}{suffix}"
    name = f"{channel}{suffixes[0]}"
    return resources_dir() / "layouts" / name, f"(default)/layouts/{name}"


def brand_variables(brand: Mapping[str, Any]) -> str:
    """The brand colours as CSS custom properties, for stylesheets that use var(--brand-…)."""
    defaults = {"primary": "#1f4e79", "accent": "#e07b00", "text": "#1d1d1f"}
    return (
        ":root { "
        + " ".join(
            f"--brand-{key}: {css_value(brand.get(key) or value)};"
            for key, value in defaults.items()
        )
        + " }"
    )


def style_files(project: Project, channel: str) -> list[tuple[Path, str]]:
    """The default stylesheet of a channel, then the project's styles/<channel>.css on top."""
    files = [(resources_dir() / "styles" / f"{channel}.css", f"(default)/styles/{channel}.css")]
    own = project.root / "styles" / f"{channel}.css"
    if own.is_file():
        _check_inside(project, own, f"styles/{channel}.css")
        files.append((own, f"styles/{channel}.css"))
    return files


def named_styles(project: Project) -> list[str]:
    """The project's named paragraph styles: every `p.NAME` class of the print stylesheets
    (ours, then the project's styles/print.css), which a paragraph takes with ` {.NAME}`."""
    names: set[str] = set()
    for path, _label in style_files(project, "print"):
        try:
            css = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        names.update(re.findall(r"(?<![\w.#-])p\.([A-Za-z][\w-]*)", css))
    return sorted(names)


def _check_inside(project: Project, path: Path, label: str) -> None:
    if not inside(project.root, path):
        raise ProblemError(error(label, 0, 0, msg("links outside the project; not read")))


@functools.lru_cache(maxsize=256)
def _compiled(source: str, label: str) -> Any:
    code = _ENV.compile(source, name=label, filename=label)
    return _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None), None)


@functools.lru_cache(maxsize=256)
def _read(path: Path, mtime_ns: int) -> str:
    return path.read_text(encoding="utf-8")


def read_cached(path: Path, label: str) -> str:
    """Read a shell file, re-reading only when it changed on disk (previews render often)."""
    try:
        return _read(path, path.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemError(error(label, 0, 0, msg("cannot read: {reason}", reason=exc))) from None


def channel_css(project: Project, channel: str) -> str:
    return "\n".join(read_cached(path, label) for path, label in style_files(project, channel))


def render_layout(project: Project, channel: str, context: Mapping[str, Any]) -> str:
    return render_layout_file(project, channel, context)[0]


def render_layout_file(
    project: Project, channel: str, context: Mapping[str, Any]
) -> tuple[str, str]:
    """The filled-in layout and its label (the file it came from, for problems)."""
    path, label = layout_file(project, channel)
    source = read_cached(path, label)
    try:
        template = _compiled(source, label)
    except TemplateSyntaxError as exc:
        raise ProblemError(error(label, exc.lineno or 0, 0,
                                 msg("Jinja: {reason}", reason=exc.message))) from None
    try:
        return render_bounded(template, context), label
    except Exception as exc:  # noqa: BLE001 - a broken layout is the author's to fix
        raise ProblemError(located_error(exc, label, 0)) from None


def date_line(brand: Mapping[str, Any], locale: str, send_date: str) -> str:
    """A letter's place and date in the locale's long form: "Milano, 1 dicembre 2026".
    The place is brand.place (a string, or one per locale); without it, the date alone."""
    if not send_date:
        return ""
    try:
        day = babel.dates.format_date(send_day(send_date), format="long",
                                      locale=babel.Locale.parse(locale.replace("-", "_")))
    except (ValueError, babel.UnknownLocaleError):
        day = send_day(send_date).isoformat()
    place = brand.get("place")
    if isinstance(place, Mapping):
        place = place.get(locale, place.get(locale.split("_")[0]))
    return f"{place}, {day}" if place else day


def company_details(brand: Mapping[str, Any], locale: str) -> list[str]:
    """The registration details a company's letters state (art. 2250 c.c. in Italy: registered
    office, paid-up share capital, company register and REA numbers), from brand:."""
    words = labels(locale)
    details = []
    if brand.get("registered_office"):
        details.append(f"{words['office']}: {brand['registered_office']}")
    if brand.get("share_capital"):
        details.append(f"{words['capital']} {brand['share_capital']} {words['paid']}")
    if brand.get("company_register"):
        details.append(f"{words['register']} {brand['company_register']}")
    if brand.get("rea"):
        details.append(f"{words['rea']} {brand['rea']}")
    return details


def shell_context(
    project: Project, composition: Any, *, content: str | None = None, css: str | None = None,
    logo: str | None = None,
) -> dict[str, Any]:
    """What every default layout can use. By default the composed blocks, the channel's
    stylesheets and the brand logo."""
    brand = dict(project.config.brand)
    if content is None:
        content = composition.html
    if css is None:
        css = channel_css(project, composition.channel)
    if logo is None and brand.get("logo"):
        logo = str(brand["logo"])
    vat = brand.get("vat")
    footer = str(brand.get("company") or "")
    if vat:
        footer += f" · {labels(composition.locale)['vat']} {vat}"
    return {
        "company_details": company_details(brand, composition.locale),
        "lang": composition.locale.replace("_", "-"),
        "dir": text_direction(composition.locale),
        "title": composition.title,
        "subject": composition.subject,
        "preheader": composition.preheader,
        "content": Markup(content),
        "address": Markup(composition.address_html),
        "css": Markup(css.replace("</", "<\\/")),
        "brand": brand,
        "labels": labels(composition.locale),
        "footer_line": footer,
        "date_line": date_line(brand, composition.locale, getattr(composition, "send_date", "")),
        "logo": logo,
        "template": composition.template.name,
        "channel": composition.channel,
        "locale": composition.locale,
        "record": composition.record,
    }
