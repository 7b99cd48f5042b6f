"""Structured request fields (``Env``: a render environment)."""

from typing import Any, Dict, List

import attr

from rayvision_api.exception import RayvisionArgumentError


# Mutable, like the original's ``@attrs`` class: scripts change a field and send it again.
@attr.s
class Env(object):
    """A render environment, as ``addRenderEnv``/``updateRenderEnv`` take it.

    All seven keys are required and no other key is accepted; the body is sent with the keys
    in this order.

    Attributes:
        cgId (int): DCC id (``constants.DCC_ID_MAPPINGS``).
        cgName (str): DCC name, e.g. ``"Maya"``.
        cgVersion (str): DCC version, e.g. ``"2018"``.
        renderLayerType (int): 0 render layer, 1 render setup (Maya).
        editName (str): The environment's name (unique per user).
        renderSystem (int): 0 Linux, 1 Windows.
        pluginIds (list[int]): Plugin ids (``querySupportedPlugin``).
    """

    cgId: int = attr.ib()
    cgName: str = attr.ib()
    cgVersion: str = attr.ib()
    renderLayerType: int = attr.ib()
    editName: str = attr.ib()
    renderSystem: int = attr.ib()
    pluginIds: List[int] = attr.ib()

    def to_dict(self) -> Dict[str, Any]:
        """The body dict, keys in the documented order."""
        return attr.asdict(self, recurse=False)

    @classmethod
    def field_names(cls) -> List[str]:
        """The seven key names in order."""
        return [field.name for field in attr.fields(cls)]

    @classmethod
    def coerce(cls, value: Any, arg: str = "render_env") -> "Env":
        """Return ``value`` as an ``Env``: an instance as is, a dict checked key by key.

        Raises:
            RayvisionArgumentError: ``value`` is neither, or a dict lacks or adds keys.
        """
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise RayvisionArgumentError("{0} must be a dict or rayvision_api.fields.Env, "
                                         "got {1}".format(arg, type(value).__name__))
        names = cls.field_names()
        missing = [name for name in names if name not in value]
        extra = sorted(key for key in value if key not in names)
        if missing or extra:
            problems = []
            if missing:
                problems.append("missing " + ", ".join(missing))
            if extra:
                problems.append("unknown " + ", ".join(extra))
            raise RayvisionArgumentError("{0}: {1} (expected exactly {2})".format(
                arg, "; ".join(problems), ", ".join(names)))
        return cls(**value)
