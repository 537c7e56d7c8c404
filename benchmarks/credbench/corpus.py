"""The corpora the benchmark lints: real packages at pinned versions, fetched from
their registry, checked against the registry's sha256, reduced to the files of one
kind (`*.py`), and committed to a git repository of their own (see make_repo). Also
the fabricated key planted in the files of some scenarios.

A corpus is data: a CorpusSpec names the packages, the registry they come from (a
key of FETCHERS), the file suffixes kept and, per package, the paths kept or left
out (Pick). Adding one is adding a CorpusSpec to CORPORA (and, for a new registry, a
fetcher: `(name, version) -> Archive`); a scenario gets it, fetched once per run,
from `bench.corpus_of(spec)`. Downloads are kept in <cache>/downloads (checked again
against the registry's hash when reused), so corpora made of the same packages share
them.
"""
from __future__ import annotations

import base64
import fnmatch
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from . import log
from .procs import capture


class Pick(NamedTuple):
    """Which files of one package's archive are kept, by their path inside the
    archive's top directory (e.g. `lib/core.js` of `package/lib/core.js`). A
    pattern is a directory (every file under it) or an fnmatch pattern (whose
    `*` also matches `/`)."""

    package: str  # a name of CorpusSpec.packages, or "*" for every package
    keep: Tuple[str, ...] = ()  # if given, only files matching one of these
    drop: Tuple[str, ...] = ()  # files matching one of these are left out (after keep)


class CorpusSpec(NamedTuple):
    name: str  # the key in CORPORA and in results.json's "corpora"
    packages: Tuple[Tuple[str, str], ...]  # (name, version), pinned
    source: str = "pypi"  # a key of FETCHERS
    suffixes: Tuple[str, ...] = (".py",)  # the files kept; ("",) keeps every file
    directory: str = ""  # under the cache dir, the repository (default: corpus-<name>); the files are in <it>/src
    layout: str = "2"  # change it when what is extracted changes: a cached copy is then fetched again
    picks: Tuple[Pick, ...] = ()  # per package: paths kept or left out

    @property
    def dirname(self) -> str:
        return self.directory or f"corpus-{self.name}"

    def wanted(self) -> List[List[str]]:
        """What a cached copy must have been made from (kept in its manifest)."""
        extra = [] if self.suffixes == (".py",) else [["suffixes", *self.suffixes]]
        extra += [["pick", p.package, "keep", *p.keep, "drop", *p.drop] for p in self.picks]
        if self.source != "pypi":
            extra.append(["source", self.source])
        return [list(p) for p in self.packages] + extra + [["layout", self.layout]]

    def picks_for(self, package: str) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
        """(keep, drop) patterns for one package: its own Picks and those for "*"."""
        keep: List[str] = []
        drop: List[str] = []
        for pick in self.picks:
            if pick.package in ("*", package):
                keep.extend(pick.keep)
                drop.extend(pick.drop)
        return tuple(keep), tuple(drop)


# The corpus of scenarios 1-6: sdists of real projects, many of which talk to AWS.
PYTHON = CorpusSpec(
    name="python",
    packages=(
        ("django", "5.1.4"),
        ("botocore", "1.35.90"),
        ("boto3", "1.35.90"),
        ("sqlalchemy", "2.0.36"),
        ("celery", "5.4.0"),
        ("scrapy", "2.12.0"),
        ("flask", "3.1.0"),
        ("requests", "2.32.3"),
        ("s3transfer", "0.10.4"),
        ("aiobotocore", "2.16.1"),
        ("awscli", "1.36.31"),
    ),
    directory="corpus",  # .cache/corpus, .cache/corpus.json: where the benchmark has always kept it
)

# The AWS-heavy Python corpus (issue 16): sdists at the versions current when it was
# written, botocore with its test suite (tests/), sqlalchemy without its test/
# directory. AWS_PY keeps the `.py` files (what ruff reads); AWS_SDIST the same
# sdists whole (JSON service models, YAML, text...), without the sdists' own
# .gitignore files so that every tool is given every file.
AWS_PACKAGES = (
    ("django", "5.2.19"),
    ("botocore", "1.44.5"),
    ("boto3", "1.44.5"),
    ("sqlalchemy", "2.1.9"),
    ("celery", "5.7.0"),
    ("scrapy", "2.19.0"),
    ("flask", "3.1.3"),
    ("requests", "2.34.2"),
    ("httpx", "0.28.1"),
    ("click", "8.5.1"),
    ("attrs", "26.1.0"),
    ("setuptools", "84.2.1"),
)
AWS_PICKS = (Pick("sqlalchemy", drop=("test",)),)
AWS_PY = CorpusSpec(name="aws-py", packages=AWS_PACKAGES, picks=AWS_PICKS)
AWS_SDIST = CorpusSpec(name="aws-sdist", packages=AWS_PACKAGES, suffixes=("",),
                       picks=AWS_PICKS + (Pick("*", drop=(".gitignore", "*/.gitignore")),))

# The JavaScript/TypeScript corpus (issue 12): published npm packages, the files a
# JS/TS linter reads. aws-sdk v2: its lib/ and clients/ (not the dist/ bundles, nor
# the generated clients/*.d.ts: 922k lines of type declarations, more than the rest
# together); typescript 5 (the last release with lib/typescript.js: `typescript`
# 7 is the native port): the compiler itself and its declarations; rxjs and
# TanStack Query: their TypeScript sources (src/*.ts, *.tsx), not the dist/ and
# build/ output compiled from them, nor lodash's two .min.js bundles: credlint
# and oxlint skip those by default, and every tool is to be given the same files.
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx")
JS = CorpusSpec(
    name="js",
    source="npm",
    suffixes=JS_SUFFIXES,
    packages=(
        ("aws-sdk", "2.1693.0"),
        ("@aws-sdk/client-s3", "3.1178.0"),
        ("@aws-sdk/client-dynamodb", "3.1178.0"),
        ("@aws-sdk/client-lambda", "3.1178.0"),
        ("@aws-sdk/client-iam", "3.1178.0"),
        ("@aws-sdk/client-sts", "3.1178.0"),
        ("@aws-sdk/client-secrets-manager", "3.1178.0"),
        ("@aws-sdk/client-kms", "3.1178.0"),
        ("@aws-sdk/client-sqs", "3.1178.0"),
        ("@aws-sdk/client-sns", "3.1178.0"),
        ("@aws-sdk/client-cognito-identity-provider", "3.1178.0"),
        ("@aws-sdk/client-ecs", "3.1178.0"),
        ("@aws-sdk/client-cloudformation", "3.1178.0"),
        ("@aws-sdk/credential-providers", "3.1178.0"),
        ("@aws-sdk/lib-dynamodb", "3.1178.0"),
        ("@aws-sdk/lib-storage", "3.1178.0"),
        ("@aws-sdk/s3-request-presigner", "3.1178.0"),
        ("express", "5.3.0"),
        ("lodash", "4.18.1"),
        ("typescript", "5.9.3"),
        ("rxjs", "7.8.2"),
        ("zod", "4.6.7"),
        ("@tanstack/query-core", "5.108.4"),
        ("@tanstack/react-query", "5.108.4"),
    ),
    picks=(
        Pick("aws-sdk", keep=("lib", "clients"), drop=("clients/*.d.ts",)),
        Pick("typescript", keep=("lib/typescript.js", "lib/typescript.d.ts")),
        Pick("lodash", drop=("*.min.js",)),
        Pick("rxjs", drop=("dist",)),
        Pick("@tanstack/query-core", drop=("build",)),
        Pick("@tanstack/react-query", drop=("build",)),
    ),
)

CORPORA: Dict[str, CorpusSpec] = {spec.name: spec for spec in (PYTHON, AWS_PY, AWS_SDIST, JS)}


class Corpus(NamedTuple):
    spec: CorpusSpec
    repo: Path  # the git repository (config files at its root)
    src: Path  # the files linted: <repo>/src/<package dir>/...
    manifest: Dict[str, Any]  # packages (name, version, filename, sha256, py_files), files, lines, bytes


class Archive(NamedTuple):
    filename: str
    data: bytes
    sha256: str  # of data (checked against the registry when it publishes one)
    checked: str = "sha256"  # the registry's hash that data was checked against
    root: Optional[str] = None  # the directory under src/ it goes to, instead of the archive's top directory


# -- fetching -----------------------------------------------------------------------------------

SIMPLE_INDEX = "https://pypi.org/simple/{name}/"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


def fetch_url(url: str, accept: Optional[str] = None, attempts: int = 3) -> bytes:
    headers = {"User-Agent": "credlint-benchmark/1"}
    if accept:
        headers["Accept"] = accept
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:
                return response.read()
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(2 * (attempt + 1))
    raise AssertionError("unreachable")


def canonical_name(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pick_sdist(files: Sequence[Dict[str, Any]], name: str, version: str) -> Optional[Dict[str, Any]]:
    """The sdist of `name`==`version` among the files of a PEP 691 JSON index page."""
    for entry in files:
        filename = entry["filename"]
        for suffix in (".tar.gz", ".zip"):
            if filename.endswith(suffix):
                stem = filename[: -len(suffix)]
                project, _, ver = stem.rpartition("-")
                if canonical_name(project) == canonical_name(name) and ver == version:
                    return entry
    return None


def fetch_pypi_sdist(name: str, version: str) -> Archive:
    """The sdist of name==version from PyPI's JSON simple API, its sha256 checked against the index."""
    index = json.loads(fetch_url(SIMPLE_INDEX.format(name=name), SIMPLE_JSON))
    entry = pick_sdist(index["files"], name, version)
    if entry is None:
        raise RuntimeError(f"no sdist for {name}=={version} on the index")
    expected = entry.get("hashes", {}).get("sha256")
    if not expected:
        raise RuntimeError(f"{entry['filename']}: the index gives no sha256")
    data = fetch_url(entry["url"])
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise RuntimeError(f"{entry['filename']}: sha256 {actual} does not match the index's {expected}")
    return Archive(entry["filename"], data, actual)


NPM_REGISTRY = "https://registry.npmjs.org/"


def npm_dirname(name: str, version: str) -> str:
    """The directory under src/ of an npm package: `@aws-sdk/client-s3` 3.1 -> `aws-sdk-client-s3-3.1`."""
    return f"{name.lstrip('@').replace('/', '-')}-{version}"


def check_npm_integrity(data: bytes, dist: Dict[str, Any]) -> str:
    """Check a tarball against the registry's `dist.integrity` (SRI: the strongest
    of its hashes) or, for old packages without one, `dist.shasum` (sha1).
    Returns what was checked; raises if it does not match."""
    integrity = dist.get("integrity") or ""
    entries = []
    for item in integrity.split():
        algorithm, _, digest = item.partition("-")
        if algorithm in ("sha512", "sha384", "sha256") and digest:
            entries.append((algorithm, digest))
    if entries:
        algorithm, digest = max(entries, key=lambda e: int(e[0][3:]))
        actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        if actual != digest:
            raise RuntimeError(f"{algorithm} {actual} does not match the registry's dist.integrity {digest}")
        return f"{algorithm} (dist.integrity)"
    shasum = dist.get("shasum")
    if not shasum:
        raise RuntimeError("the registry gives neither dist.integrity nor dist.shasum")
    actual = hashlib.sha1(data).hexdigest()
    if actual != shasum:
        raise RuntimeError(f"sha1 {actual} does not match the registry's dist.shasum {shasum}")
    return "sha1 (dist.shasum)"


def fetch_npm_tarball(name: str, version: str) -> Archive:
    """The tarball of name@version from the npm registry (the version's JSON gives
    its URL and hash), checked against dist.integrity."""
    meta = json.loads(fetch_url(NPM_REGISTRY + urllib.parse.quote(name, safe="@") + "/" + version))
    if meta.get("version") != version:
        raise RuntimeError(f"the registry has no {name}@{version}")
    dist = meta["dist"]
    data = fetch_url(dist["tarball"])
    try:
        checked = check_npm_integrity(data, dist)
    except RuntimeError as exc:
        raise RuntimeError(f"{name}@{version}: {exc}") from None
    root = npm_dirname(name, version)
    return Archive(root + ".tgz", data, hashlib.sha256(data).hexdigest(), checked, root)


FETCHERS: Dict[str, Callable[[str, str], Archive]] = {"pypi": fetch_pypi_sdist, "npm": fetch_npm_tarball}


def fetch_archive(downloads: Path, source: str, name: str, version: str) -> Archive:
    """An archive from FETCHERS[source], kept in `downloads`/<source>/ with what it
    was checked against; a kept copy is used again if its sha256 still matches
    the one recorded when the registry's hash was checked."""
    folder = downloads / source
    record_path = folder / f"{npm_dirname(name, version) if source == 'npm' else canonical_name(name) + '-' + version}.json"
    if record_path.exists():
        record = json.loads(record_path.read_text())
        path = folder / record["filename"]
        if path.exists():
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == record["sha256"]:
                return Archive(record["filename"], data, record["sha256"], record["checked"], record.get("root"))
    archive = FETCHERS[source](name, version)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / archive.filename).write_bytes(archive.data)
    record_path.write_text(json.dumps({"name": name, "version": version, "filename": archive.filename,
                                       "sha256": archive.sha256, "checked": archive.checked, "root": archive.root}))
    return archive


# -- extracting ---------------------------------------------------------------------------------


def safe_member(name: str) -> Optional[str]:
    """An archive member's path if it is a relative path inside the archive, else None."""
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or name.startswith("/") or ".." in parts or ":" in parts[0]:
        return None
    return "/".join(parts)


def matches(path: str, patterns: Sequence[str]) -> bool:
    """Is `path` (relative, with /) one of `patterns`: a directory it is under,
    or an fnmatch pattern (`*` also matches /)?"""
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if path == pattern or path.startswith(pattern + "/") or fnmatch.fnmatchcase(path, pattern):
            return True
    return False


def picked(path: str, keep: Sequence[str] = (), drop: Sequence[str] = ()) -> bool:
    """Is the file at `path` (inside the archive's top directory) kept?"""
    return (not keep or matches(path, keep)) and not matches(path, drop)


def target_name(name: str, suffixes: Tuple[str, ...], root: Optional[str], keep: Sequence[str],
                drop: Sequence[str]) -> Optional[str]:
    """Where an archive member (a safe relative name) goes under src/, or None if
    it is not kept: its top directory replaced by `root` if given."""
    top, _, inner = name.partition("/")
    if not inner or not name.endswith(suffixes) or not picked(inner, keep, drop):
        return None
    return f"{root or top}/{inner}"


def extract(data: bytes, filename: str, destination: Path, suffixes: Tuple[str, ...] = (".py",),
            root: Optional[str] = None, keep: Sequence[str] = (), drop: Sequence[str] = ()) -> Dict[str, int]:
    """Write the archive's regular files whose names end with one of `suffixes`
    (and that `keep`/`drop` keep, see picked) under `destination` (a zip, or a
    tar in any compression), under `root` instead of the archive's top
    directory if given; returns how many files, lines and bytes."""
    out = {"files": 0, "lines": 0, "bytes": 0}

    def write(name: str, content: bytes) -> None:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        out["files"] += 1
        out["lines"] += content.count(b"\n")
        out["bytes"] += len(content)

    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                name = safe_member(info.filename)
                target = name and not info.is_dir() and target_name(name, suffixes, root, keep, drop)
                if target:
                    write(target, archive.read(info))
        return out
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive.getmembers():
            name = safe_member(member.name)
            target = name and member.isfile() and target_name(name, suffixes, root, keep, drop)
            if not target:
                continue
            source = archive.extractfile(member)
            if source is not None:
                write(target, source.read())
    return out


def kind_of(name: str) -> str:
    """A file's kind for the corpus tables: its suffix (`.d.ts` for TypeScript
    declarations, `.yaml` for `.yml`), or `(none)`."""
    lower = name.lower()
    if lower.endswith(".d.ts"):
        return ".d.ts"
    suffix = os.path.splitext(lower)[1]
    return {".yml": ".yaml"}.get(suffix, suffix or "(none)")


def count_kinds(root: Path, top: int = 8) -> Dict[str, Dict[str, int]]:
    """files, lines and bytes by kind (kind_of) under `root`: the `top` kinds
    with the most bytes, the rest as `other`."""
    kinds: Dict[str, Dict[str, int]] = {}
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            data = (Path(directory) / name).read_bytes()
            entry = kinds.setdefault(kind_of(name), {"files": 0, "lines": 0, "bytes": 0})
            entry["files"] += 1
            entry["lines"] += data.count(b"\n")
            entry["bytes"] += len(data)
    return merge_kinds(kinds, top)


def merge_kinds(kinds: Dict[str, Dict[str, int]], top: int) -> Dict[str, Dict[str, int]]:
    """The `top` kinds with the most bytes (ties by name), then `other`: the rest summed."""
    ranked = sorted(kinds.items(), key=lambda item: (-item[1]["bytes"], item[0]))
    out = dict(ranked[:top])
    rest = [v for _, v in ranked[top:]]
    if rest:
        out["other"] = {k: sum(v[k] for v in rest) for k in ("files", "lines", "bytes")}
    return out


def count_tree(root: Path, suffixes: Tuple[str, ...] = (".py",)) -> Dict[str, int]:
    files = lines = size = 0
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            if name.endswith(suffixes):
                data = (Path(directory) / name).read_bytes()
                files += 1
                lines += data.count(b"\n")
                size += len(data)
    return {"files": files, "lines": lines, "bytes": size}


# -- a repository of its own --------------------------------------------------------------------


def git(args: Sequence[str], cwd: Path) -> str:
    return capture(["git", "-c", "user.name=credlint-benchmark", "-c", "user.email=benchmark@localhost",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=str(cwd))


ISOLATION_CONFIGS = {
    # the nearest config file wins: without these, credlint and ruff would read the
    # checkout's pyproject.toml (credlint's own [tool.credlint] excludes tests/)
    ".credlint.toml": "# credlint's benchmark: default settings (stops the search for a config above)\n",
    "ruff.toml": "# credlint's benchmark: default settings (stops the search for a config above)\n",
    # semgrep's built-in ignore list (used when no .semgrepignore exists) skips tests/:
    # an empty one makes it scan the files the other tools scan
    ".semgrepignore": "# credlint's benchmark: scan everything the other tools scan\n",
}


def make_repo(directory: Path, commit: bool = True) -> None:
    """Make `directory` a git repository of its own (committed), with default
    configuration files at its root. Everything the benchmark lints lives in
    one: the checkout's .gitignore ignores benchmarks/.cache/, and git-aware
    tools (credlint, ruff, semgrep, detect-secrets) would otherwise see an
    ignored tree and skip it; the checkout's own configuration must not apply
    either. A repository with its config at the root is also what these tools
    meet in real use. The files linted are in a subdirectory (or named), so
    the config files are not among them."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in ISOLATION_CONFIGS.items():
        (directory / name).write_text(text)
    if not (directory / ".git").exists():
        git(["init", "-q"], directory)
    if commit:
        git(["add", "-A"], directory)
        if git(["status", "--porcelain"], directory).strip():
            git(["commit", "-q", "--no-verify", "-m", "benchmark corpus"], directory)


def fetch_corpus(cache: Path, spec: CorpusSpec = PYTHON) -> Corpus:
    """Fetch the pinned packages (checked against the registry's sha256), keep
    only the files with the spec's suffixes: <cache>/<dir>/src/<package dir>/...,
    in a git repository at <cache>/<dir> (see make_repo). A copy made from the
    same spec is reused (its manifest is <cache>/<dir>.json)."""
    repo = cache / spec.dirname
    src = repo / "src"
    manifest_path = cache / f"{spec.dirname}.json"
    wanted = spec.wanted()
    if manifest_path.exists() and (repo / ".git").exists() and src.is_dir():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("packages_wanted") == wanted:
            log(f"corpus {spec.name}: cached in {src} ({manifest['files']} files, {manifest['lines']} lines)")
            return Corpus(spec, repo, src, manifest)
    if repo.exists():
        shutil.rmtree(repo)
    src.mkdir(parents=True)
    packages = []
    for name, version in spec.packages:
        archive = fetch_archive(cache / "downloads", spec.source, name, version)
        keep, drop = spec.picks_for(name)
        counts = extract(archive.data, archive.filename, src, spec.suffixes, archive.root, keep, drop)
        kinds = "every" if spec.suffixes == ("",) else "/".join(spec.suffixes)
        log(f"corpus {spec.name}: {archive.filename} ({len(archive.data) // 1024} KiB, {archive.checked} ok): "
            f"{counts['files']} {kinds} files, {counts['lines']} lines")
        # "py_files": the files kept (the name predates corpora of other languages; RESULTS.md reads it)
        packages.append({"name": name, "version": version, "filename": archive.filename, "sha256": archive.sha256,
                         "checked": archive.checked, "py_files": counts["files"], "lines": counts["lines"]})
    make_repo(repo)
    manifest = {"packages_wanted": wanted, "packages": packages, **count_tree(src, spec.suffixes),
                "kinds": count_kinds(src)}
    manifest_path.write_text(json.dumps(manifest, indent=2))
    log(f"corpus {spec.name}: {manifest['files']} files, {manifest['lines']} lines in {src}")
    return Corpus(spec, repo, src, manifest)


# -- a fabricated key to plant ------------------------------------------------------------------

PLANT_SEED = "credlint benchmark: fabricated, never a real key"


def fabricated_keys(seed: str = PLANT_SEED) -> Tuple[str, str]:
    """An access key id and secret that look real to every scanner but are made
    up here, from a hash (so no key-shaped literal lives in this repository)."""
    digest = hashlib.sha256(seed.encode()).digest()
    key_id = "AKIA" + base64.b32encode(digest).decode()[:16]
    secret = base64.b64encode(hashlib.sha256(digest).digest() + digest[:12]).decode()[:40]
    return key_id, secret


def planted_snippet(seed: str = PLANT_SEED) -> str:
    """Python code that passes the fabricated key to boto3.client (appended to a real file)."""
    key_id, secret = fabricated_keys(seed)
    return (
        "\n\ndef _benchmark_planted_client():  # planted by credlint's benchmark: a fabricated key\n"
        "    import boto3\n\n"
        f'    return boto3.client("s3", aws_access_key_id="{key_id}", aws_secret_access_key="{secret}")\n'
    )
