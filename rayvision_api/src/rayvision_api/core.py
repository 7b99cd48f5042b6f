"""``RayvisionAPI``: the entry point of the SDK."""

import logging
from typing import Any, Dict, Optional, Union

from rayvision_api import task_ids
from rayvision_api.connect import Connect
from rayvision_api.exception import RayvisonTaskIdError
from rayvision_api.operators import Query, RenderEnv, Tag, Task, User
from rayvision_api.profiles import build_session, resolve
from rayvision_api.utils import hump2underline

_DOCUMENTED_DEFAULTS = {"domain": "task.renderbus.com", "platform": "4", "protocol": "https",
                        "local_os": "windows"}

class RayvisionAPI(object):
    """A logged-in client of the Renderbus API.

    Construction logs in: it reads the user's profile, settings and transfer ids into
    :attr:`user_info`.

    Args:
        access_id (str): Access id (falls back to ``RAYVISION_ACCESS_ID``).
        access_key (str): Access key (falls back to ``RAYVISION_ACCESS_KEY``).
        domain (str): ``task.renderbus.com`` (China) or ``jop.foxrenderfarm.com``.
        platform (str): Platform id.
        protocol (str): ``https`` or ``http``.
        local_os (str): ``windows`` or ``linux``: the OS of the files to upload.
        logger (logging.Logger, optional): Logger to use.
        profile (str, optional): A profile of the config file (``RAYVISION_PROFILE`` when
            not given; see ``docs/configuration.md``). Each setting comes from the
            argument, else the environment, else the profile; its proxy and CA bundle apply
            to the API and to the storage.
        **connect_options: ``timeout``, ``max_attempts``, ``backoff_factor``, ``backoff_max``,
            ``headers``, ``session``, ``retry_policy``: passed to
            :class:`~rayvision_api.connect.Connect` (``retry_policy``: see docs/retries.md).

    Attributes:
        user_info (dict): ``local_os``, ``domain``, ``platform`` and the login data in
            snake_case (``user_id``, ``user_name``, ``config_bid``, ``input_bid``,
            ``output_bid``, ...). Assignable.
        user, task, query, tag, env: The operators.
        connect (Connect): The connection.
    """

    def __init__(self, access_id: Optional[str] = None, access_key: Optional[str] = None,
                 domain: str = "task.renderbus.com", platform: str = "4",
                 protocol: str = "https", local_os: str = "windows",
                 logger: Optional[logging.Logger] = None,
                 profile: Union[str, bool, None] = None, **connect_options: Any) -> None:
        self.logger = logger or logging.getLogger(__name__)
        chosen = resolve(dict(access_id=access_id, access_key=access_key, domain=domain,
                              platform=platform, protocol=protocol, local_os=local_os),
                         profile, defaults=_DOCUMENTED_DEFAULTS)
        if connect_options.get("session") is None:
            connect_options["session"] = build_session(chosen)
        self.connect = Connect(chosen["access_id"], chosen["access_key"], chosen["protocol"],
                               chosen["domain"], chosen["platform"], **connect_options)
        self.user_info: Dict[str, Any] = {"local_os": chosen["local_os"],
                                          "domain": self.connect.domain,
                                          "platform": self.connect.platform}
        self.user = User(self.connect)
        self.task = Task(self.connect)
        self.query = Query(self.connect)
        self.tag = Tag(self.connect)
        self.env = RenderEnv(self.connect)
        self._login()

    def __repr__(self) -> str:
        return "RayvisionAPI({0!r})".format(self.connect)

    def _login(self) -> None:
        """Read profile, settings and transfer ids into ``user_info``."""
        merged: Dict[str, Any] = {}
        for data in (self.user.query_user_profile(), self.user.query_user_setting(),
                     self.user.get_transfer_bid()):
            merged.update(data or {})
        for key, value in merged.items():
            key = hump2underline(key)
            if key != "platform":
                self.user_info[key] = value

    def get_task_id(self) -> str:
        """Create one task id.

        Returns:
            str: The task id.

        Raises:
            RayvisionError: 1000000 when the service returned no id.
        """
        return task_ids.create_task_id(self.task)

    def get_user_id(self) -> str:
        """Read the user id from a fresh profile.

        Returns:
            str: The user id.

        Raises:
            RayvisionError: 1000000 when the profile has no userId.
        """
        return task_ids.read_user_id(self.user)

    def check_and_add_project_name(self, project_name: str) -> str:
        """Return the id of the label ``project_name``, creating the label when missing.

        Args:
            project_name (str): Label name.

        Returns:
            str: The label id, or ``''`` when the service did not create it.
        """
        return task_ids.project_label_id(self.tag, project_name, self.logger)

    def submit(self, task_id: int) -> bool:
        """Submit a task.

        Args:
            task_id (int): Task id (an int, as the original requires).

        Returns:
            bool: True.

        Raises:
            RayvisonTaskIdError: ``task_id`` is not an int.
        """
        if not isinstance(task_id, int) or isinstance(task_id, bool):
            raise RayvisonTaskIdError(10006, "task_id must int !!!!")
        self.task.submit_task(task_id)
        return True
