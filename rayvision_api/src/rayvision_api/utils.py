"""Helpers of rayvision_api: signing (documented names), json files, paths, task.json edits."""

import codecs
import json
import os
import platform
import re
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Union

from rayvision_api import signature
from rayvision_api.atomic import write_text_atomic
from rayvision_api.connect import Connect
from rayvision_api.exception import (
    RayvisionArgumentError,
    RayvisionError,
    RayvisionJSONDecodeError,
)
from rayvision_api.json_text import dumps_indented

# Documented signing helpers, implemented in :mod:`rayvision_api.signature`.
generate_timestamp = signature.generate_timestamp
generate_nonce = signature.generate_nonce
to_bytes = signature.to_bytes
assemble_api_url = Connect.assemble_api_url


def generate_signature(key: Union[str, bytes], msg: Union[str, bytes]) -> bytes:
    """HMAC-SHA256 of ``msg`` under ``key``, Base64, as bytes (the original's return type).

    Use :func:`rayvision_api.signature.hmac_signature` for the text form.
    """
    return signature.hmac_signature(key, msg).encode("ascii")


def formatted_headers(headers: Any) -> Dict[str, Any]:
    """Flatten a body the way the service signs it (see :func:`signature.flatten_body`)."""
    return signature.flatten_body(headers)


def headers_body_sort(header: Mapping[str, Any], body: Any) -> "OrderedDict[str, Any]":
    """Signed headers and flattened body merged, as an OrderedDict sorted by key."""
    return OrderedDict(signature.signed_pairs(header, body))


def generate_headers_body_str(domain_name: str, api_url: str, header: Mapping[str, Any],
                              body: Any) -> str:
    """The canonical string to sign: ``[POST]<domain>:<api_url>&k=v&...``."""
    return signature.canonical_string(domain_name, api_url, header, body)


_HUMP = re.compile(r"([a-z0-9])([A-Z])")


def hump2underline(hump_str: str) -> str:
    """``userId`` -> ``user_id``; ``MyKeyName`` -> ``my_key_name``; snake_case unchanged."""
    return _HUMP.sub(r"\1_\2", hump_str).lower()


def get_os() -> str:
    """The local operating system name, lower case (``windows``, ``linux``, ``darwin``)."""
    return platform.system().lower()


def json_load(json_path: str, encoding: str = "utf-8") -> Any:
    """Load a json file.

    Args:
        json_path (str): File path.
        encoding (str): File encoding.

    Returns:
        object: The parsed json, or None when the file does not exist.

    Raises:
        RayvisionJSONDecodeError: 1000005 when the file is not valid json (names the file);
            also a ``ValueError``, as the original raised.
    """
    if not os.path.exists(json_path):
        return None
    with codecs.open(json_path, "r", encoding=encoding) as file_obj:
        try:
            return json.load(file_obj)
        except ValueError as exc:
            raise RayvisionJSONDecodeError("{0} is not valid json: {1}".format(json_path, exc))


def json_save(json_path: str, data: Any, encoding: str = "utf-8", ensure_ascii: bool = True,
              indent: int = 2) -> None:
    """Write ``data`` as json, atomically: readers see the old file or the new one.

    Args:
        json_path (str): Destination file.
        data (object): JSON-serialisable data.
        encoding (str): File encoding.
        ensure_ascii (bool): Escape non-ASCII characters.
        indent (int): Indentation.

    Raises:
        IOError: The destination is a directory or cannot be written.
    """
    if os.path.isdir(json_path):
        raise OSError("{0} is a directory, not a json file".format(json_path))
    # Same text as json.dumps(..., indent=indent), without its pure-Python encoder.
    text = dumps_indented(data, ensure_ascii=ensure_ascii, indent=indent)
    write_text_atomic(json_path, text, encoding)


def exists_or_create(folder: str) -> bool:
    """Create ``folder`` (and parents) when missing.

    Returns:
        bool: Whether it existed before.
    """
    if os.path.exists(folder):
        return True
    os.makedirs(folder)
    return False


def check_and_read(json_path: str) -> Any:
    """Load a json file that must exist.

    Raises:
        RayvisionError: 1000004 when the file is missing.
    """
    json_path = json_path.replace("\\", "/")
    if not os.path.exists(json_path):
        raise RayvisionError(1000004, "{0} is not found".format(json_path))
    return json_load(json_path)


_DRIVE = re.compile(r"^([A-Za-z]):(?:[\\/]|$)")
_SEPARATORS = re.compile(r"/{2,}")


def convert_path(path: str) -> str:
    r"""Turn a local path into the farm's server path.

    ``D:\work\a.jpg`` -> ``/D/work/a.jpg``; ``\\server\share\a.jpg`` and
    ``//server/share/a.jpg`` -> ``/server/share/a.jpg``; ``/mnt/x`` -> ``/mnt/x``;
    a relative ``proj/a.jpg`` -> ``/proj/a.jpg``. The result is pure text: nothing is read
    from the disk, so Windows paths convert the same on every OS.

    Raises:
        RayvisionArgumentError: ``path`` is empty or not a string.
    """
    if not isinstance(path, str) or not path:
        raise RayvisionArgumentError("path must be a non-empty str, got {0!r}".format(path))
    path = path.replace("\\", "/")
    if path[:1] == "/" and "//" not in path:
        return path  # a POSIX absolute path is already its server path
    drive = _DRIVE.match(path)
    if drive:
        rest = path[2:].lstrip("/")
        converted = "/{0}/{1}".format(drive.group(1), rest) if rest else "/" + drive.group(1)
    else:
        converted = "/" + path.lstrip("/")
    # Collapse doubled separators inside the path ("a//b" is the same folder as "a/b").
    if "//" in converted:
        converted = _SEPARATORS.sub("/", converted)
    return converted


def update_task_info(update_info: Mapping[str, Any], task_path: str) -> None:
    """Update ``task_info`` keys of a task.json file.

    Args:
        update_info (dict): Keys to change; every key must already exist in ``task_info``.
        task_path (str): Path of task.json.

    Raises:
        RayvisionError: 1000004 missing file; 1000002 a key not in ``task_info`` (nothing is
            changed then).
    """
    if not isinstance(update_info, dict):
        raise RayvisionArgumentError("update_info must be a dict, got {0}".format(
            type(update_info).__name__))
    task_info = check_and_read(task_path)
    section = task_info["task_info"]
    for key in update_info:
        if key not in section:
            raise RayvisionError(1000002, "{0} does not exist in the task setting and cannot "
                                          "be updated".format(key))
    section.update(update_info)
    json_save(task_path, task_info)


def append_to_task(additional_info: Mapping[str, Any], task_path: str,
                   cover: bool = True) -> None:
    """Add user data under the top-level ``additional_info`` key of task.json.

    Args:
        additional_info (dict): Keys to add.
        task_path (str): Path of task.json.
        cover (bool): Overwrite existing keys; when False an existing key is an error.

    Raises:
        RayvisionError: 1000002 when ``cover`` is False and a key already exists.
    """
    if not isinstance(additional_info, dict):
        raise RayvisionArgumentError("additional_info must be a dict, got {0}".format(
            type(additional_info).__name__))
    task_info = check_and_read(task_path)
    existing = task_info.get("additional_info") or {}
    if not cover:
        for key in additional_info:
            if key in existing:
                raise RayvisionError(1000002, "{0} already exists, cannot be added".format(key))
    existing.update(additional_info)
    task_info["additional_info"] = existing
    json_save(task_path, task_info)


def check_upload_file(file_path: str, upload_info: Mapping[str, Any]) -> bool:
    """True when ``file_path`` is already an asset of ``upload_info``."""
    return any(item.get("local") == file_path for item in upload_info.get("asset", []))


def append_to_upload(files_paths: Union[str, List[str]], upload_path: str) -> None:
    """Add files to the ``asset`` list of an upload.json file.

    Args:
        files_paths (str or list): Files to add (each must exist).
        upload_path (str): Path of upload.json.

    Raises:
        RayvisionError: 1000003 wrong type; 1000004 a file or upload.json is missing.
    """
    if isinstance(files_paths, str):
        files_paths = [files_paths]
    elif not isinstance(files_paths, (list, tuple)):
        raise RayvisionError(1000003, "files_paths must be a str or list.")
    upload_info = check_and_read(upload_path)
    assets = upload_info.setdefault("asset", [])
    known = set(item.get("local") for item in assets)
    for path in files_paths:
        local = path.replace("\\", "/")
        if not os.path.exists(local):
            raise RayvisionError(1000004, "{0} is not found".format(local))
        if local in known:
            continue
        known.add(local)
        assets.append({"local": local, "server": convert_path(local)})
    json_save(upload_path, upload_info)
