"""``RayvisionTransfer``: transfer settings of a user, and the transmitter's command lines."""

import json
import logging
import os
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

from rayvision_api.exception import RayvisionArgumentError
from rayvision_sync.constants import DEFAULT_MAX_SPEED
from rayvision_sync.transmitter import PACKAGE_DIR, build_argv, documented_location, host_os

if TYPE_CHECKING:
    from rayvision_sync.manage import RayvisionManageTask

TRANSPORTS_JSON = os.path.join(PACKAGE_DIR, "transmission", "transports.json")

# Platform id -> suffix of the transports.json key.
PLATFORM_ALIAS = {"2": "www2", "3": "www3", "6": "www6", "20": "pic", "21": "gpu"}

BID_KEYS = ("config_bid", "input_bid", "output_bid")


class RayvisionTransfer(object):
    """Transfer including upload files and download files.

    Args:
        config_bid (str): Storage id of the configuration files.
        input_bid (str): Storage id of the assets.
        domain (str): API domain (selects the transmitter's server).
        platform (str): Platform id.
        local_os (str): OS the user's files come from (``windows`` / ``linux``).
        user_id (str): User id.
        output_bid (str): Storage id of the rendered frames.
        manage_task (RayvisionManageTask): Task monitor used by downloads.
        transmitter_exe (str): Explicit path of rayvision_transmitter.
        logger (logging.Logger): Logger (default ``rayvision_sync.transfer``).
    """

    def __init__(self, config_bid: Optional[str], input_bid: Optional[str], domain: str,
                 platform: Union[str, int], local_os: str, user_id: Optional[str],
                 output_bid: Optional[str] = None,
                 manage_task: Optional["RayvisionManageTask"] = None,
                 transmitter_exe: Optional[str] = None,
                 logger: Optional[logging.Logger] = None) -> None:
        self.logger = logger or logging.getLogger(__name__)
        self.config_bid = config_bid
        self.input_bid = input_bid
        self.output_bid = output_bid
        self.domain = domain
        self.platform = platform
        self.local_os = local_os
        self.user_id = user_id
        self.manage_task = manage_task
        self.user_info = {
            "config_bid": config_bid,
            "input_bid": input_bid,
            "output_bid": output_bid,
            "user_id": user_id,
            "domain": domain,
            "platform": platform,
            "local_os": local_os,
        }
        # The binary runs on this machine, whatever OS the API was told the files come from.
        self.transmitter_exe = transmitter_exe or self.init_transmitter(PACKAGE_DIR, host_os())
        self.explicit_transmitter = transmitter_exe
        self.transport_info = self.parse_transports_json()

    def __repr__(self) -> str:
        return "RayvisionTransfer(domain={0!r}, platform={1!r}, user_id={2!r})".format(
            self.domain, self.platform, self.user_id)

    @staticmethod
    def init_transmitter(current_dir: str, local_os: str) -> str:
        """Gets the path of the transfer software.

        Args:
            current_dir (str): Transfer base directory (the package folder).
            local_os (str): ``windows`` or ``linux``.

        Returns:
            str: ``<dir>/transmission/windows/rayvision_transmitter.exe`` or
            ``<dir>/transmission/linux/rayvision_transmitter`` (it may not exist: the
            binary is proprietary and installed separately).
        """
        return documented_location(current_dir, local_os)

    def parse_transports_json(self, transports_json: Optional[str] = None,
                              domain: Optional[str] = None,
                              platform: Optional[Union[str, int]] = None) -> Dict[str, Any]:
        """Analyze transports.json, obtain transfer server info.

        The key is ``<foxrenderfarm|renderbus>_<www2|www3|www6|pic|gpu>``; a platform or
        domain without an entry uses the ``default`` entry (the original raised KeyError).

        Args:
            transports_json (str, optional): Path to transfer configuration files.
            domain (str, optional): Domain name.
            platform (str, optional): Platform number.

        Returns:
            dict: ``{"engine_type", "server_name", "server_ip", "server_port"}``.
        """
        path = transports_json or TRANSPORTS_JSON
        domain = domain if domain is not None else self.domain
        platform = str(platform if platform is not None else self.platform)
        try:
            with open(path, "rb") as handle:
                transports = json.loads(handle.read().decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise RayvisionArgumentError("cannot read transports json {0!r}: {1}".format(
                path, exc))
        prefix = "foxrenderfarm" if "foxrenderfarm" in str(domain or "") else "renderbus"
        key = "{0}_{1}".format(prefix, PLATFORM_ALIAS.get(platform, "www" + platform))
        if key in transports:
            return transports[key]
        self.logger.debug("no transports entry %s; using 'default'", key)
        return transports["default"]

    def _bid(self, bid_key: str) -> Any:
        if bid_key not in BID_KEYS:
            raise RayvisionArgumentError("the storage id name must be one of {0}, not {1!r}"
                                         .format(", ".join(BID_KEYS), bid_key))
        return self.user_info[bid_key]

    def create_argv(self, cmd_params: Sequence[Any],
                    db_ini_path: Optional[str] = None) -> List[str]:
        """The transmitter's argv for ``cmd_params`` (run without a shell).

        Args:
            cmd_params (list): ``[transmit_type, local_path, server_path, max_speed,
                keep_path, bid_key]``, bid_key one of ``config_bid`` / ``input_bid`` /
                ``output_bid``.
            db_ini_path (str): Upload-record database ini, or None.

        Returns:
            list[str]: The argv.
        """
        if not isinstance(cmd_params, (list, tuple)) or len(cmd_params) != 6:
            raise RayvisionArgumentError("cmd_params must be [transmit_type, local_path, "
                                         "server_path, max_speed, keep_path, bid_key], got "
                                         "{0!r}".format(cmd_params))
        transmit_type, local_path, server_path, max_speed, keep_path, bid_key = cmd_params
        return build_argv(self.transmitter_exe, self.transport_info, self._bid(bid_key),
                          self.user_id, transmit_type, local_path, server_path,
                          max_speed or DEFAULT_MAX_SPEED, keep_path, db_ini_path)

    def create_cmd(self, cmd_params: Sequence[Any], db_ini_path: Optional[str] = None) -> str:
        """Splice a cmd command, in the original's form (for display and old scripts).

        As the original builds it for a shell: ``echo y|`` answering the confirmation
        prompt, every argument in double quotes, ``"None"`` when there is no database ini,
        a trailing space. The SDK itself never runs this string: it runs
        :meth:`create_argv` without a shell (a path holding ``"`` would break this form).

        Args:
            cmd_params (list): See :meth:`create_argv`.
            db_ini_path (str): Database ini path.

        Returns:
            str: ``echo y|"<exe>" "<engine_type>" ... "<max_speed>" "<db ini or None>"``
            followed by one space.
        """
        argv = self.create_argv(cmd_params, db_ini_path)
        if not db_ini_path:
            argv.append("None")
        return "echo y|" + "".join(u'"{0}" '.format(arg) for arg in argv)
