"""The common core of the operator classes: one table lookup, one signed POST."""

from typing import TYPE_CHECKING, Any, Union

from rayvision_api import reconcile
from rayvision_api.operations import OPERATIONS, build_body

if TYPE_CHECKING:
    from rayvision_api.connect import Connect


#: A task or frame id: the service takes the int, or its decimal string.
TaskId = Union[int, str]


class Operator(object):
    """Base of ``User``, ``Task``, ``Query``, ``Tag`` and ``RenderEnv``.

    Args:
        connect (rayvision_api.connect.Connect): The connection requests go through.
    """

    def __init__(self, connect: "Connect") -> None:
        self.connect = connect

    def _call(self, _operation: str, **arguments: Any) -> Any:
        """Run the operation ``_operation`` of the table with the method's arguments."""
        operation = OPERATIONS[_operation]
        body = build_body(operation, arguments, {"domain": self.connect.domain})
        data = reconcile.run(self.connect, operation, body)
        if operation.result is not None:
            return operation.result(data)
        return data
