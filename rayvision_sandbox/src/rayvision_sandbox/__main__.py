"""``python -m rayvision_sandbox``: the same as the ``rayvision-sandbox`` command."""

import sys

from rayvision_sandbox.cli import main

sys.exit(main())
