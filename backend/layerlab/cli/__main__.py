"""`python -m layerlab.cli ...`: the `layerlab` command (how local workers are started)."""

import sys

from layerlab.cli import main

sys.exit(main())
