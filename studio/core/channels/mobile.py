"""Mobile: the composed content as one self-contained responsive page (images inlined)."""

from __future__ import annotations

import base64
import html as html_lib
import re

from studio.core import wording
from studio.core.channels import CHANNELS, Rendition
from studio.core.compose import Composition
from studio.core.fetch import AssetResolver, FetchRefused
from studio.core.layouts import render_layout, shell_context
from studio.core.messages import msg
from studio.core.problems import Problem, warning

# Phone screens the preview shows the page in (CSS pixels), the common ones of today.
VIEWPORTS: tuple[dict[str, object], ...] = (
    {"name": "Small Android", "width": 360, "height": 800},
    {"name": "iPhone 15", "width": 393, "height": 852},
    {"name": "iPhone 15 Pro Max", "width": 430, "height": 932},
    {"name": "Compact (iPhone SE)", "width": 320, "height": 568},
)
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")', re.I)


def final_html(composition: Composition, resolver: AssetResolver, warnings: list[Problem]) -> str:
    project = composition.project
    context = shell_context(project, composition)
    page = render_layout(project, "mobile", context)

    def inline(match: re.Match[str]) -> str:
        # A web view or app inbox shows the page without the project beside it.
        src = html_lib.unescape(match.group(2))
        if src.startswith(("data:", "https://")):
            return match.group(0)
        try:
            data, media_type = resolver.read(src)
        except FetchRefused as exc:
            warnings.append(warning(composition.template.path, 0, 0,
                                    msg("mobile: {reason}", reason=exc)))
            return f"{match.group(1)}{match.group(3)}"
        encoded = base64.b64encode(data).decode("ascii")
        return f"{match.group(1)}data:{media_type};base64,{encoded}{match.group(3)}"

    return _IMG_SRC.sub(inline, page)


def wording_problems(composition: Composition, *, laid_out: bool) -> list[Problem]:
    """The regulatory wording as the page shows it (studio/core/wording.py)."""
    from studio.core.channels.print import screen_of

    if not wording.to_check(composition, "mobile", laid_out):
        return []
    page = final_html(composition, AssetResolver(composition.project.root), [])
    # The narrowest phone the preview shows: where a stylesheet squeezes most.
    width = int(str(VIEWPORTS[0]["width"]))
    return wording.check_screens(composition, page, "mobile",
                                 layout=screen_of(composition, width) if laid_out else None)


def render(composition: Composition) -> Rendition:
    warnings: list[Problem] = []
    page = final_html(composition, AssetResolver(composition.project.root), warnings)
    data = page.encode("utf-8")
    return Rendition(
        template=composition.template.name,
        channel="mobile",
        locale=composition.locale,
        content=data,
        media_type=CHANNELS["mobile"].media_type,
        extension=CHANNELS["mobile"].extension,
        facts={"bytes": len(data), "title": composition.title, "viewports": list(VIEWPORTS)},
        warnings=tuple(warnings),
        used_blocks=composition.used_blocks,
    )
