"""The canonical form of a submission and its SHA-256 (R-SRV-3). Pure module: no Django import.

Canonical JSON: UTF-8, object keys sorted at every level, no insignificant whitespace
(separators ``,`` and ``:``), non-ASCII characters written as themselves (not ``\\u`` escapes).
Anyone holding the confirmation's content can recompute the hash with
``python -c 'import json,hashlib,sys; print(hashlib.sha256(json.dumps(json.load(sys.stdin),
sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest())'``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def submission_sha256(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()
