"""`credlint --verify`: is a key that credlint found live?

Opt-in only, from the command line only (never the language server, never
the default pre-commit hooks). For each complete key pair found in a file (an
access key id and its secret access key, plus a session token for a temporary
`ASIA` id), it calls AWS STS GetCallerIdentity, which any valid key may call
whatever its permissions, and sets each finding's `liveness`:

    live: arn:aws:iam::123456789012:user/deploy    the key works: rotate it now
    rejected                                       AWS refused it (deleted, deactivated, expired, made up)
    unknown: <reason>                              no answer (network, timeout, throttling)

What is sent, and where: the request goes only to the STS endpoint
(`--verify-endpoint`, else `AWS_ENDPOINT_URL_STS`, else AWS's regional STS
endpoint; endpoints configured in AWS config files or `AWS_ENDPOINT_URL` are
ignored). It is signed with the secret key (SigV4): the key id, a signature
and any session token travel, the secret key itself does not. At most
MAX_PAIRS pairs per run, one attempt each, a short timeout; once the endpoint
fails to answer, the remaining pairs are not sent at all.

Pairing: a pair is preferably taken from one finding (an SDK call that
holds both; the finding's message names the masked key id, its span holds
the values, or its `key` is the hash of them); what is left in the file is
paired by proximity (a `.env` file: the id on one line, the secret on the
next). Raw secrets come from `api.raw_secrets` and live only in this module's
locals: every text that leaves it goes through redaction.
"""
from __future__ import annotations

import os
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from .model import FileReport, FileResult, Finding, Notice
from .redaction import mask, mask_key_shapes, redact_fragments, redact_message, redact_text, secret_hash

MAX_PAIRS = 20  # STS calls per run, at most
DEFAULT_TIMEOUT = 5.0  # seconds, to connect and to read each
DEFAULT_REGION = "us-east-1"
INSTALL_HINT = "pip install 'credlint[verify]'"
ID, SECRET, TOKEN = "access-key-id", "secret-access-key", "session-token"  # key policy shape names

# Error codes by which STS says the credentials are not valid (any more).
REJECTED_CODES = frozenset({
    "InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied", "AccessDeniedException",
    "UnrecognizedClientException", "InvalidAccessKeyId", "AuthFailure", "ExpiredToken",
    "ExpiredTokenException", "InvalidToken",
})


class Unavailable(Exception):
    """botocore is not installed (it is the optional `verify` extra)."""


class KeyPair(NamedTuple):
    key_id: str
    secret: str
    token: str = ""

    @property
    def values(self) -> Tuple[str, ...]:
        return tuple(v for v in (self.key_id, self.secret, self.token) if v)

    @property
    def complete(self) -> bool:
        return bool(self.key_id and self.secret and (self.token or not self.key_id.startswith("ASIA")))


def require() -> None:
    """Fail before linting when --verify cannot run."""
    try:
        import botocore.session  # noqa: F401
    except ImportError:
        raise Unavailable(f"--verify calls AWS STS with botocore, which is not installed: {INSTALL_HINT}") from None


def endpoint_for(flag: Optional[str]) -> Optional[str]:
    """--verify-endpoint wins over AWS_ENDPOINT_URL_STS; None: AWS's own."""
    return flag or os.environ.get("AWS_ENDPOINT_URL_STS") or None


# -- pairing ---------------------------------------------------------------------------


def pair_file(findings: Sequence[Finding], secrets: Sequence[str], policy,
              text: str) -> Tuple[List[KeyPair], Dict[int, int], List[int]]:
    """The key pairs of one file, which finding is about which pair (finding
    index -> pair index), and the findings about key material that no
    complete pair covers (a lone key id, an ASIA id without its token)."""
    values = list(dict.fromkeys(secrets))
    shape = {v: policy.key_shape(v) for v in values}
    ids = [v for v in values if shape[v] == ID]
    keys = [v for v in values if shape[v] == SECRET]
    tokens = [v for v in values if shape[v] == TOKEN]
    where = {v: text.find(v) for v in values}
    pairs: List[KeyPair] = []
    about: Dict[int, int] = {}
    by_hash = _hashes(ids, keys, tokens) if len(ids) * len(keys) * (len(tokens) + 1) <= 2000 else {}

    def add(pair: KeyPair) -> int:
        if pair not in pairs:
            pairs.append(pair)
        return pairs.index(pair)

    lines = text.splitlines()
    mentioned: Dict[int, List[str]] = {}
    for index, finding in enumerate(findings):  # pairs held by one finding first
        span_text = "\n".join(lines[max(finding.span.line - 1, 0):finding.span.end_line])
        mentioned[index] = [v for v in values if mask(v) in finding.message or v in span_text]
        if finding.key in by_hash:
            about[index] = add(by_hash[finding.key])
            continue
        inside = _nearest([v for v in mentioned[index] if v in ids], [v for v in mentioned[index] if v in keys],
                          [v for v in mentioned[index] if v in tokens], where)
        if inside:
            pair = inside[0]
            if pair.key_id.startswith("ASIA") and not pair.token:  # its token may be written elsewhere
                used = {v for p in pairs for v in p.values}
                pair = _nearest([pair.key_id], [pair.secret], [t for t in tokens if t not in used], where)[0]
            about[index] = add(pair)
    used = {v for p in pairs for v in p.values}
    for pair in _nearest([v for v in ids if v not in used], [v for v in keys if v not in used],
                         [v for v in tokens if v not in used], where):  # then what is left in the file
        add(pair)
    incomplete = []
    for index in range(len(findings)):
        if index not in about:
            owner = next((i for i, p in enumerate(pairs) if set(mentioned[index]) & set(p.values)), None)
            if owner is not None:
                about[index] = owner
            elif mentioned[index]:
                incomplete.append(index)
    keep = [i for i, p in enumerate(pairs) if p.complete]
    for index, owner in list(about.items()):
        if owner not in keep:
            del about[index]
            incomplete.append(index)
    renumber = {old: new for new, old in enumerate(keep)}
    return [pairs[i] for i in keep], {f: renumber[p] for f, p in about.items()}, sorted(incomplete)


def _hashes(ids: Sequence[str], keys: Sequence[str], tokens: Sequence[str]) -> Dict[str, KeyPair]:
    """A finding's `key` is the hash of the secrets it holds, in the order it
    holds them (engine.py): the combinations that could have made it."""
    from itertools import permutations

    out: Dict[str, KeyPair] = {}
    for key_id in ids:
        for secret in keys:
            for token in list(tokens) + [""]:
                pair = KeyPair(key_id, secret, token if key_id.startswith("ASIA") else "")  # a long-term key has none
                for order in permutations([v for v in (key_id, secret, token) if v]):
                    out.setdefault(secret_hash("\0".join(order))[:16], pair)
    return out


def _nearest(ids: Sequence[str], keys: Sequence[str], tokens: Sequence[str], where: Dict[str, int]) -> List[KeyPair]:
    """Each key id with the nearest unused secret key in the text (and, for an
    ASIA id, the nearest unused session token), closest pairs first; in the
    order of the file."""
    def distance(a: str, b: str) -> int:
        return abs(where[a] - where[b]) if where[a] >= 0 and where[b] >= 0 else 1 << 40

    taken: set = set()
    chosen: Dict[str, str] = {}
    for _, key_id, secret in sorted((distance(i, k), i, k) for i in ids for k in keys):
        if key_id not in chosen and secret not in taken:
            chosen[key_id] = secret
            taken.add(secret)
    out = []
    for key_id in sorted(chosen, key=lambda v: where[v]):
        token = ""
        if key_id.startswith("ASIA"):
            token = min((t for t in tokens if t not in taken), key=lambda t: distance(key_id, t), default="")
            taken.add(token)
        out.append(KeyPair(key_id, chosen[key_id], token))
    return out


# -- asking STS ------------------------------------------------------------------------


class Checker:
    """Calls STS GetCallerIdentity, one attempt per pair; after the endpoint
    fails to answer once, answers "unknown" without sending anything."""

    def __init__(self, endpoint: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        require()
        import botocore.session

        self.endpoint = endpoint
        self.timeout = timeout
        self.down = ""  # why the endpoint did not answer
        self.session = botocore.session.Session()

    def __call__(self, pair: KeyPair) -> str:
        if self.down:
            return f"unknown: not checked, {self.down}"
        try:
            answer = self._ask(pair)
        except Exception as exc:  # never let a network problem end the run, or print a key
            answer = "unknown: " + self._reason(exc)
        if answer.startswith("live: "):
            return "live: " + mask_key_shapes(redact_fragments(redact_text(answer[6:], pair.values), pair.values))
        return redact_message(answer, pair.values)

    def _ask(self, pair: KeyPair) -> str:
        from botocore.config import Config
        from botocore.exceptions import ClientError

        options = dict(connect_timeout=self.timeout, read_timeout=self.timeout, retries={"total_max_attempts": 1})
        if "ignore_configured_endpoint_urls" in Config.OPTION_DEFAULTS:  # not AWS_ENDPOINT_URL, nor config files
            options["ignore_configured_endpoint_urls"] = True
        # The found key itself, on purpose: the one place where credlint uses a key.
        client = self.session.create_client(  # credlint: ignore[CL102]
            "sts", region_name=os.environ.get("AWS_REGION") or DEFAULT_REGION, endpoint_url=self.endpoint,
            aws_access_key_id=pair.key_id, aws_secret_access_key=pair.secret,
            aws_session_token=pair.token or None, config=Config(**options))
        try:
            return "live: " + str(client.get_caller_identity().get("Arn") or "(no ARN in the answer)")
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code") or "")
            if code in REJECTED_CODES:
                return "rejected"
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return f"unknown: STS answered {code or 'an error'}" + (f" (HTTP {status})" if status else "")
        finally:
            client.close()

    def _reason(self, exc: Exception) -> str:
        from botocore import exceptions as errors

        where = self.endpoint or "AWS STS"
        if isinstance(exc, (errors.ConnectTimeoutError, errors.ReadTimeoutError)):
            self.down = f"{where} did not answer within {self.timeout:g} s"
            return f"timed out after {self.timeout:g} s ({where})"
        if isinstance(exc, errors.SSLError):
            self.down = f"TLS failed with {where}"
            return self.down
        if isinstance(exc, (errors.ConnectionError, errors.HTTPClientError)):
            self.down = f"could not connect to {where}"
            return self.down
        if isinstance(exc, errors.BotoCoreError):
            return " ".join(str(exc).split())[:160]
        return type(exc).__name__


# -- a whole run -----------------------------------------------------------------------


def verify_reports(files: Sequence[FileReport], *, secrets_of: Callable[[str, bytes], List[str]],
                   policy_of: Callable[[str], object], check: Callable[[KeyPair], str],
                   buffer: Optional[bytes] = None, staged: bool = False,
                   limit: int = MAX_PAIRS) -> List[FileReport]:
    """`files` with each finding's liveness set, and notices for what was
    not checked. `buffer`: the content of the one file linted from stdin (its
    fixed content, if fixed, is the report's); `staged`: the index was linted,
    whose content is not at hand."""
    plans = []  # (file index, pairs, finding index -> pair index)
    out = list(files)
    for index, report in enumerate(files):
        result = report.result
        if not result.findings:
            continue
        if staged:  # once for the run
            out[index] = _notice(report, "--verify: not checked: the staged index is not verified "
                                         "(run credlint --verify on the working tree)")
            break
        data = report.fixed if report.fixed is not None else buffer if buffer is not None else _read(result.path)
        if data is None:
            out[index] = _notice(report, "--verify: not checked: the file could not be read again")
            continue
        pairs, about, incomplete = pair_file(result.findings, secrets_of(result.path, data),
                                             policy_of(result.path), data.decode("utf-8", "replace"))
        if incomplete:
            out[index] = _notice(report, f"--verify: {len(incomplete)} finding{'s' if len(incomplete) != 1 else ''} "
                                         "not checked: no complete key pair in this file (an access key id and "
                                         "its secret key, and a session token for an ASIA id)")
        plans.append((index, pairs, about))
    answers: Dict[KeyPair, str] = {}
    skipped: Dict[int, int] = {}
    for index, pairs, about in plans:
        for number in sorted(set(about.values())):
            pair = pairs[number]
            if pair in answers:
                continue
            if len(answers) < limit:
                answers[pair] = check(pair)
            else:
                skipped[index] = skipped.get(index, 0) + 1
    for index, pairs, about in plans:
        result = out[index].result
        findings = tuple(f._replace(liveness=answers.get(pairs[about[i]], "")) if i in about else f
                         for i, f in enumerate(result.findings))
        out[index] = out[index]._replace(result=result._replace(findings=findings))
    if skipped:
        first = min(skipped)
        total = sum(skipped.values())
        out[first] = _notice(out[first], f"--verify: {len(answers) + total} key pairs found, {len(answers)} checked "
                                         f"(at most {limit} per run): {total} not checked, here and in later files")
    return out


def _notice(report: FileReport, message: str) -> FileReport:
    result: FileResult = report.result
    notice = Notice(result.path, message, level="warning", kind="verify")
    return report._replace(result=result._replace(notices=result.notices + (notice,)))


def _read(path: str) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None
