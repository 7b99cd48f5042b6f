"""The retry table of docs/retries.md, generated from the operation table."""

from rayvision_api.operations import IDEMPOTENT, OPERATIONS, READ

POLICY = {
    READ: "retried",
    IDEMPOTENT: "retried",
}
RECONCILED = "sent once; reconciled"

HEADER = ["| operation | path | class | after a lost answer | why |",
          "|---|---|---|---|---|"]


def rows():
    """Markdown rows, one per operation, in the order of the operation table."""
    lines = []
    for name, operation in OPERATIONS.items():
        lines.append("| `{0}` | `{1}` | {2} | {3} | {4} |".format(
            name, operation.path, operation.safety,
            POLICY.get(operation.safety, RECONCILED), operation.why))
    return lines


def table():
    """The whole table as docs/retries.md holds it."""
    return "\n".join(HEADER + rows())


if __name__ == "__main__":
    print(table())
