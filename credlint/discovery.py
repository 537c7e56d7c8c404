"""Which files a run lints.

Explicit files are always linted (unless --force-exclude and an exclude
pattern match, which pre-commit needs). Directories are walked, skipping VCS
and tool directories, virtualenvs and what .gitignore files ignore, with
git's semantics: deeper .gitignore files override shallower ones, and a
directory that is ignored is not entered. Pattern matching is pathspec's.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".svn", ".mypy_cache", ".nox",
    ".pants.d", ".pytype", ".ruff_cache", ".pytest_cache", ".tox", ".venv", ".terraform",
    ".credlint_cache", "__pypackages__", "__pycache__", "_build", "buck-out", "build", "dist",
    "node_modules", "site-packages", "venv", "*.egg-info",
)

# Never worth opening: the engine would only find them binary.
BINARY_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .webp .tif .tiff .psd .pdf .zip .gz .tgz .bz2 .xz .zst .7z .rar "
    ".tar .whl .egg .jar .war .class .so .dylib .dll .exe .o .a .lib .pyc .pyo .pyd .mo .woff .woff2 "
    ".ttf .otf .eot .mp3 .mp4 .mov .avi .wav .ogg .flac .sqlite .db .parquet .npy .npz .pkl .pickle "
    ".bin .dat .iso .dmg".split()
)


@dataclass(frozen=True)
class Candidate:
    path: str  # as shown to the user
    absolute: str
    explicit: bool  # named on the command line (or by pre-commit)


@dataclass
class Discovery:
    root: str  # project root: excludes and fingerprints are relative to it
    exclude: Sequence[str] = DEFAULT_EXCLUDE
    extend_exclude: Sequence[str] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    _exclude_spec: object = field(default=None, init=False, repr=False)
    _gitignore_cache: Dict[str, object] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        from pathspec import GitIgnoreSpec

        self._exclude_spec = GitIgnoreSpec.from_lines(list(self.exclude) + list(self.extend_exclude))
        self.root = os.path.abspath(self.root)

    # -- public ----------------------------------------------------------------

    def files(self, paths: Sequence[str]) -> Iterator[Candidate]:
        seen = set()
        for given in paths:
            absolute = os.path.abspath(given)
            if os.path.isdir(absolute):
                if self.force_exclude and self.is_excluded(absolute, directory=True):
                    continue
                for path in self._walk(absolute, given):
                    if path.absolute not in seen:
                        seen.add(path.absolute)
                        yield path
            elif absolute not in seen:
                if self.force_exclude and self.is_excluded(absolute, directory=False):
                    continue
                seen.add(absolute)
                yield Candidate(given, absolute, True)

    def relative(self, absolute: str) -> str:
        """The path relative to the project root, in POSIX form (for fingerprints and excludes)."""
        try:
            rel = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows
            return Path(absolute).as_posix()
        return Path(rel).as_posix()

    def is_excluded(self, absolute: str, directory: bool) -> bool:
        rel = self.relative(absolute)
        if rel.startswith("../"):
            rel = Path(absolute).name
        parts = rel.split("/")
        # a pattern like `build` excludes anything under a directory of that name
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i]) + ("/" if i < len(parts) or directory else "")
            if self._exclude_spec.match_file(sub):
                return True
        return False

    # -- walking ---------------------------------------------------------------

    def _walk(self, top: str, shown: str) -> Iterator[Candidate]:
        ignores = self._ancestor_ignores(top) if self.respect_gitignore else []
        stack: List[Tuple[str, str, list]] = [(top, shown, ignores)]
        exclude = self._exclude_spec
        while stack:
            directory, display, inherited = stack.pop()
            specs = inherited
            if self.respect_gitignore:
                own = self._gitignore(directory)
                if own is not None:
                    specs = inherited + [(directory, own)]
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError:
                continue
            subdirs = []
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and entry.is_file()
                except OSError:
                    continue
                if is_dir:
                    if exclude.match_file(name + "/") or _is_virtualenv(entry.path):
                        continue
                    if specs and _ignored(specs, entry.path, True):
                        continue
                    subdirs.append((entry.path, os.path.join(display, name), specs))
                elif is_file:
                    if exclude.match_file(name) or os.path.splitext(name)[1].lower() in BINARY_SUFFIXES:
                        continue
                    if specs and _ignored(specs, entry.path, False):
                        continue
                    yield Candidate(os.path.join(display, name), entry.path, False)
            stack.extend(reversed(subdirs))

    def _gitignore(self, directory: str):
        if directory in self._gitignore_cache:
            return self._gitignore_cache[directory]
        spec = None
        lines: List[str] = []
        for name in (".gitignore", os.path.join(".git", "info", "exclude")):
            try:
                with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                    lines.extend(handle.read().splitlines())
            except OSError:
                pass
        if lines:
            from pathspec import GitIgnoreSpec

            spec = GitIgnoreSpec.from_lines(lines)
        self._gitignore_cache[directory] = spec
        return spec

    def _ancestor_ignores(self, top: str) -> list:
        """.gitignore files above the walked directory, up to the repository root."""
        chain = []
        current = os.path.dirname(os.path.abspath(top))
        while True:
            spec = self._gitignore(current)
            if spec is not None:
                chain.append((current, spec))
            if os.path.isdir(os.path.join(current, ".git")):
                break
            parent = os.path.dirname(current)
            if parent == current:
                return []  # not in a repository: ancestors' ignores do not apply
            current = parent
        return list(reversed(chain))


def _ignored(specs, path: str, directory: bool) -> bool:
    verdict: Optional[bool] = None
    for base, spec in specs:
        rel = os.path.relpath(path, base).replace(os.sep, "/") + ("/" if directory else "")
        result = spec.check_file(rel)
        if result.include is not None:
            verdict = result.include
    return bool(verdict)


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def find_root(paths: Sequence[str]) -> str:
    """The project root of a run: the repository that holds the first path,
    else the current directory. Excludes, the cache and fingerprints are
    relative to it, so a baseline means the same thing from any directory."""
    start = os.path.abspath(paths[0]) if paths else os.getcwd()
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    current = start
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return os.getcwd()
        current = parent
