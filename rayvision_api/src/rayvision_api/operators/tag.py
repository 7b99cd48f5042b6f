"""Label (project name) operations."""

from typing import Any, Union

from rayvision_api.operators.base import Operator


class Tag(Operator):
    """Labels, which the service also calls projects."""

    def add_label(self, new_name: str, status: Union[int, str] = 1) -> Any:
        """Add a label.

        Args:
            new_name (str): Label name.
            status (int): 0 open, 1 closed.
        """
        return self._call("add_label", new_name=new_name, status=status)

    def delete_label(self, del_name: str) -> Any:
        """Delete a label.

        Args:
            del_name (str): Label name.
        """
        return self._call("delete_label", del_name=del_name)

    def get_label_list(self) -> Any:
        """Get every label.

        Returns:
            dict: ``{"projectNameList": [{"projectId": ..., "projectName": ...}]}``.
        """
        return self._call("get_label_list")

    def get_project_list(self) -> Any:
        """Get every label as a list of ``{"projectId", "projectName"}``."""
        return self._call("get_project_list")
