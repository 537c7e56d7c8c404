"""Masks and hashes for secrets.

Every path by which text reaches a user (reports, code frames, logs, error
messages) goes through here first, so a full secret is never printed. The
hash lets baselines and fingerprints refer to a secret without holding it.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, List, Sequence, Tuple

# Anything shaped like an AWS key id or secret key, for text that may quote
# user input (schema and config errors): mask it without knowing the policy.
_KEY_SHAPED = re.compile(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}|[A-Za-z0-9/+=]{40,}")  # a long run (a session token) as one


def mask(secret: str) -> str:
    """`AKIAIOSFODNN7EXAMPLE` -> `AKIA************MPLE`.

    At most a fifth of the characters stay visible (4 at each end for an
    access key id), enough to recognise which key is meant, far too little
    to use it. Short values are masked completely.
    """
    n = len(secret)
    if n < 12:
        return "*" * max(n, 3)
    keep = min(4, n // 5)
    return secret[:keep] + "*" * (n - 2 * keep) + secret[n - keep :]


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(rule_id: str, path: str, secret_material: str) -> str:
    """Stable across line moves: keyed by rule, repo-relative path and the
    hash of the secret (or of the credential expression when there is no
    secret), never by line number."""
    h = hashlib.sha256()
    for part in (rule_id, path, secret_hash(secret_material)):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret (longest first) by its mask."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, mask(secret))
    return text


def mask_key_shapes(text: str) -> str:
    return _KEY_SHAPED.sub(lambda m: mask(m.group(0)), text)


_FRAGMENT = re.compile(r"[A-Za-z0-9/+=]{6,}")


def redact_fragments(text: str, secrets: Iterable[str]) -> str:
    """Mask pieces of secrets too: a key split into "q7Xr2vLk9Pz" "T4mW..."
    shows no whole secret, but its halves must not be printed either."""
    secrets = [s for s in secrets if len(s) >= 12]
    if not secrets:
        return text
    return _FRAGMENT.sub(lambda m: "*" * len(m.group(0)) if any(m.group(0) in s for s in secrets) else m.group(0), text)


# A long run of key characters with upper case, lower case and digits: how a
# secret that no rule knows looks when a parser's message quotes it.
_RANDOM_RUN = re.compile(r"[A-Za-z0-9/+=]{16,}")


def _looks_random(run: str) -> bool:
    return any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)


def redact_message(text: str, secrets: Iterable[str] = ()) -> str:
    """Every notice and error message passes through here before anyone can
    read it. Parsers quote the source they choke on (`found 'q7Xr...'`, `Did
    you mean print("...")?`), so besides the secrets a file is known to hold,
    anything key-shaped and any long random-looking run is masked."""
    secrets = [s for s in secrets if s]
    if secrets:
        text = redact_fragments(redact_text(text, secrets), secrets)
    text = mask_key_shapes(text)
    return _RANDOM_RUN.sub(lambda m: mask(m.group(0)) if _looks_random(m.group(0)) else m.group(0), text)


# -- code frames -------------------------------------------------------------------------

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _merge(ranges: Sequence[Tuple[int, int]]) -> List[Tuple[int, int]]:
    merged: List[List[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def redact_line(line: str, secrets: Sequence[str], policy, ranges: Sequence[Tuple[int, int]] = (),
                pieces: Sequence[Tuple[int, int]] = ()) -> str:
    """Mask what the analyzers saw: by position (`ranges`: a secret written
    whole keeps four characters at each end; `pieces`: a literal that is only
    part of a secret, as in `"".join(["q7Xr...", "..."])`, is masked
    completely), by value, pieces of known secrets, and anything else
    key-shaped, so a code frame never prints a key even when no rule reported
    it."""
    if ranges or pieces:
        chars = list(line)
        for whole, spans in ((True, ranges), (False, pieces)):
            for start, end in _merge(spans):
                positions = [i for i in range(max(start, 0), min(end, len(chars))) if chars[i] in _KEY_CHARS]
                for i in positions[4:-4] if whole and len(positions) > 12 else positions:
                    chars[i] = "*"
        line = "".join(chars)
    line = redact_fragments(redact_text(line, secrets), secrets)
    shaped = [value for _, _, value, _ in policy.find_shapes(line, list(policy.shapes))]
    return redact_text(line, shaped) if shaped else line
