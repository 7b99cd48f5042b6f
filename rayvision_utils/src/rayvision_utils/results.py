"""The four json files of an analysis and how upload.json is built.

* task.json   -- the ``TASK_INFO`` skeleton filled in, plus ``scene_info`` (and
  ``scene_info_render``) from the analysis.
* asset.json  -- what the analysis found, per DCC (see each analyser's docs).
* tips.json   -- tip code -> list of messages (``{}`` when clean).
* upload.json -- ``{"scene": [{"local", "server", "hash"}], "asset": [{"local", "server"}...]}``:
  the scene with its md5, then every asset file and, last, the scene again (the transfer
  engine reads only ``asset``).

``local`` uses forward slashes; ``server`` is :func:`rayvision_api.utils.convert_path` of it.
"""

import os
import posixpath
from typing import Any, Dict, List, Optional, Union

from rayvision_utils.constants import ASSET_JSON, TASK_JSON, TIPS_JSON, UPLOAD_JSON
from rayvision_utils.utils import convert_path, get_file_md5, json_save, to_slash


class AnalysisFiles(object):
    """Paths of the four json files in one result folder.

    Args:
        folder (str): The result folder (usually a fresh timestamp folder).
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.task_json = os.path.join(folder, TASK_JSON)
        self.asset_json = os.path.join(folder, ASSET_JSON)
        self.tips_json = os.path.join(folder, TIPS_JSON)
        self.upload_json = os.path.join(folder, UPLOAD_JSON)

    def as_dict(self) -> Dict[str, str]:
        """``{"task_json": ..., "asset_json": ..., "tips_json": ..., "upload_json": ...}``."""
        return {"task_json": self.task_json, "asset_json": self.asset_json,
                "tips_json": self.tips_json, "upload_json": self.upload_json}


def upload_entry(path: str) -> Dict[str, str]:
    """``{"local": <path, forward slashes>, "server": convert_path(local)}``.

    ``.`` and ``..`` components are resolved (``D:/p/sub/../tex.png`` -> ``D:/p/tex.png``):
    scenes often hold such paths, and a storage path may not climb out of its folder.
    """
    local = posixpath.normpath(to_slash(path))
    return {"local": local, "server": convert_path(local)}


def build_upload(cg_file: str, asset_paths: List[Union[str, Any]], with_hash: bool = True,
                 scene_hash: Optional[str] = None) -> Dict[str, List[Any]]:
    """Build the upload.json document.

    Args:
        cg_file (str): The scene file.
        asset_paths (iterable of str): Files the scene needs; duplicates (after slash
            normalisation) and the scene itself are dropped, order kept.
        with_hash (bool): Put the scene's md5 in ``scene[0]["hash"]``.
        scene_hash (str, optional): That md5, when the analysis computed it while reading
            the scene (the scene is not read again).

    Returns:
        dict: ``{"scene": [...], "asset": [...]}``.
    """
    scene = upload_entry(cg_file)
    if with_hash:
        scene["hash"] = scene_hash or get_file_md5(cg_file)
    scene_local = scene["local"]
    seen = set([scene_local])
    assets = []
    for path in asset_paths:
        # upload_entry(path), its server path computed for new paths only
        local = posixpath.normpath(to_slash(path))
        if local in seen:
            continue
        seen.add(local)
        assets.append({"local": local, "server": convert_path(local)})
    assets.append({"local": scene_local, "server": scene["server"]})
    return {"scene": [scene], "asset": assets}


def write_json(path: str, data: Dict[str, Any], ensure_ascii: bool = False) -> str:
    """Write ``data`` to ``path`` atomically (temp file then rename), UTF-8, indent 2."""
    json_save(path, data, ensure_ascii=ensure_ascii)
    return path
