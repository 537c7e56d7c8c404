"""Shared rule data: the documents under `rules/shared/` that rules refer to
(the key policy, what the Python analyzer knows about the SDKs). Documents of
the same kind merge in load order, so a user's rules directory can extend the
built-in ones."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .yamlsource import Located

KINDS = ("key-policy", "python-sdk")


class Library:
    def __init__(self) -> None:
        self.docs: Dict[str, List[Located]] = {kind: [] for kind in KINDS}
        self.cache: Dict[str, Any] = {}
        self._policy = None
        self._python_sdk = None
        self.allowlist: frozenset = frozenset()

    def add(self, doc: Located) -> None:
        kind = (doc.data or {}).get("kind") if isinstance(doc.data, dict) else None
        if kind not in self.docs:
            raise doc.error(("kind",), f"shared documents need 'kind: {' | '.join(KINDS)}', not {kind!r}")
        self.docs[kind].append(doc)

    def policy(self):
        if self._policy is None:
            from .keypolicy import KeyPolicy, compile_policy

            docs = self.docs["key-policy"]
            if not docs:
                raise RuntimeError("no key-policy document: the built-in rules are incomplete")
            policy = compile_policy(docs[0])
            for doc in docs[1:]:
                extra = compile_policy(doc)
                policy.shapes.update(extra.shapes)
                policy = KeyPolicy(policy.shapes, policy.example_keys | extra.example_keys,
                                   policy.markers + extra.markers, policy.words + extra.words,
                                   policy.patterns + extra.patterns, policy.min_length)
            self._policy = policy.with_allowlist(self.allowlist)
        return self._policy

    def python_sdk(self):
        if self._python_sdk is None:
            from .languages.python.sdk import merge_sdk

            self._python_sdk = merge_sdk(self.docs["python-sdk"])
        return self._python_sdk
