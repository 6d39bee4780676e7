"""The entry point of the built Missiva Studio application (PyInstaller, one folder).

Started with no arguments (a double click, the desktop entry) it opens the studio; with
arguments it is the `missiva` command. Worker processes (the studio renders in them) re-enter
here, so `freeze_support()` must run first.
"""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()
    from studio.core.doctor import FROZEN_PROBE_ARGUMENT

    arguments = sys.argv[1:]
    if arguments[:1] == [FROZEN_PROBE_ARGUMENT]:
        from studio.gui.probe import main as probe

        return probe()
    from studio.core.checks.axe import FROZEN_ARGUMENT as AXE_RUNNER

    if arguments[:1] == [AXE_RUNNER]:  # missiva check's axe child (studio.gui.axe_runner)
        from studio.gui.axe_runner import main as axe_runner

        return axe_runner()
    from studio.cli import main as cli

    return cli(arguments or ["open"])


if __name__ == "__main__":
    sys.exit(main())
