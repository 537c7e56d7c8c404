"""The corpora the benchmark lints: real packages at pinned versions, fetched from
their registry, checked against the registry's sha256, reduced to the files of one
kind (`*.py`), and committed to a git repository of their own (see make_repo). Also
the fabricated key planted in the files of some scenarios.

A corpus is data: a CorpusSpec names the packages, the registry they come from (a
key of FETCHERS) and the file suffixes kept. Adding one is adding a CorpusSpec to
CORPORA (and, for a new registry, a fetcher: `(name, version) -> Archive`); a
scenario gets it, fetched once per run, from `bench.corpus_of(spec)`.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from . import log
from .procs import capture


class CorpusSpec(NamedTuple):
    name: str  # the key in CORPORA and in results.json's "corpora"
    packages: Tuple[Tuple[str, str], ...]  # (name, version), pinned
    source: str = "pypi"  # a key of FETCHERS
    suffixes: Tuple[str, ...] = (".py",)  # the files kept
    directory: str = ""  # under the cache dir, the repository (default: corpus-<name>); the files are in <it>/src
    layout: str = "2"  # change it when what is extracted changes: a cached copy is then fetched again

    @property
    def dirname(self) -> str:
        return self.directory or f"corpus-{self.name}"

    def wanted(self) -> List[List[str]]:
        """What a cached copy must have been made from (kept in its manifest)."""
        extra = [] if self.suffixes == (".py",) else [["suffixes", *self.suffixes]]
        return [list(p) for p in self.packages] + extra + [["layout", self.layout]]


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

CORPORA: Dict[str, CorpusSpec] = {spec.name: spec for spec in (PYTHON,)}


class Corpus(NamedTuple):
    spec: CorpusSpec
    repo: Path  # the git repository (config files at its root)
    src: Path  # the files linted: <repo>/src/<package dir>/...
    manifest: Dict[str, Any]  # packages (name, version, filename, sha256, py_files), files, lines, bytes


class Archive(NamedTuple):
    filename: str
    data: bytes
    sha256: str  # checked against the registry


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


FETCHERS: Dict[str, Callable[[str, str], Archive]] = {"pypi": fetch_pypi_sdist}


# -- extracting ---------------------------------------------------------------------------------


def safe_member(name: str) -> Optional[str]:
    """An archive member's path if it is a relative path inside the archive, else None."""
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or name.startswith("/") or ".." in parts or ":" in parts[0]:
        return None
    return "/".join(parts)


def extract(data: bytes, filename: str, destination: Path, suffixes: Tuple[str, ...] = (".py",)) -> int:
    """Write the archive's members whose names end with one of `suffixes` under
    `destination` (a zip, or a tar in any compression); returns how many."""
    count = 0
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                name = safe_member(info.filename)
                if name and name.endswith(suffixes) and not info.is_dir():
                    target = destination / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(info))
                    count += 1
        return count
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive.getmembers():
            name = safe_member(member.name)
            if not name or not name.endswith(suffixes) or not member.isfile():
                continue
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
                count += 1
    return count


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
    fetcher = FETCHERS[spec.source]
    packages = []
    for name, version in spec.packages:
        archive = fetcher(name, version)
        count = extract(archive.data, archive.filename, src, spec.suffixes)
        log(f"corpus {spec.name}: {archive.filename} ({len(archive.data) // 1024} KiB, sha256 ok): "
            f"{count} {'/'.join(spec.suffixes)} files")
        # "py_files": the files kept (the name predates corpora of other languages; RESULTS.md reads it)
        packages.append({"name": name, "version": version, "filename": archive.filename, "sha256": archive.sha256,
                         "py_files": count})
    make_repo(repo)
    manifest = {"packages_wanted": wanted, "packages": packages, **count_tree(src, spec.suffixes)}
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
