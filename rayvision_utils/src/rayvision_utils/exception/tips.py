"""Collect analysis tips (code -> messages) and write them to tips.json."""

import os
import sys
from typing import Any, Dict, NoReturn, Optional, Union

from rayvision_utils.constants import TIPS_JSON
from rayvision_utils.exception.exception import RayvisionError
from rayvision_utils.utils import json_save


class TipsInfo(object):
    """Tips gathered during an analysis, written as tips.json.

    tips.json is a JSON object mapping a tip code (str) to a list of messages, e.g.
    ``{"15013": ["Maya 2018"], "10012": ["D:/tex/a.png"]}``; ``{}`` when the scene is clean.

    Args:
        save_path (str, optional): Folder that receives tips.json.
    """

    def __init__(self, save_path: Optional[str] = None) -> None:
        self.save_path = save_path
        self.tips_list: Dict[Union[str, int], Any] = {}

    def add(self, key: Union[str, int], *values: Any) -> None:
        """Add messages under a tip code, after those already there.

        The key is kept as the caller gave it, as the original does (``tips_list[123]``
        works after ``add(123, ...)``); tips.json writes every code as text.

        Args:
            key (str or int): Tip code.
            *values (str): Messages, e.g. ``('Scene file no exists', 'Missing renderer')``.
        """
        if key in self.tips_list and isinstance(self.tips_list[key], list):
            self.tips_list[key].extend(values)
        else:
            self.tips_list[key] = list(values)

    def set_tips(self, key: Union[str, int], value: Any) -> None:
        """Store ``value`` as is under ``key`` (kept as given; replaces what was there)."""
        self.tips_list[key] = value

    def as_json(self) -> Dict[str, Any]:
        """The tips as tips.json holds them: codes as text; ``123`` and ``"123"`` merged."""
        merged: Dict[str, Any] = {}
        for key, value in self.tips_list.items():
            code = str(key)
            if isinstance(merged.get(code), list) and isinstance(value, list):
                merged[code] = merged[code] + value
            else:
                merged[code] = value
        return merged

    def save_tips(self, path: Optional[str] = None) -> str:
        """Write ``<path or save_path>/tips.json`` and return its path.

        Raises:
            RayvisionError: 20003 when neither ``path`` nor ``save_path`` is set.
        """
        folder = path or self.save_path
        if not folder:
            raise RayvisionError(20003, "The TipsInfo' path is not defined.")
        tips_path = os.path.join(folder, TIPS_JSON)
        json_save(tips_path, self.as_json(), ensure_ascii=False)
        return tips_path

    def save_and_exit(self, path: Optional[str] = None, exit_code: int = -1) -> NoReturn:
        """Save tips.json then exit the interpreter with ``exit_code``."""
        self.save_tips(path)
        sys.exit(exit_code)
