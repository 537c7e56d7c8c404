"""Where an SDK's endpoint points, for every language: a local emulator
(LocalStack, DynamoDB Local, MinIO on localhost), AWS itself, or another
service (MinIO, R2, Spaces...). Compiled from the `kind: aws-endpoints`
documents of rules/shared/."""
from __future__ import annotations

import fnmatch
from typing import Sequence, Tuple
from urllib.parse import urlsplit


class Endpoints:
    def __init__(self, local: Tuple[str, ...] = (), aws: Tuple[str, ...] = ()) -> None:
        self.local = local
        self.aws = aws

    def kind(self, url: str) -> str:
        """'local' | 'aws' | 'other' for a literal endpoint URL (or a bare host)."""
        text = url.strip()
        try:
            host = (urlsplit(text if "//" in text else "//" + text).hostname or "").lower()
        except ValueError:  # an invalid port or bracket: not a URL credlint can place
            return "other"
        if not host:
            return "other"
        if any(fnmatch.fnmatchcase(host, pattern) for pattern in self.local):
            return "local"
        if any(fnmatch.fnmatchcase(host, pattern) for pattern in self.aws):
            return "aws"
        return "other"


def compile_endpoints(docs: Sequence) -> Endpoints:
    local, aws = [], []
    for doc in docs:
        data = doc.data or {}
        for key, target in (("local", local), ("aws", aws)):
            items = data.get(key) or []
            if not isinstance(items, list) or not all(isinstance(h, str) for h in items):
                raise doc.error((key,), f"'{key}' is a list of host names or patterns")
            target.extend(h.lower() for h in items)
    return Endpoints(tuple(local), tuple(aws))
