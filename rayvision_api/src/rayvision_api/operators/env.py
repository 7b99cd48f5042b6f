"""Render environment operations."""

from typing import TYPE_CHECKING, Any, Mapping, Union

from rayvision_api.operators.base import Operator

if TYPE_CHECKING:  # attrs stays out of the import of rayvision_api.
    from rayvision_api.fields import Env


class RenderEnv(Operator):
    """Saved render environments (DCC version + plugins)."""

    def add_render_env(self, render_env: Union[Mapping[str, Any], "Env"]) -> Any:
        """Add a render environment.

        Args:
            render_env (dict or rayvision_api.fields.Env): Exactly the keys ``cgId``,
                ``cgName``, ``cgVersion``, ``renderLayerType``, ``editName``,
                ``renderSystem``, ``pluginIds``.

        Raises:
            RayvisionArgumentError: A key is missing or unknown (also a TypeError).
        """
        return self._call("add_render_env", render_env=render_env)

    def update_render_env(self, render_env: Union[Mapping[str, Any], "Env"]) -> Any:
        """Update a render environment (same shape as :meth:`add_render_env`)."""
        return self._call("update_render_env", render_env=render_env)

    def delete_render_env(self, edit_name: str) -> Any:
        """Delete a render environment.

        Args:
            edit_name (str): The environment's name.
        """
        return self._call("delete_render_env", edit_name=edit_name)

    def set_default_render_env(self, edit_name: str) -> Any:
        """Make a render environment the default one.

        Args:
            edit_name (str): The environment's name.
        """
        return self._call("set_default_render_env", edit_name=edit_name)

    def get_render_env(self, name: str) -> Any:
        """Get the render environments of a DCC.

        Args:
            name (str): DCC name, e.g. ``"maya"`` or ``"3dsmax"`` (any case and spacing).

        Raises:
            RayvisionLookupError: Unknown DCC (also a KeyError).
        """
        return self._call("get_render_env", name=name)
