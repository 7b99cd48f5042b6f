"""User operations: profile, settings, transfer ids."""

from typing import Any

from rayvision_api.operators.base import Operator


class User(Operator):
    """The account's profile and settings."""

    def query_user_profile(self) -> Any:
        """Get the user's profile (userId, userName, platform, phone, email, ...).

        Returns:
            dict: The profile.
        """
        return self._call("query_user_profile")

    def query_user_setting(self) -> Any:
        """Get the user's settings (shareMainCapital, taskOverTime, ...).

        Returns:
            dict: The settings.
        """
        return self._call("query_user_setting")

    def update_user_settings(self, task_over_time: int) -> Any:
        """Set the default task overtime.

        Args:
            task_over_time (int): Overtime in seconds (sent as ``taskOverTimeSec``).
        """
        return self._call("update_user_settings", task_over_time=task_over_time)

    def get_transfer_bid(self) -> Any:
        """Get the storage ids used by transfers.

        Returns:
            dict: ``config_bid``, ``output_bid``, ``input_bid`` (and ``parent_input_bid``).
        """
        return self._call("get_transfer_bid")
