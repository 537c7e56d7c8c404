"""Shared rule data: the documents under `rules/shared/` that rules refer to
(the key policy, and what each language's analyzer knows about the SDKs).
Documents of the same kind merge in load order, so a user's rules directory
can extend the built-in ones. The library knows no language: an analyzer
registers the kinds it compiles in languages.SHARED."""
from __future__ import annotations

from typing import Any, Dict, List

from . import languages
from .yamlsource import Located

POLICY = "key-policy"
ENDPOINTS = "aws-endpoints"


class Library:
    def __init__(self) -> None:
        self.kinds = (POLICY, ENDPOINTS) + tuple(languages.SHARED)
        self.docs: Dict[str, List[Located]] = {kind: [] for kind in self.kinds}
        self.cache: Dict[str, Any] = {}  # analyzers' compiled artefacts shared between rules
        self._compiled: Dict[str, Any] = {}
        self._policy = None
        self._endpoints = None
        self.trusted: Dict[int, bool] = {}  # id(doc) -> credlint's own
        self.allowlist: frozenset = frozenset()

    def add(self, doc: Located, trusted: bool = False) -> None:
        """`trusted`: one of credlint's own documents (patterns.py)."""
        kind = (doc.data or {}).get("kind") if isinstance(doc.data, dict) else None
        if kind not in self.docs:
            raise doc.error(("kind",), f"shared documents need 'kind: {' | '.join(self.kinds)}', not {kind!r}")
        self.docs[kind].append(doc)
        self.trusted[id(doc)] = trusted

    def policy(self):
        if self._policy is None:
            from .keypolicy import KeyPolicy, compile_policy

            docs = self.docs[POLICY]
            if not docs:
                raise RuntimeError("no key-policy document: the built-in rules are incomplete")
            policy = compile_policy(docs[0], self.trusted.get(id(docs[0]), False))
            for doc in docs[1:]:
                extra = compile_policy(doc, self.trusted.get(id(doc), False))
                policy.shapes.update(extra.shapes)
                policy = KeyPolicy(policy.shapes, policy.example_keys | extra.example_keys,
                                   policy.markers + extra.markers, policy.words + extra.words,
                                   policy.patterns + extra.patterns, policy.min_length)
            self._policy = policy.with_allowlist(self.allowlist)
        return self._policy

    def endpoints(self):
        """Where an endpoint points (local emulator, AWS, other), for every language."""
        if self._endpoints is None:
            from .endpoints import compile_endpoints

            self._endpoints = compile_endpoints(self.docs[ENDPOINTS])
        return self._endpoints

    def shared(self, kind: str) -> Any:
        """A language's shared data, compiled by its analyzer on first use."""
        if kind not in self._compiled:
            analyzer = languages.analyzer(languages.SHARED[kind])
            self._compiled[kind] = analyzer.merge_shared(kind, self.docs[kind], self)
        return self._compiled[kind]
