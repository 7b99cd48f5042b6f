"""Exit codes of ``rayvision`` (documented in ``docs/cli.md``; scripts and plugins rely on them)."""

OK = 0
#: The farm or the SDK refused the operation (a business error, a failed transfer).
ERROR = 1
#: Wrong command-line usage (argparse's own code).
USAGE = 2
#: Missing or refused credentials, a missing profile, a bad config file.
CONFIG = 3
#: The farm cannot be reached, or it speaks another protocol (http / https).
UNREACHABLE = 4
#: ``wait``: the task ended with failed frames or failed (30, 45).
TASK_FAILED = 5
#: ``wait``: the task ended without rendering (stopped, aborted, arrears, timeout).
TASK_STOPPED = 6
#: ``wait --timeout``: still running when the time was up.
TIMEOUT = 7
#: ``doctor``: at least one check failed.
CHECK_FAILED = 8
#: A change was sent, its answer was lost and the farm cannot show whether it happened
#: (``RayvisionOutcomeUnknownError``): it was not sent again; look before asking again.
OUTCOME_UNKNOWN = 9
#: Interrupted by Ctrl-C / SIGTERM (the operation was cancelled).
INTERRUPTED = 130

#: Explanation kind (``rayvision_api.diagnose``) -> exit code.
BY_KIND = {
    "protocol": UNREACHABLE,
    "unreachable": UNREACHABLE,
    "credentials": CONFIG,
    "argument": CONFIG,
    "farm": ERROR,
    "sdk": ERROR,
    "internal": ERROR,
    "interrupted": INTERRUPTED,
}
