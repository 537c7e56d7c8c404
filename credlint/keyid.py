"""What an AWS access key id says about itself: the account it belongs to.

Key ids issued since 2019 carry their account id: after the four-character
prefix, the base32 body's first 48 bits hold it, shifted left by 7 (a method
published by Aidan Steele and Tal Be'ery; `aws sts get-access-key-info`
answers the same from AWS's side). Older ids (`AKIAI...`, `AKIAJ...`) decode to
a meaningless number; only a decoded account that is known to mean something
(the emulators' 000000000000) is acted on.
"""
from __future__ import annotations

import base64
import binascii
from typing import Optional

PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "AIDA", "AROA", "AGPA", "ANPA", "ANVA", "APKA", "ASCA", "AIPA")
_ACCOUNT_MASK = 0x7FFFFFFFFF80


def account_id(key_id: str) -> Optional[str]:
    """The 12-digit account a key id encodes, or None when it is not a key id."""
    if len(key_id) != 20 or not key_id.startswith(PREFIXES):
        return None
    try:
        raw = base64.b32decode(key_id[4:])
    except (binascii.Error, ValueError):
        return None
    number = (int.from_bytes(raw[:6], "big") & _ACCOUNT_MASK) >> 7
    return f"{number:012d}"
