"""Baselines, for adopting credlint in a repository that already has findings.

    credlint --write-baseline .credlint-baseline.json src/
    credlint --baseline .credlint-baseline.json src/      # only new findings

An entry is a finding's fingerprint: rule + repository-relative path + hash
of the secret (or of the credential expression), never the secret and never
a line number. Moving code does not churn the file; a *different* secret at
the same place is a new finding; a second copy of the same secret in the same
file is new too (entries count occurrences). The file is sorted and has no
timestamp, so it merges cleanly, and it has a version field.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Dict, FrozenSet, List, Optional, Sequence

from .model import FileResult, Suppressed

VERSION = 1


class BaselineError(Exception):
    pass


def write(path: str, results: Sequence[FileResult]) -> int:
    counts: Counter = Counter()
    rules: Dict[str, str] = {}
    paths: Dict[str, str] = {}
    for result in results:
        for f in result.findings:
            counts[f.fingerprint] += 1
            rules[f.fingerprint] = f.rule_id
            paths[f.fingerprint] = f.path
    entries = [
        {"rule": rules[fp], "path": paths[fp], "fingerprint": fp, **({"count": n} if n > 1 else {})}
        for fp, n in counts.items()
    ]
    entries.sort(key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    document = {"version": VERSION, "tool": "credlint", "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, sort_keys=False)
            handle.write("\n")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror}") from None
    return sum(counts.values())


def load(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not a credlint baseline (invalid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("version") != VERSION or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path}: not a credlint baseline of version {VERSION}; write a new one with --write-baseline")
    counts: Counter = Counter()
    for index, entry in enumerate(document["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: findings[{index}] has no fingerprint")
        counts[entry["fingerprint"]] += int(entry.get("count", 1))
    return counts


def filter_new(results: Sequence[FileResult], known: Counter, name: str = "the baseline") -> List[FileResult]:
    """Move the findings the baseline accounts for, occurrence by occurrence,
    to the results' suppressed findings (SARIF shows them as dismissed)."""
    remaining = Counter(known)
    out = []
    for result in results:
        kept, silenced = [], []
        for f in result.findings:
            if remaining[f.fingerprint] > 0:
                remaining[f.fingerprint] -= 1
                silenced.append(Suppressed(f, "external", f"in {name}"))
            else:
                kept.append(f)
        out.append(result._replace(findings=tuple(kept), suppressed=result.suppressed + tuple(silenced))
                   if silenced else result)
    return out


def detect_secrets_hashes(path: str) -> Optional[FrozenSet[str]]:
    """The hashed secrets of a detect-secrets baseline (`.secrets.baseline`),
    or None when the file is not one. detect-secrets stores each secret as the
    SHA-1 of its text; credlint treats those secrets as allowed, like values
    in the allowlist."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "plugins_used" not in data or not isinstance(data.get("results"), dict):
        return None
    hashes = set()
    for items in data["results"].values():
        for item in items if isinstance(items, list) else ():
            value = item.get("hashed_secret") if isinstance(item, dict) else None
            if isinstance(value, str) and len(value) == 40:
                hashes.add(value.lower())
    return frozenset(hashes)
