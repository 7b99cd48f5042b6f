"""Settings for the whole test suite."""

import os
import tempfile

# Keep the SDK's log files out of the tester's home folder. Set before any rayvision package
# is imported (each one configures its logger on import).
os.environ.setdefault("RAYVISION_LOG_ROOT", tempfile.mkdtemp(prefix="rayvision-test-logs-"))
