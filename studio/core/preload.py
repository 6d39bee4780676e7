"""What every render worker needs, imported once by the fork server its workers are forked from.

A worker spawned afresh imports the render stack itself: about a second of processor time
(WeasyPrint, Jinja, markdown-it, jsonschema, MJML, Babel's locale data...). The studio starts
four workers beside its window on what may be a two-core machine; imported once here and
inherited by each fork, the window, the first previews and a worker replaced after a
runaway template no longer wait for four imports of the same modules (see jobs.worker_pool).

Only imports: nothing here may start a thread or open a library's state a fork cannot share
(the fonts are set up in each worker, by jobs.warm_up). A module that fails to import is left
to fail where it is used, with its message.
"""

from __future__ import annotations

import importlib

MODULES = (
    "studio.core.jobs",
    "studio.core.render",
    "studio.core.validate",
    "studio.core.batch",  # the rendering server's workers
    "studio.core.mailview",
    "studio.core.channels.print",
    "studio.core.channels.email",
    "studio.core.channels.mobile",
    "studio.core.channels.sms",
    # imported inside functions on a worker's first rendition
    "jsonschema",
    "mjml",
    "css_inline",
    "babel.dates",
    "babel.numbers",
)

for _name in MODULES:
    try:
        importlib.import_module(_name)
    except Exception:  # noqa: BLE001, S112 - reported where it is used, with its message
        continue
