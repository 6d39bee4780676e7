"""`python -m studio.cli`: the `missiva` command."""

import sys

from studio.cli import main

sys.exit(main())
