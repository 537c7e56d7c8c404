"""The git histories of scenario 10 (`history`): the project's own, and a generated one.

- The project's own history: a `git clone --no-local` of the repository that holds
  the benchmark (`git rev-parse --show-toplevel` from the package's directory) into
  <cache>/history-self, so that no scan touches the working checkout. Made again on
  every run (it is small); its remote branches become local ones, so that a tool that
  scans branches (trufflehog) and one that scans every ref (credlint) see the same
  commits.
- A generated history (`generate`): N commits built in one `git fast-import` stream
  from real `.py` files of the Python corpus, with the churn of a real project: files
  added, edited (a few lines), renamed, deleted, several at once; and a handful of
  fabricated AWS keys (key id and secret) planted in some commits and taken out in
  later ones, each with the commit that introduced it recorded. Deterministic: the
  same corpus, size and seed give the same commits, byte for byte (and so the same
  hashes). Kept in <cache>/history-<N> with a manifest (<cache>/history-<N>.json)
  stamped with HISTORY_VERSION: a rerun reuses it.

Both repositories get a default `.credlint.toml` in their working tree, untracked:
the nearest config file wins, and the checkout's own pyproject.toml (which excludes
`tests/` and `rules/`) is above them.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import IO, Any, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

from . import BENCH_DIR, log
from .corpus import ISOLATION_CONFIGS, PLANT_SEED, fabricated_keys, git
from .procs import capture

HISTORY_VERSION = "1"  # change it when what generate() writes changes: a cached history is built again
FULL_COMMITS = 20_000
QUICK_COMMITS = 2_000
SEED = "credlint benchmark: a generated git history"
MIN_BYTES, MAX_BYTES = 512, 48 * 1024  # the corpus files a history is made of
EPOCH = 1_577_836_800  # 2020-01-01T00:00:00Z: the first commit; one commit every 30 to 60 minutes after it
AUTHORS = tuple((f"Developer {n}", f"dev{n}@example.com") for n in range(1, 9))

# The kinds of commit, drawn from a shuffled deck (so that every kind comes up in any
# 25 commits): edits of 1 to 3 files, additions, renames (half of them with an edit),
# deletions, and "mixed" commits (a file added, one or two edited, one deleted).
DECK = ("edit",) * 18 + ("add",) * 3 + ("rename",) * 2 + ("delete",) + ("mixed",)
KINDS = ("edit", "add", "rename", "delete", "mixed")

# How each planted key gets in, and out (the six are used in turn).
PLANT_HOWS = (
    "boto3.client(...) appended to a .py file; reverted later",
    "a new production.env; the file deleted later",
    "constants appended to a .py file; the file renamed; the lines removed later",
    "a new config/aws.yaml; the values replaced by ${ENV} references later",
    "a new ops/credentials.ini; the file deleted later",
    "a new config/credentials.json; the file deleted later",
)

WORDS = ("handle", "retry", "the", "paginated", "response", "when", "region", "is", "missing", "cache", "client",
         "per", "thread", "keep", "legacy", "behaviour", "for", "old", "callers", "see", "issue", "validate",
         "input", "before", "sending", "request", "fallback", "to", "default", "endpoint", "avoid", "copy",
         "large", "payload", "log", "warning", "instead", "of", "raising", "note", "this", "runs", "once")


class Planted(NamedTuple):
    """A fabricated key planted in the generated history."""

    key_id: str
    secret: str
    how: str  # one of PLANT_HOWS
    path: str  # where it was planted
    commit_index: int  # the commit that introduced it (0: the first commit)
    removed_index: Optional[int]  # the commit that took it out (None: still at HEAD)
    renamed_index: Optional[int] = None  # the commit that renamed its file (with the key in it)
    renamed_to: Optional[str] = None
    lines: Sequence[int] = ()  # the lines (1-based) of the planted file version that hold the key id or secret


def masked(key_id: str) -> str:
    """A key id as credlint's messages show it (AKIA************WXYZ)."""
    return key_id[:4] + "*" * (len(key_id) - 8) + key_id[-4:]


def pool_size(commits: int) -> int:
    """How many corpus files a history of `commits` commits is made of (3,000 for 20,000 commits)."""
    return max(8, min(3000, commits * 3 // 20))


def key_count(commits: int) -> int:
    return min(6, max(3, commits // 15))


def pick_files(src: Path, count: int, seed: str = SEED) -> List[Tuple[str, bytes]]:
    """`count` `.py` files of MIN_BYTES..MAX_BYTES under `src` (relative path, bytes), a
    seeded sample of the sorted candidates: the same tree gives the same files."""
    candidates = []
    for directory, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(names):
            path = Path(directory) / name
            if name.endswith(".py") and MIN_BYTES <= path.stat().st_size <= MAX_BYTES:
                candidates.append(path.relative_to(src).as_posix())
    candidates.sort()
    chosen = random.Random(f"{seed}:pick").sample(candidates, min(count, len(candidates)))
    return [(rel, (src / rel).read_bytes()) for rel in chosen]


def planted_keys(count: int, seed: str = SEED) -> List[Tuple[str, str]]:
    """`count` fabricated (key id, secret) pairs whose masked forms all differ."""
    out: List[Tuple[str, str]] = []
    n = 0
    while len(out) < count:
        key_id, secret = fabricated_keys(f"{PLANT_SEED} / {seed} / {n}")
        n += 1
        if all(masked(key_id) != masked(k) for k, _ in out):
            out.append((key_id, secret))
    return out


# -- the edits ----------------------------------------------------------------------------------


def _comment(rng: random.Random) -> bytes:
    return ("# " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))).encode()


def _indent(line: bytes) -> bytes:
    return line[: len(line) - len(line.lstrip(b" \t"))]


def _continued(lines: List[bytes], pos: int) -> bool:
    """Does the line before `pos` continue onto the next (a backslash)? Nothing is inserted there."""
    return pos > 0 and lines[pos - 1].rstrip(b"\r\n").endswith(b"\\")


def edit_lines(content: bytes, rng: random.Random) -> bytes:
    """A few lines changed, as a developer's small commit changes them, and the Python
    still parses if it did: comment lines inserted, reworded or deleted, blank lines
    added or dropped, now and then a small function appended."""
    lines = content.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        roll = rng.random()
        op = ("insert comment" if roll < 0.40 else "reword comment" if roll < 0.60 else "delete comment"
              if roll < 0.80 else "delete blank" if roll < 0.90 else "insert blank" if roll < 0.95 else "append function")
        comments = [i for i, line in enumerate(lines) if line.lstrip().startswith(b"#")]
        blanks = [i for i, line in enumerate(lines) if not line.strip() and not _continued(lines, i)]
        if (op in ("reword comment", "delete comment") and not comments) or (op == "delete blank" and not blanks):
            op = "insert comment"
        if op in ("insert comment", "insert blank"):
            pos = rng.randint(0, len(lines))
            while _continued(lines, pos):
                pos -= 1
            indent = _indent(lines[pos]) if pos < len(lines) else b""
            lines.insert(pos, indent + _comment(rng) + b"\n" if op == "insert comment" else b"\n")
        elif op == "reword comment":
            i = rng.choice(comments)
            lines[i] = _indent(lines[i]) + _comment(rng) + b"\n"
        elif op == "delete comment":
            del lines[rng.choice(comments)]
        elif op == "delete blank":
            del lines[rng.choice(blanks)]
        else:
            name = "_".join(rng.choice(WORDS) for _ in range(2))
            lines.append(f"\n\ndef _{name}_{rng.randint(1, 999)}(value):\n    return value\n".encode())
    out = b"".join(lines)
    return out if out != content else content + _comment(rng) + b"\n"


# -- the plan, written as a fast-import stream ----------------------------------------------------


class _Writer:
    """The fast-import stream, one commit at a time, and the tree as it stands."""

    def __init__(self, out: IO[bytes], rng: random.Random) -> None:
        self.out = out
        self.rng = rng
        self.tree: Dict[str, bytes] = {}
        self.index = 0
        self.stamp = EPOCH

    def commit(self, message: str, changes: Sequence[Tuple[str, Optional[bytes]]]) -> None:
        """One commit: (path, new content) or (path, None) to delete."""
        name, email = AUTHORS[self.rng.randrange(len(AUTHORS))]
        if self.index:
            self.stamp += self.rng.randint(1800, 3600)
        msg = message.encode() + b"\n"
        w = self.out.write
        w(b"commit refs/heads/main\n")
        w(f"author {name} <{email}> {self.stamp} +0000\n".encode())
        w(f"committer {name} <{email}> {self.stamp} +0000\n".encode())
        w(b"data %d\n%s" % (len(msg), msg))
        for path, content in changes:
            if content is None:
                w(b"D %s\n" % path.encode())
                self.tree.pop(path, None)
            else:
                w(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content))
                self.tree[path] = content
        w(b"\n")
        self.index += 1


def _free_path(path: str, taken: Dict[str, bytes], suffix: str) -> str:
    stem, ext = os.path.splitext(path)
    candidate, n = f"{stem}{suffix}{ext}", 2
    while candidate in taken:
        candidate, n = f"{stem}{suffix}{n}{ext}", n + 1
    return candidate


def _schedule(commits: int, keys: int, rng: random.Random) -> Dict[int, Tuple[str, int]]:
    """commit index -> ("plant" | "rename" | "remove", key number): planted keys spread
    over the history, each taken out 3 to commits/12 commits later (renamed in between
    for the third way of planting)."""
    slots: Dict[int, Tuple[str, int]] = {}

    def take(index: int, what: str, k: int) -> Optional[int]:
        while index < commits and index in slots:
            index += 1
        if index >= commits:
            return None
        slots[index] = (what, k)
        return index

    spread = max(1, commits // (4 * (keys + 1)))
    for k in range(keys):
        center = (k + 1) * commits // (keys + 1)
        planted = take(max(1, center + rng.randint(-spread, spread)), "plant", k)
        if planted is None:
            continue
        gap = rng.randint(max(3, commits // 200), max(4, commits // 12))
        if k % len(PLANT_HOWS) == 2:
            take(planted + gap // 2, "rename", k)
        take(planted + gap, "remove", k)
    return slots


def generate(out: IO[bytes], files: Sequence[Tuple[str, bytes]], commits: int,
             seed: str = SEED) -> Dict[str, Any]:
    """Write a fast-import stream of `commits` commits on refs/heads/main, made of
    `files` (relative path, content: real source files) to `out`; returns the plan:
    {"kinds": commits by kind, "changes": files added/edited/renamed/deleted,
    "planted": [Planted as a dict, with commit indexes]}. The first commit adds a
    quarter of the files; the others are added over the history."""
    if commits < 10 or len(files) < 4:
        raise ValueError("a generated history needs at least 10 commits and 4 files")
    rng = random.Random(f"{seed}:{commits}")
    writer = _Writer(out, rng)
    pending = list(files)
    first = max(3, len(pending) // 4)
    initial, pending = pending[:first], pending[first:]
    writer.commit(f"Initial import ({len(initial)} files)", initial)
    kinds = {k: 0 for k in KINDS}
    kinds["initial"] = 1
    changes = {"added": len(initial), "edited": 0, "renamed": 0, "deleted": 0}
    nkeys = key_count(commits)
    keys = planted_keys(nkeys, seed)
    slots = _schedule(commits, nkeys, rng)
    locked: Set[str] = set()  # files holding a planted key: random churn leaves them alone
    planted: Dict[int, Dict[str, Any]] = {}
    before: Dict[int, bytes] = {}  # what a .py file held before its key was appended
    deck: List[str] = []

    def unlocked() -> List[str]:
        """The .py files random churn may touch, in the tree's (deterministic) order."""
        return [p for p in writer.tree if p not in locked and p.endswith(".py")]

    def top_dir() -> str:
        return rng.choice(unlocked()).split("/", 1)[0]

    for index in range(1, commits):
        slot = slots.get(index)
        if slot:
            what, k = slot
            key_id, secret = keys[k]
            how = k % len(PLANT_HOWS)
            if what == "plant":
                kinds["plant"] = kinds.get("plant", 0) + 1
                if how in (0, 2):
                    path = rng.choice(unlocked())
                    before[k] = writer.tree[path]
                    if how == 0:
                        extra = ("\n\ndef _upload_report(body):\n    import boto3\n\n"
                                 f'    client = boto3.client("s3", aws_access_key_id="{key_id}", '
                                 f'aws_secret_access_key="{secret}")\n'
                                 '    return client.put_object(Bucket="reports", Key="latest", Body=body)\n')
                    else:
                        extra = f'\nAWS_ACCESS_KEY_ID = "{key_id}"\nAWS_SECRET_ACCESS_KEY = "{secret}"\n'
                    content = before[k] + (b"" if before[k].endswith(b"\n") else b"\n") + extra.encode()
                    changes["edited"] += 1
                else:
                    name, text = {
                        1: ("deploy/production.env",
                            f"AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\nAWS_DEFAULT_REGION=eu-west-1\n"),
                        3: ("config/aws.yaml",
                            f"aws:\n  region: us-east-1\n  access_key_id: {key_id}\n  secret_access_key: {secret}\n"),
                        4: ("ops/credentials.ini",
                            f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
                            "region = us-west-2\n"),
                        5: ("config/credentials.json",
                            f'{{\n  "accessKeyId": "{key_id}",\n  "secretAccessKey": "{secret}"\n}}\n'),
                    }[how]
                    path = _free_path(f"{top_dir()}/{name}", writer.tree, "")
                    content = text.encode()
                    changes["added"] += 1
                locked.add(path)
                writer.commit(f"Add {os.path.basename(path)} settings", [(path, content)])
                lines = [n for n, line in enumerate(content.decode(errors="replace").splitlines(), 1)
                         if key_id in line or secret in line]
                planted[k] = {"key_id": key_id, "secret": secret, "how": PLANT_HOWS[how], "path": path,
                              "commit_index": index, "removed_index": None, "current": path, "lines": lines}
            elif what == "rename" and k in planted:
                kinds["rename"] += 1
                old = planted[k]["current"]
                new = _free_path(old, writer.tree, "_local")
                content = writer.tree[old]
                locked.discard(old)
                locked.add(new)
                writer.commit(f"Move {os.path.basename(old)} to {os.path.basename(new)}", [(old, None), (new, content)])
                planted[k].update(renamed_index=index, renamed_to=new, current=new)
                changes["renamed"] += 1
            elif what == "remove" and k in planted:
                kinds["remove"] = kinds.get("remove", 0) + 1
                path = planted[k]["current"]
                if how in (0, 2):
                    change: Tuple[str, Optional[bytes]] = (path, before[k])
                    changes["edited"] += 1
                elif how == 3:
                    text = writer.tree[path].decode()
                    text = text.replace(key_id, "${AWS_ACCESS_KEY_ID}").replace(secret, "${AWS_SECRET_ACCESS_KEY}")
                    change = (path, text.encode())
                    changes["edited"] += 1
                else:
                    change = (path, None)
                    changes["deleted"] += 1
                locked.discard(path)
                writer.commit(f"Remove credentials from {os.path.basename(path)}", [change])
                planted[k]["removed_index"] = index
            continue
        if not deck:
            deck = list(DECK)
            rng.shuffle(deck)
        kind = deck.pop()
        # files still to add, per add or mixed commit still to come (4 in 25): additions
        # spread over the whole history instead of running out half way
        share = len(pending) / max(1.0, (commits - index) * 4 / 25)
        if kind == "add" and (not pending or (share < 1 and rng.random() >= share)):
            kind = "edit"
        candidates = unlocked()
        if kind in ("rename", "delete") and len(candidates) < 6:
            kind = "edit"
        kinds[kind] += 1
        batch: List[Tuple[str, Optional[bytes]]] = []
        if kind == "edit":
            for path in rng.sample(candidates, min(rng.choice((1, 1, 1, 2, 2, 3)), len(candidates))):
                batch.append((path, edit_lines(writer.tree[path], rng)))
            changes["edited"] += len(batch)
            message = f"Update {', '.join(os.path.basename(p) for p, _ in batch)}"
        elif kind == "add":
            n = min(len(pending), max(1, round(share * rng.choice((0.5, 1.0, 1.0, 1.5)))))
            batch, pending = list(pending[:n]), pending[n:]
            changes["added"] += n
            message = f"Add {', '.join(os.path.basename(p) for p, _ in batch)}"
        elif kind == "rename":
            old = rng.choice(candidates)
            if rng.random() < 0.5:
                new = _free_path(old, writer.tree, rng.choice(("_legacy", "_impl", "_v2", "_base")))
            else:
                folder = rng.choice(candidates).rsplit("/", 1)[0]
                new = _free_path(f"{folder}/{old.rsplit('/', 1)[-1]}", writer.tree, "_moved")
            content = writer.tree[old]
            if rng.random() < 0.5:
                content = edit_lines(content, rng)
            batch = [(old, None), (new, content)]
            changes["renamed"] += 1
            message = f"Rename {os.path.basename(old)} to {os.path.basename(new)}"
        elif kind == "delete":
            old = rng.choice(candidates)
            batch = [(old, None)]
            changes["deleted"] += 1
            message = f"Remove {os.path.basename(old)}"
        else:  # mixed
            if pending and rng.random() < share:
                batch.append(pending.pop(0))
                changes["added"] += 1
            edited = rng.sample(candidates, min(rng.choice((1, 2)), len(candidates)))
            batch += [(p, edit_lines(writer.tree[p], rng)) for p in edited]
            changes["edited"] += len(edited)
            gone = [p for p in candidates if p not in edited]
            if len(gone) > 5 and rng.random() < 0.5:
                batch.append((rng.choice(gone), None))
                changes["deleted"] += 1
            message = "Refactor " + ", ".join(os.path.basename(p) for p, _ in batch)
        writer.commit(message, batch)
    out.write(b"done\n")
    keys_out = [Planted(p["key_id"], p["secret"], p["how"], p["path"], p["commit_index"], p["removed_index"],
                        p.get("renamed_index"), p.get("renamed_to"), p["lines"])._asdict()
               for _, p in sorted(planted.items())]
    return {"kinds": kinds, "changes": changes, "planted": keys_out, "files_at_head": len(writer.tree),
            "files_used": len(files) - len(pending)}


def build(repo: Path, files: Sequence[Tuple[str, bytes]], commits: int, seed: str = SEED,
          pack: bool = True) -> Dict[str, Any]:
    """A new repository at `repo` holding generate()'s history (one fast-import
    stream; then, if `pack`, `git gc` as a real repository is packed), checked out,
    with a default .credlint.toml (untracked). Returns generate()'s plan with the
    planted keys' commit hashes ("commit", "removed_commit") and "head"."""
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    git(["init", "-q"], repo)
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=str(repo), stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        plan = generate(proc.stdin, files, commits, seed)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise RuntimeError(f"git fast-import failed: {err[-3000:]}")
    if pack:
        git(["gc", "-q", "--prune=now"], repo)
    hashes = git(["rev-list", "--reverse", "refs/heads/main"], repo).split()
    if len(hashes) != commits:
        raise RuntimeError(f"{repo}: {len(hashes)} commits, {commits} planned")
    git(["reset", "-q", "--hard", "main"], repo)
    (repo / ".credlint.toml").write_text(ISOLATION_CONFIGS[".credlint.toml"])
    for key in plan["planted"]:
        key["commit"] = hashes[key["commit_index"]]
        key["removed_commit"] = hashes[key["removed_index"]] if key["removed_index"] is not None else None
        if key.get("renamed_index") is not None:
            key["renamed_commit"] = hashes[key["renamed_index"]]
    plan["head"] = hashes[-1]
    plan["commits"] = commits
    return plan


def commit_order(repo: Path) -> Dict[str, int]:
    """Every commit reachable from any ref -> its position, oldest first."""
    return {sha: i for i, sha in enumerate(git(["rev-list", "--reverse", "--topo-order", "--all"], repo).split())}


def pack_size(repo: Path) -> int:
    total = 0
    for directory, _, names in os.walk(repo / ".git" / "objects"):
        total += sum((Path(directory) / n).stat().st_size for n in names)
    return total


def generated_history(cache: Path, src: Path, corpus_wanted: Any, commits: int, seed: str = SEED) -> Dict[str, Any]:
    """The generated history of `commits` commits in <cache>/history-<commits>, made
    from the corpus at `src` (whose spec is `corpus_wanted`), reused if the manifest
    says it was made the same way (HISTORY_VERSION, size, seed, corpus) and HEAD is
    still the one it recorded. Returns the manifest (with "repo")."""
    repo = cache / f"history-{commits}"
    manifest_path = cache / f"history-{commits}.json"
    wanted = {"version": HISTORY_VERSION, "commits": commits, "seed": seed, "corpus": corpus_wanted}
    if manifest_path.exists() and (repo / ".git").exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("wanted") == wanted:
            try:
                head = git(["rev-parse", "refs/heads/main"], repo).strip()
            except RuntimeError:
                head = None
            if head == manifest.get("head"):
                log(f"history: generated, cached in {repo} ({commits:,} commits)")
                return dict(manifest, repo=str(repo))
    started = time.monotonic()
    files = pick_files(src, pool_size(commits), seed)
    log(f"history: generating {commits:,} commits from {len(files):,} corpus files with git fast-import")
    plan = build(repo, files, commits, seed)
    manifest = {"wanted": wanted, **plan, "pool": len(files), "pack_bytes": pack_size(repo),
                "build_s": time.monotonic() - started}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    log(f"history: generated {commits:,} commits in {manifest['build_s']:.0f} s ({manifest['pack_bytes'] / 1e6:.0f} MB "
        f"packed), {len(plan['planted'])} keys planted")
    return dict(manifest, repo=str(repo))


# -- the project's own history ------------------------------------------------------------------


def source_repository(start: Path = BENCH_DIR) -> Optional[Path]:
    """The top of the git repository that holds the benchmark, or None (an unpacked sdist)."""
    try:
        return Path(capture(["git", "-C", str(start), "rev-parse", "--show-toplevel"]).strip())
    except (OSError, RuntimeError):
        return None


def own_history(cache: Path, source: Optional[Path] = None) -> Optional[Dict[str, Any]]:
    """A fresh `git clone --no-local` of the project's repository into
    <cache>/history-self, every remote branch made a local one, with a default
    .credlint.toml; None if the benchmark is not in a git repository."""
    source = source or source_repository()
    if source is None:
        return None
    repo = cache / "history-self"
    if repo.exists():
        shutil.rmtree(repo)
    started = time.monotonic()
    capture(["git", "clone", "-q", "--no-local", str(source), str(repo)])
    for ref in git(["for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin"], repo).split():
        if ref != "HEAD" and not git(["branch", "--list", ref], repo).strip():
            git(["branch", "-q", ref, f"origin/{ref}"], repo)
    (repo / ".credlint.toml").write_text(ISOLATION_CONFIGS[".credlint.toml"])
    branches = git(["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"], repo).split()
    return {"repo": str(repo), "source": str(source), "head": git(["rev-parse", "HEAD"], repo).strip(),
            "commits": int(git(["rev-list", "--count", "--all"], repo).strip()),
            "merges": int(git(["rev-list", "--count", "--merges", "--all"], repo).strip()),
            "branches": branches, "pack_bytes": pack_size(repo), "clone_s": time.monotonic() - started}


KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b")


def sha1(text: str) -> str:
    """What detect-secrets reports of a secret (`hashed_secret`)."""
    return hashlib.sha1(text.encode()).hexdigest()
