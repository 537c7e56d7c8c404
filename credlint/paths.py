"""File names as every output can carry them.

A name that is not valid UTF-8 (`k\\xe9.py` written by a Latin-1 system)
reaches Python as a str with surrogate escapes: printing it writes bytes no
UTF-8 reader accepts, and JSON and SARIF writers refuse it. Each output
shows it as `display()` (the undecodable bytes as `\\xe9`); the machine
formats also carry the exact bytes: SARIF percent-encodes them in the URI,
JSON adds them in base64."""
from __future__ import annotations

import base64
import os
from typing import Optional


def display(path: str) -> str:
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def matchable(path: str) -> str:
    """The name as pattern matchers (pathspec) can take it: they encode to
    UTF-8 and raise on surrogate escapes."""
    return display(path)


def raw_base64(path: str) -> Optional[str]:
    """The name's bytes in base64 when it is not valid UTF-8, else None."""
    try:
        path.encode("utf-8")
        return None
    except UnicodeEncodeError:
        return base64.b64encode(os.fsencode(path)).decode("ascii")
