"""Compare two versions of a project: its source (lines and words) and what each channel then
sends (rendered diffs). One module a topic:

- ``text``: word and line diffs of two texts;
- ``source``: the files changed between two revisions, each as a word and line diff;
- ``html``: the visible text of each block of an email or mobile page, compared;
- ``pages``: PDF pages rasterized and compared, changed regions outlined;
- ``rendered``: a template on one channel at two revisions, with a record each accepts.

Terminal output (colours, unified text) is the CLI's: ``studio.cli.terminal``."""

from studio.core.diff.html import BlockChange, HtmlDiff, html_blocks, html_diff
from studio.core.diff.pages import (
    PageChange,
    PrintDiff,
    Region,
    changed_regions,
    page_images,
    print_diff,
    side_by_side,
)
from studio.core.diff.rendered import (
    RenderedDiff,
    compare_channel,
    iter_changed_blocks,
    rendered_diff,
)
from studio.core.diff.source import FileDiff, SourceDiff, file_diff, resolve_revision, source_diff
from studio.core.diff.text import (
    DELETE,
    EQUAL,
    INSERT,
    LAYOUT,
    DiffLine,
    Hunk,
    Segment,
    TextDiff,
    line_diff,
    word_diff,
    word_spans,
)

__all__ = [
    "DELETE", "EQUAL", "INSERT", "LAYOUT", "BlockChange", "DiffLine", "FileDiff", "HtmlDiff",
    "Hunk", "PageChange", "PrintDiff", "Region", "RenderedDiff", "Segment", "SourceDiff",
    "TextDiff", "changed_regions", "compare_channel", "file_diff", "html_blocks", "html_diff",
    "iter_changed_blocks",
    "line_diff", "page_images", "print_diff", "rendered_diff", "resolve_revision", "side_by_side",
    "source_diff", "word_diff", "word_spans",
]
