"""credlint's AWS detector as a detect-secrets plugin, for teams that keep
detect-secrets and its baseline workflow:

    detect-secrets scan --plugin "$(python -c 'import credlint.detect_secrets_plugin as p; print(p.__file__)')"

It reports what credlint's text rules find on a line (detect-secrets works
line by line): access key ids and session tokens with their full shape, and a
secret access key after a secret-like name or in detect-secrets' own AWS
context, each judged by credlint's placeholder policy (AWS's example keys,
masks, `${VAR}`, emulator key ids are not reported). Nothing here runs in a
credlint run: this module is for detect-secrets to import.
"""
from __future__ import annotations

import re
from typing import Generator

from detect_secrets.plugins.base import BasePlugin


class CredlintAWSDetector(BasePlugin):
    """AWS key material, judged by credlint's key policy."""

    secret_type = "AWS Credentials (credlint)"  # as baselines name it: never change it

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        from credlint.languages import text

        policy = _policy()
        found = set()
        for _, _, value, _ in policy.find_shapes(string, ["access-key-id", "session-token"]):
            found.add(value)
        for _, _, value, _ in text.labelled(string, _LABEL, ["secret-access-key"], policy):
            found.add(value)
        for m in text._DETECT_SECRETS_AWS.finditer(string):
            value = m.group(1)
            if policy.matches_shape("secret-access-key", value) and not policy.is_placeholder(value):
                found.add(value)
        yield from sorted(found)


_policy_cache = []


def _policy():
    if not _policy_cache:
        from credlint.ruleset import load_rules

        _policy_cache.append(load_rules().library.policy())
    return _policy_cache[0]


_LABEL = re.compile(r"(?i)secret|aws_?(access_?)?key|aws_?token|credential")
