"""``python -m rayvision_cli``: the same as the ``rayvision`` command."""

import sys

from rayvision_cli.main import main

sys.exit(main())
