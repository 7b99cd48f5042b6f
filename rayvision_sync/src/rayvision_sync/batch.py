"""Batches of small files for one upload request (docs/storage-protocol.md, "Batch upload").

Pure helpers of the HTTP engine: which files go together, and the request body of a batch
(a manifest line, then the files' bytes concatenated).
"""

import hashlib
import json
from typing import Any, Dict, List, Tuple

# The storage's bounds; a batch never exceeds any of them.
MAX_FILES = 256
MAX_BYTES = 16 * 1024 * 1024
MAX_FILE_SIZE = 1024 * 1024
# Room kept in MAX_BYTES for a file's manifest entry beyond its UTF-8 path.
_ENTRY_ROOM = 128


def plan_batches(entries: List[Any], workers: int, max_bytes: int) -> List[Any]:
    """Group upload entries into batches that keep every worker busy.

    Args:
        entries (list): ``(server, local, size, mtime_ns)`` of files small enough to batch.
        workers (int): Parallel workers; batches are cut so that each gets work.
        max_bytes (int): Largest body of one batch (at most :data:`MAX_BYTES`).

    Returns:
        list: Lists of entries; a list of one entry is best sent as a single PUT.
    """
    if not entries:
        return []
    max_bytes = min(int(max_bytes), MAX_BYTES)
    per_batch = min(MAX_FILES, max(1, -(-len(entries) // max(1, workers))))
    batches = []
    current: List[Any] = []
    used = 0
    for entry in entries:
        cost = entry[2] + len(entry[0].encode("utf-8")) + _ENTRY_ROOM
        if current and (len(current) >= per_batch or used + cost > max_bytes):
            batches.append(current)
            current, used = [], 0
        current.append(entry)
        used += cost
    batches.append(current)
    return batches


def build_body(files: List[Tuple[str, str, bytes]]) -> Tuple[bytes, Dict[str, Any]]:
    """The request body of a batch and its parameters.

    Args:
        files (list): ``(server_path, sha256, data)`` in sending order.

    Returns:
        tuple: ``(body bytes, query parameters dict)``.
    """
    manifest = {"files": [{"path": path, "size": len(data), "sha256": sha}
                          for path, sha, data in files]}
    head = json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = b"".join([head, b"\n"] + [data for _, _, data in files])
    params = {"batch": 1, "count": len(files), "size": len(body),
              "sha256": hashlib.sha256(body).hexdigest()}
    return body, params


def file_results(data: Any) -> Any:
    """Per-path results of a batch answer's ``data``: path -> result dict."""
    items = data.get("files") if isinstance(data, dict) else None
    results = {}
    for item in items or []:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            results[item["path"]] = item
    return results
