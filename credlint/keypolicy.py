"""Is this literal a real AWS key, or only a placeholder?

One policy for every file type, compiled from `rules/shared/aws-keys.yaml`.
The entropy measure and the sequence/template filters are detect-secrets'
(credlint's thresholds were set with them), reimplemented here so that a run
never imports detect-secrets, which stays a dependency for interop only.
"""
from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Pattern, Tuple

from .keyid import account_id
from .patterns import PatternError, compile_pattern
from .yamlsource import Located


@dataclass(frozen=True)
class Shape:
    name: str
    regex: Pattern[str]
    min_entropy: float = 0.0
    require: Tuple[str, ...] = ()
    triggers: Tuple[str, ...] = ()
    # The shape between double quotes: a literal first character lets the
    # regex engine skip to each quote instead of trying every position (a
    # 100 MB JSON file: 0.4 s instead of 8).
    quoted: Optional[Pattern[str]] = None


class KeyPolicy:
    def __init__(
        self,
        shapes: Dict[str, Shape],
        example_keys: FrozenSet[str],
        markers: Tuple[str, ...],
        words: Tuple[str, ...],
        patterns: Tuple[Pattern[str], ...],
        min_length: int,
        allowlist: FrozenSet[str] = frozenset(),
        test_accounts: FrozenSet[str] = frozenset(),
    ) -> None:
        self.shapes = shapes
        self.example_keys = example_keys
        self.markers = tuple(m.lower() for m in markers)
        self.words = tuple(w.lower() for w in words)
        self.patterns = patterns
        self.min_length = min_length
        self.allowlist = allowlist
        self.test_accounts = test_accounts

    def with_allowlist(self, values: FrozenSet[str]) -> "KeyPolicy":
        return KeyPolicy(
            self.shapes, self.example_keys, self.markers, self.words, self.patterns,
            self.min_length, self.allowlist | values, self.test_accounts,
        )

    # -- judging values ------------------------------------------------------

    def key_shape(self, value: str) -> Optional[str]:
        """The name of the key shape `value` has in full, if any."""
        for shape in self.shapes.values():
            if shape.regex.fullmatch(value) and self._shape_extras(shape, value):
                return shape.name
        return None

    def matches_shape(self, shape_name: str, value: str) -> bool:
        shape = self.shapes[shape_name]
        return bool(shape.regex.fullmatch(value)) and self._shape_extras(shape, value)

    def _shape_extras(self, shape: Shape, value: str) -> bool:
        if "upper" in shape.require and not any(c.isupper() for c in value):
            return False
        if "lower" in shape.require and not any(c.islower() for c in value):
            return False
        if shape.min_entropy and _entropy(value) < shape.min_entropy:
            return False
        return True

    def is_placeholder(self, value: str) -> bool:
        """True for values that stand for a key without being one: AWS's
        documented examples, masked or templated values, and for values that are
        not key-shaped at all, the usual dummy words ("test", "changeme")."""
        stripped = value.strip()
        if len(stripped) < self.min_length:
            return True
        if stripped in self.example_keys or stripped in self.allowlist:
            return True
        if self.allowlist and hashlib.sha1(stripped.encode("utf-8", "surrogatepass")).hexdigest() in self.allowlist:
            return True  # listed by its SHA-1, as a detect-secrets baseline lists it
        lowered = stripped.lower()
        if any(marker in lowered for marker in self.markers):
            return True
        if any(p.search(stripped) for p in self.patterns):
            return True
        if _sequential_or_templated(stripped):
            return True
        if self.test_accounts and account_id(stripped) in self.test_accounts:
            return True  # an emulator's key id (LocalStack, moto: account 000000000000)
        if self.key_shape(stripped) is not None:
            return False
        return any(word in lowered for word in self.words)

    def is_secret(self, value: str) -> bool:
        return not self.is_placeholder(value)

    # -- scanning text ------------------------------------------------------

    def find_shapes(self, text: str, shape_names: List[str]):
        """Yield (start, end, value, shape) for every non-placeholder match."""
        for name in shape_names:
            shape = self.shapes[name]
            for m in shape.regex.finditer(text):
                value = m.group(0)
                if self._shape_extras(shape, value) and not self.is_placeholder(value):
                    yield m.start(), m.end(), value, name

    def quoted_keys(self, text: str, shape_names: List[str]) -> set:
        """The real keys written in full between double quotes (a JSON
        string, unless escapes spell it)."""
        out = set()
        for name in shape_names:
            shape = self.shapes[name]
            for m in shape.quoted.finditer(text):
                value = m.group(1)
                if value not in out and self._shape_extras(shape, value) and not self.is_placeholder(value):
                    out.add(value)
        return out


# Base64's alphabet, url-safe and padding included: the characters whose
# frequencies the entropy counts (detect-secrets' Base64HighEntropyString).
_ENTROPY_CHARSET = string.ascii_letters + string.digits + "+/" + "\\-_" + "="
_SEQUENCES = (
    string.ascii_uppercase + string.ascii_uppercase + string.digits + "+/",  # base64, letters first
    string.digits + string.ascii_uppercase + string.ascii_uppercase + "+/",  # base64, digits first
    (string.digits + string.ascii_uppercase) * 2,
    string.digits * 2,
    string.hexdigits.upper() + string.hexdigits.upper(),
    string.ascii_uppercase + "=/",
)


def _entropy(value: str) -> float:
    """Shannon entropy over the base64 alphabet, as detect-secrets computes it
    (credlint's thresholds were set with it). Owned here, with detect-secrets'
    sequence and template filters below, because importing detect-secrets
    pulls in requests and urllib3: a quarter of a second on every pre-commit
    run that meets a key-shaped string. tests/test_keypolicy.py checks all
    three against detect-secrets itself."""
    if not value:
        return 0.0
    length = len(value)
    entropy = 0.0
    for char in set(value):
        if char in _ENTROPY_CHARSET:
            p = value.count(char) / length
            entropy -= p * math.log2(p)
    return entropy


def _sequential_or_templated(value: str) -> bool:
    """detect-secrets' is_sequential_string and is_templated_secret."""
    upper = value.upper()
    if any(upper in sequence for sequence in _SEQUENCES):
        return True
    try:
        return (value[0] == "{" and value[-1] == "}") or (value[0] == "<" and value[-1] == ">") or \
            (value[0] == "$" and value[1] == "{" and value[-1] == "}")
    except IndexError:  # too short to be anything
        return True


def compile_policy(doc: Located, trusted: bool = False) -> KeyPolicy:
    data = doc.data
    shapes: Dict[str, Shape] = {}
    for name, spec in (data.get("shapes") or {}).items():
        path = ("shapes", name)
        if not isinstance(spec, dict) or "regex" not in spec:
            raise doc.error(path, f"shape {name!r} needs a 'regex'")
        try:
            regex = compile_pattern(spec["regex"], trusted)
            quoted = compile_pattern(f'"({spec["regex"]})"', trusted)
        except PatternError as exc:
            raise doc.error(path + ("regex",), str(exc)) from None
        shapes[name] = Shape(
            name=name,
            regex=regex,
            quoted=quoted,
            min_entropy=float(spec.get("min-entropy", 0.0)),
            require=tuple(spec.get("require", ())),
            triggers=tuple(spec.get("triggers", ())),
        )
    ph = data.get("placeholders") or {}
    for key in ("example-keys", "markers", "words"):
        for index, item in enumerate(ph.get(key) or ()):
            if not isinstance(item, str):
                raise doc.error(("placeholders", key, index),
                                f"{item!r} is not a string: quote it (YAML reads null, yes, no and numbers as values)")
    patterns = []
    for index, pattern in enumerate(ph.get("patterns", ())):
        try:
            patterns.append(compile_pattern(pattern, trusted))
        except PatternError as exc:
            raise doc.error(("placeholders", "patterns", index), str(exc)) from None
    return KeyPolicy(
        shapes=shapes,
        example_keys=frozenset(ph.get("example-keys", ())),
        markers=tuple(ph.get("markers", ())),
        words=tuple(ph.get("words", ())),
        patterns=tuple(patterns),
        min_length=int(ph.get("min-length", 1)),
        test_accounts=frozenset(str(a) for a in ph.get("test-accounts", ())),
    )
