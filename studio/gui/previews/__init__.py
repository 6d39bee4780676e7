"""The channel previews: one self-contained pane a channel, each fed a finished Rendition."""

from __future__ import annotations

from collections.abc import Mapping

from studio.gui.previews.base import PreviewPane
from studio.gui.previews.print import PrintPreview
from studio.gui.previews.sms import SmsPreview
from studio.gui.previews.web import EmailPreview, MobilePreview

#: The pane class for each channel, so a window can build its previews from the channel list.
PREVIEW_PANES: Mapping[str, type[PreviewPane]] = {
    "print": PrintPreview,
    "email": EmailPreview,
    "mobile": MobilePreview,
    "sms": SmsPreview,
}

__all__ = [
    "PREVIEW_PANES",
    "EmailPreview",
    "MobilePreview",
    "PreviewPane",
    "PrintPreview",
    "SmsPreview",
]
