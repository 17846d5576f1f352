"""`python -m flywheel` runs the command line."""

import sys

from flywheel.cli.commands import main

sys.exit(main())
