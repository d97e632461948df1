"""`python -m ui.cli`: the `genai` command from this checkout."""

import sys

from ui.cli.main import main

sys.exit(main())
