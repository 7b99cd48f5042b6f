"""The common core of the operator classes: one table lookup, one signed POST."""

from rayvision_api import reconcile
from rayvision_api.operations import OPERATIONS, build_body


class Operator(object):
    """Base of ``User``, ``Task``, ``Query``, ``Tag`` and ``RenderEnv``.

    Args:
        connect (rayvision_api.connect.Connect): The connection requests go through.
    """

    def __init__(self, connect):
        self.connect = connect

    def _call(self, _operation, **arguments):
        """Run the operation ``_operation`` of the table with the method's arguments."""
        operation = OPERATIONS[_operation]
        body = build_body(operation, arguments, {"domain": self.connect.domain})
        data = reconcile.run(self.connect, operation, body)
        if operation.result is not None:
            return operation.result(data)
        return data
