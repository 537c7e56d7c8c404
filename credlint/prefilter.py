"""Decide, from the raw bytes, which rules could possibly match a file.

Most files of a repository contain none of the tokens a rule needs (credential
argument names, key prefixes); those are never decoded or parsed. A rule's
triggers are a list of clauses, any of which lets the file through:

    {any: [tokens]}   one of the tokens occurs
    {all: [tokens]}   every token occurs
    {regex: R}        R matches (checked last: regexes are slow on big files);
                      a list of regexes: each matches, anywhere in the file
    {key-run: N}      a run of exactly N characters of a key's alphabet
                      (A-Z a-z 0-9 / +) stands alone somewhere, with a capital
                      and a small letter, and is not capitalised words (checked
                      before the regex: one translate() and find(), at memory speed)
    regex-at-run      with key-run: the regexes describe the run and its quotes,
                      and are tried only from 8 bytes before a run to 8 after it
    ignore-case       tokens are looked for in the lowercased bytes

A file's tokens are found by `bytes.__contains__` scans, or, once a process
has gated enough files of a plan, all at once by an RE2 set (_Scanner).
"""
import re
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Pattern, Sequence, Tuple

from .model import Rule


class Clause(NamedTuple):
    any: Tuple[bytes, ...] = ()
    all: Tuple[bytes, ...] = ()
    regex: Optional[Pattern[bytes]] = None
    ignore_case: bool = False
    also: Tuple[Pattern[bytes], ...] = ()  # more regexes that must match too (regex: [R1, R2])
    key_run: int = 0  # a standalone run of exactly this many key-alphabet characters (key-run: 40)
    at_run: bool = False  # the regexes are tried around the key runs only (regex-at-run: true)

    @property
    def regexes(self) -> Tuple[Pattern[bytes], ...]:
        return self.also if self.regex is None else (self.regex,) + self.also

    @property
    def probes(self) -> Tuple[object, ...]:
        """How to look for the `any` tokens: tokens that share a prefix become
        one regex, which `re` scans for its literal prefix as fast as one `in`
        (AKIA|ASIA|ABIA|ACCA|A3T: 0.04 s instead of 0.21 s on 49 MB); the
        rest are plain `in` checks."""
        return _probes(self.any)

    @classmethod
    def from_spec(cls, spec: dict, trusted: bool = True) -> "Clause":
        """`trusted`: a built-in rule's clause; any other's regex runs on RE2
        (patterns.py). Raises patterns.PatternError for a regex it refuses."""
        ignore_case = bool(spec.get("ignore-case", False))

        def encode(tokens: Iterable[str]) -> Tuple[bytes, ...]:
            out = tuple(t.encode("utf-8") for t in tokens)
            return tuple(t.lower() for t in out) if ignore_case else out

        regexes = spec.get("regex") or ()
        if isinstance(regexes, str):
            regexes = (regexes,)
        from .patterns import compile_pattern

        compiled = tuple(compile_pattern(r.encode("utf-8"), trusted) for r in regexes)
        return cls(
            any=encode(spec.get("any", ())),
            all=encode(spec.get("all", ())),
            regex=compiled[0] if compiled else None,
            ignore_case=ignore_case,
            also=compiled[1:],
            key_run=int(spec.get("key-run", 0)),
            at_run=bool(spec.get("regex-at-run", False)),
        )


class _FileView:
    """Memoises token lookups on one file's bytes; many rules share tokens.
    `impliers` maps a token to shorter tokens it contains: if `boto` is not in
    the file, neither are `boto3`, `botocore` nor `aioboto3`."""

    __slots__ = ("data", "_lower", "_seen", "_clauses", "_impliers", "_runs")

    def __init__(self, data: bytes, impliers: Optional[Dict[Tuple[bytes, bool], Tuple[Tuple[bytes, bool], ...]]] = None
                 ) -> None:
        self.data = data
        self._lower: Optional[bytes] = None
        self._seen: Dict[Tuple[object, bool], bool] = {}
        self._clauses: Dict[Clause, bool] = {}  # rules share clauses (CL101 and CL102)
        self._impliers = impliers or {}
        self._runs: Dict[int, bool] = {}

    def lowered(self) -> bytes:
        if self._lower is None:
            self._lower = self.data.lower()
        return self._lower

    def learn(self, probes: Tuple[object, ...], hit: int, ignore_case: bool) -> None:
        """What the gate found out, kept for the rules' clauses (a file it
        lets in is scanned again for the same tokens otherwise): the probes
        before `hit` are absent, the one at `hit` present."""
        seen = self._seen
        for index, probe in enumerate(probes[:hit + 1]):
            key = probe if probe.__class__ is bytes else probe.pattern  # type: ignore[attr-defined]
            seen[(key, ignore_case)] = index == hit

    def has(self, token: bytes, ignore_case: bool) -> bool:
        key = (token, ignore_case)
        hit = self._seen.get(key)
        if hit is None:
            for shorter in self._impliers.get(key, ()):
                if not self.has(*shorter):
                    self._seen[key] = False
                    return False
            hit = self._seen[key] = token in (self.lowered() if ignore_case else self.data)
        return hit

    def found(self, probe, ignore_case: bool) -> bool:
        if probe.__class__ is bytes:
            return self.has(probe, ignore_case)
        key = (probe.pattern, ignore_case)
        hit = self._seen.get(key)
        if hit is None:
            hit = self._seen[key] = probe.search(self.lowered() if ignore_case else self.data) is not None
        return hit

    def key_runs(self, length: int) -> Tuple[int, ...]:
        found = self._runs.get(length)
        if found is None:
            found = self._runs[length] = key_runs(self.data, length)
        return found

    def satisfies(self, clause: Clause) -> bool:
        known = self._clauses.get(clause)
        if known is None:
            known = self._clauses[clause] = self._satisfies(clause)
        return known

    def _satisfies(self, clause: Clause) -> bool:
        # `all` first: it usually names a rare module (boto3), cheaper to rule out
        if clause.all and not all(self.has(t, clause.ignore_case) for t in clause.all):
            return False
        # a key run before the `any` tokens: one pass, where eight names to look
        # for are eight (and the run is known already once a clause asked)
        runs = self.key_runs(clause.key_run) if clause.key_run else ()
        if clause.key_run and not runs:
            return False
        if clause.any and not any(self.found(p, clause.ignore_case) for p in clause.probes):
            return False
        data = self.data
        if clause.at_run and runs and runs[-1] != MANY_RUNS:
            # the regexes describe the run and its quotes: tried around each run, not over the
            # file (in an SDK's .d.ts, `[:= \t]...` tried at every blank was most of its cost)
            end = clause.key_run + RUN_MARGIN
            return all(any(r.search(data, max(at - RUN_MARGIN, 0), at + end) is not None for at in runs)
                       for r in clause.regexes)
        return all(r.search(data) is not None for r in clause.regexes)


# A key's alphabet as one byte ("a"), everything else as another (" "): after
# translate(), a run of N key characters is N "a"s that bytes.find locates.
KEY_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+")
KEY_RUNS = bytes(0x61 if byte in KEY_ALPHABET else 0x20 for byte in range(256))


RUN_MARGIN = 8  # how far before and after a run a key-run clause's regexes may reach
MAX_RUNS = 16
MANY_RUNS = -1  # ends key_runs()'s answer when there were more runs than it keeps


def key_runs(data: bytes, length: int) -> Tuple[int, ...]:
    """Where runs of exactly `length` key-alphabet bytes stand alone in data,
    with a capital and a small letter, and not made of capitalised words
    (`ListBucketInventoryConfigurationsRequest`): what the key policy would
    turn away at once does not count, an SDK's typings are full of those.
    At most MAX_RUNS positions, then MANY_RUNS."""
    runs = data.translate(KEY_RUNS)
    needle = b"a" * length
    found: List[int] = []
    at = runs.find(needle)
    while at >= 0:
        stop = runs.find(b" ", at)
        stop = len(runs) if stop < 0 else stop
        if stop - at == length and (at == 0 or runs[at - 1] != 0x61):
            run = data[at:stop]
            if run.lower() != run and run.upper() != run and not _WORDS.fullmatch(run):
                if len(found) == MAX_RUNS:
                    found.append(MANY_RUNS)
                    break
                found.append(at)
        at = runs.find(needle, stop)
    return tuple(found)


_WORDS = re.compile(rb"(?:[A-Z][a-z]+)+")


_probes_cache: Dict[Tuple[bytes, ...], Tuple[object, ...]] = {}
GROUP_PREFIX = 3


def _probes(tokens: Tuple[bytes, ...]) -> Tuple[object, ...]:
    probes = _probes_cache.get(tokens)
    if probes is None:
        if len(tokens) > 2 and _common_prefix(tokens):
            groups = [list(tokens)]  # one shared prefix, even a single byte (the AKIA family)
        else:
            by_prefix: Dict[bytes, List[bytes]] = {}
            for token in tokens:
                by_prefix.setdefault(token[:GROUP_PREFIX], []).append(token)
            groups = list(by_prefix.values())
        probes = _probes_cache[tokens] = tuple(_regex(g) if len(g) > 1 else g[0] for g in groups)
    return probes


_PATTERN_TOKENS: Dict[Pattern[bytes], Tuple[bytes, ...]] = {}  # a probe regex -> the tokens it looks for


def _regex(tokens: List[bytes]) -> Pattern[bytes]:
    prefix = _common_prefix(tuple(tokens))
    rests = b"|".join(re.escape(t[len(prefix):]) for t in sorted(tokens, key=len, reverse=True))
    pattern = re.compile(re.escape(prefix) + b"(?:" + rests + b")")
    _PATTERN_TOKENS[pattern] = tuple(tokens)
    return pattern


def _common_prefix(tokens: Tuple[bytes, ...]) -> bytes:
    first = min(tokens, key=len)
    for i, byte in enumerate(first):
        if any(t[i] != byte for t in tokens):
            return first[:i]
    return first


class Gate(NamedTuple):
    """Probes of which a file must hold at least one for any rule of a plan to
    run: the short token of each `all` clause (`boto` for boto3, botocore,
    aioboto3...) and the tokens of each `any` clause. Nine files in ten hold
    none, and this rejects them in one tight loop of scans instead of rule by
    rule (measured on the benchmark corpus: 0.55 s instead of 1.0 s)."""

    plain: Tuple[bytes, ...]
    plain_patterns: Tuple[Pattern[bytes], ...]
    folded: Tuple[bytes, ...]  # looked for in the lowercased bytes
    folded_patterns: Tuple[Pattern[bytes], ...]

    def admits(self, view: "_FileView") -> bool:
        hit = _holds_one(view.data, self.plain, self.plain_patterns)
        if hit >= 0:
            view.learn(self.plain + self.plain_patterns, hit, False)
            return True
        if self.folded or self.folded_patterns:
            # view.lowered() is kept: the rules need it again if the gate lets the file in
            hit = _holds_one(view.lowered(), self.folded, self.folded_patterns)
            if hit >= 0:
                view.learn(self.plain + self.plain_patterns, len(self.plain + self.plain_patterns), False)
                view.learn(self.folded + self.folded_patterns, hit, True)
                return True
        return False

    def probes(self) -> List[Tuple[object, bool]]:
        return [(p, False) for p in self.plain + self.plain_patterns] + \
               [(p, True) for p in self.folded + self.folded_patterns]


class _Scanner:
    """Every token a plan's clauses and gate look for, found in one pass of
    RE2's automaton (RE2::Set), instead of a scan of the file per token: a
    plan has ten to forty, and each scan reads the file at memory speed
    (the AWS-heavy tree, 46 MB: the gate's scans 206 ms, the set 70 ms, and
    what it finds answers the clauses too). A file without a gate token is
    turned away; one with tokens has the view told which are there."""

    def __init__(self, matcher, entries: List[Tuple[bytes, bool]], gate: Optional[FrozenSet[int]],
                 patterns: List[Tuple[str, bool, Tuple[int, ...]]]) -> None:
        self.matcher = matcher
        self.entries = entries  # (token, ignore_case) by index in the set
        self.gate = gate  # indices of which one must be found; None: every file goes on
        self.patterns = patterns  # (a probe regex's pattern, ignore_case, indices of its tokens)

    def admits(self, view: "_FileView") -> bool:
        matched = self.matcher.Match(view.data)  # None when nothing is there
        if matched is None and self.gate is not None:
            return False
        found = frozenset(matched or ())
        if self.gate is not None and self.gate.isdisjoint(found):
            return False
        seen = view._seen
        for index, key in enumerate(self.entries):
            seen[key] = index in found
        for pattern, ignore_case, indices in self.patterns:
            seen[(pattern, ignore_case)] = not found.isdisjoint(indices)
        return True


def _scanner(plan: Sequence[Tuple[Rule, str]], gate: Optional[Gate]):
    """The plan's _Scanner, or None without RE2 (the scans then do it all)."""
    try:
        import re2
    except ImportError:  # pragma: no cover - platforms without a google-re2 wheel
        return None
    index: Dict[Tuple[bytes, bool], int] = {}

    def entry(token: bytes, ignore_case: bool) -> int:
        return index.setdefault((token, ignore_case), len(index))

    probes: List[Tuple[object, bool]] = []
    for rule, block in plan:
        for clause in rule.triggers.get(block, ()):
            for token in clause.all + clause.any:
                entry(token, clause.ignore_case)
            probes.extend((p, clause.ignore_case) for p in clause.probes if p.__class__ is not bytes)
    if any(p not in _PATTERN_TOKENS for p, _ in probes) or gate is not None and any(
            p.__class__ is not bytes and p not in _PATTERN_TOKENS for p, _ in gate.probes()):
        return None  # a probe regex not made by _regex(): its tokens are unknown, the scans read it
    gate_ids: Optional[set] = None
    if gate is not None:
        gate_ids = set()
        for probe, ignore_case in gate.probes():
            if probe.__class__ is bytes:
                gate_ids.add(entry(probe, ignore_case))
            else:
                probes.append((probe, ignore_case))
                gate_ids.update(entry(t, ignore_case) for t in _PATTERN_TOKENS[probe])
    patterns = [(p.pattern, ci, tuple(entry(t, ci) for t in _PATTERN_TOKENS[p])) for p, ci in set(probes)]
    if not index or len(index) > MAX_SET_TOKENS or sum(len(t) for t, _ in index) > MAX_SET_BYTES:
        # (RE2::Set answers "nothing found" when its automaton runs out of memory, which
        # would turn files away unread: a set this size stays far below RE2's budget)
        return None
    entries = sorted(index, key=index.get)
    try:
        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1  # the bytes as they are
        options.log_errors = False
        options.max_mem = 64 << 20  # a budget, not an allocation: a few hundred states need far less
        matcher = re2.Set.SearchSet(options)
        for token, ignore_case in entries:
            matcher.Add(_folded(token) if ignore_case else re.escape(token))  # raises on a bad pattern
        matcher.Compile()
    except Exception:  # pragma: no cover - an older google-re2 without this API: the scans do it
        return None
    return _Scanner(matcher, entries, frozenset(gate_ids) if gate_ids is not None else None, patterns)


def _folded(token: bytes) -> bytes:
    """A pattern for `token in data.lower()`: ASCII letters in either case,
    every other byte as it is (RE2's (?i) would also fold Latin-1 letters)."""
    out = []
    for byte in token:
        char = bytes((byte,))
        out.append(b"[" + char.upper() + char + b"]" if 0x61 <= byte <= 0x7A else re.escape(char))
    return b"".join(out)


MAX_SET_TOKENS = 400  # the built-in plans have 18 to 40
MAX_SET_BYTES = 8000
UNION_AFTER = 32  # files gated in one process before the one-pass scanner is built (RE2: 5 ms to load)


def _holds_one(data: bytes, tokens: Tuple[bytes, ...], patterns: Tuple[Pattern[bytes], ...]) -> int:
    """The index of the first probe (tokens, then patterns) found, or -1."""
    for index, token in enumerate(tokens):
        if token in data:
            return index
    for index, pattern in enumerate(patterns, len(tokens)):
        if pattern.search(data) is not None:
            return index
    return -1


class _Compiled:
    __slots__ = ("impliers", "gate", "triggers", "plan", "scanner", "gated")

    def __init__(self, impliers: Dict, gate: Optional[Gate], plan: Sequence[Tuple[Rule, str]]) -> None:
        self.impliers = impliers
        self.gate = gate
        self.triggers = tuple(rule.triggers for rule, _ in plan)  # held so that the ids in the cache key stay theirs
        self.plan = list(plan)
        self.scanner = None  # None: not built yet; False: none (no RE2)
        self.gated = 0

    def prepare(self):
        if self.scanner is None:
            self.scanner = _scanner(self.plan, self.gate) or False
        return self.scanner


_compiled_cache: Dict[Tuple[Tuple[int, str], ...], _Compiled] = {}
SUFFIX_MIN = 8


_by_plan: Dict[int, Tuple[Sequence[Tuple[Rule, str]], _Compiled]] = {}


def _compile(plan: Sequence[Tuple[Rule, str]]) -> _Compiled:
    # a linter hands the same plan object for every file of a type: known by identity
    # (the plan is held, so its id is not reused), without a key built per file
    held = _by_plan.get(id(plan))
    if held is not None and held[0] is plan:
        return held[1]
    found = _compile_plan(plan)
    if len(_by_plan) > 64:
        _by_plan.clear()
    _by_plan[id(plan)] = (plan, found)
    return found


def _compile_plan(plan: Sequence[Tuple[Rule, str]]) -> _Compiled:
    key = tuple((id(rule.triggers), block) for rule, block in plan)
    found = _compiled_cache.get(key)
    if found is None:
        if len(_compiled_cache) > 64:  # rule sets reloaded many times (an editor session)
            _compiled_cache.clear()
        impliers = _impliers(plan)
        gate = _gate(plan, impliers)
        found = _compiled_cache[key] = _Compiled(_with_gate_tokens(plan, impliers, gate), gate, plan)
    return found


def _with_gate_tokens(plan: Sequence[Tuple[Rule, str]], impliers: Dict, gate: Optional[Gate]) -> Dict:
    """Impliers that also name the gate's own tokens (a shared suffix such as
    `oGZXIvYXdz` for FwoGZXIvYXdz and FQoGZXIvYXdz): what the gate learnt
    about them answers the clauses without a scan."""
    if gate is None:
        return impliers
    out = {key: list(shorter) for key, shorter in impliers.items()}
    probes = [(t, False) for t in gate.plain] + [(t, True) for t in gate.folded]
    for rule, block in plan:
        for clause in rule.triggers.get(block, ()):
            for token in clause.any + clause.all:
                ci = clause.ignore_case
                for probe, pci in probes:
                    if probe != token and (pci == ci or pci) and probe in (token.lower() if pci else token):
                        if (probe, pci) not in out.setdefault((token, ci), []):
                            out[(token, ci)].append((probe, pci))
    return {key: tuple(value) for key, value in out.items() if value}


def _impliers(plan: Sequence[Tuple[Rule, str]]) -> Dict:
    """For each token of the plan, the plan's shorter tokens it contains."""
    tokens = set()
    for rule, block in plan:
        for clause in rule.triggers.get(block, ()):
            tokens.update((t, clause.ignore_case) for t in clause.any + clause.all)
    found = {}
    for token, ci in tokens:
        shorter = tuple((t, c) for t, c in tokens
                        if len(t) < len(token) and (c == ci or c) and t in (token.lower() if c else token))
        if shorter:
            found[(token, ci)] = shorter
    return found


def _gate(plan: Sequence[Tuple[Rule, str]], impliers: Dict) -> Optional[Gate]:
    """None when some rule can run without any token (no triggers, or a
    regex-only clause): then every file goes through the rules."""
    needed = set()  # (token, ignore_case)
    groups: List[Tuple[Tuple[bytes, ...], bool]] = []  # any-clause tokens, to be scanned as the clause groups them
    mixed: List[Clause] = []  # `all` and `any` both: either one is a necessary condition
    for rule, block in plan:
        clauses = rule.triggers.get(block, ())
        if not clauses:
            return None
        for clause in clauses:
            if clause.all and clause.any:
                mixed.append(clause)
            elif clause.all:
                first = (clause.all[0], clause.ignore_case)
                needed.add(min((first,) + impliers.get(first, ()), key=lambda tc: len(tc[0])))
            elif clause.any:
                tokens = tuple(_shared_suffixes(clause.any))
                groups.append((tokens, clause.ignore_case))
                needed.update((t, clause.ignore_case) for t in tokens)
            else:
                return None
    for clause in mixed:
        # its `any` tokens when the gate looks for them already (CL202's
        # `secret`... with `all: [join(]`: `join(` is in most files and would
        # admit them all); else the `all` token, usually a rare module name
        if all((t, clause.ignore_case) in needed for t in _shared_suffixes(clause.any)):
            continue
        first = (clause.all[0], clause.ignore_case)
        needed.add(min((first,) + impliers.get(first, ()), key=lambda tc: len(tc[0])))

    def implied(token: bytes, ci: bool) -> bool:
        """Another needed token inside this one admits whatever it would
        (`boto` for `boto3`, `credential` for `set_credentials`)."""
        return any(u != token and u in (token.lower() if d else token) and (d == ci or d) for u, d in needed)

    probes = {False: [], True: []}
    for tokens, ci in groups:  # kept grouped: AKIA|ASIA|... is one regex scan, not five
        kept = tuple(t for t in tokens if not implied(t, ci))
        if kept:
            probes[ci].extend(p for p in _probes(kept) if p not in probes[ci])
    for token, ci in sorted(needed):
        if not implied(token, ci) and not any(token in g for g, c in groups if c == ci):
            probes[ci].append(token)
    return Gate(
        plain=tuple(p for p in probes[False] if p.__class__ is bytes),
        plain_patterns=tuple(p for p in probes[False] if p.__class__ is not bytes),
        folded=tuple(p for p in probes[True] if p.__class__ is bytes),
        folded_patterns=tuple(p for p in probes[True] if p.__class__ is not bytes),
    )


def _shared_suffixes(tokens: Tuple[bytes, ...]) -> List[bytes]:
    """Tokens that end alike (the session-token prefixes FwoGZXIvYXdz and
    FQoGZXIvYXdz) are looked for by their common ending: one scan, not two."""
    out: List[bytes] = []
    for token in sorted(tokens, key=lambda t: t[::-1]):
        if out:
            common = _common_prefix((out[-1][::-1], token[::-1]))[::-1]
            if len(common) >= SUFFIX_MIN:
                out[-1] = common
                continue
        out.append(token)
    return out


def warm(plan: Sequence[Tuple[Rule, str]]) -> None:
    """Compile the plan's gate and one-pass scanner now: a run about to lint
    many files, before its pool forks (built once, shared by the workers)."""
    _compile(plan).prepare()


def rules_that_may_match(data: bytes, plan: Sequence[Tuple[Rule, str]]) -> List[Tuple[Rule, str]]:
    """The (rule, block) pairs whose triggers the file satisfies; a block
    without triggers always runs."""
    compiled = _compile(plan)
    view = _FileView(data, compiled.impliers)
    scanner = compiled.scanner
    if scanner is None:
        compiled.gated += 1
        if compiled.gated >= UNION_AFTER:  # a run of a few files need not load RE2
            scanner = compiled.prepare()
    if scanner:
        if not scanner.admits(view):
            return []
    elif compiled.gate is not None and not compiled.gate.admits(view):
        return []
    out = []
    for rule, block in plan:
        clauses = rule.triggers.get(block, ())
        if not clauses or any(view.satisfies(c) for c in clauses):
            out.append((rule, block))
    return out


def simplify(clauses: Sequence[Clause]) -> List[Clause]:
    """Drop clauses that can only hold when another one does: an `all` clause
    containing a token that some `any` clause accepts on its own, or one that
    needs everything a weaker `all` clause needs (`boto`+`S3Connection` is
    implied by `boto`+`Connection`). Fewer clauses, fewer scans of the file."""
    plain = [c for c in clauses if c.regex is None and not c.ignore_case]
    singles = [t for c in plain if c.any and not c.all for t in c.any]

    def implies(token: bytes, weaker: bytes) -> bool:
        return weaker in token

    out = []
    for clause in clauses:
        if clause in plain and clause.all and not clause.any:
            if any(implies(t, u) for t in clause.all for u in singles):
                continue
            if any(
                other is not clause and other.all and not other.any and other.all != clause.all
                and all(any(implies(t, u) for t in clause.all) for u in other.all)
                for other in plain
            ):
                continue
        out.append(clause)
    return out
