"""Which files a run lints.

Explicit files are always linted, unless --force-exclude is given and an
exclude pattern matches them (pre-commit passes every staged file by name). Directories are walked, skipping VCS
and tool directories, virtualenvs and what .gitignore files ignore, with
git's semantics: deeper .gitignore files override shallower ones, and a
directory that is ignored is not entered. Pattern matching is pathspec's.
"""
import fnmatch
import os
import re
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from .paths import matchable

# Directories only (the trailing slash): a script named `build` or `dist` is
# linted like any file.
DEFAULT_EXCLUDE = (
    ".bzr/", ".direnv/", ".eggs/", ".git/", ".git-rewrite/", ".hg/", ".svn/", ".mypy_cache/", ".nox/",
    ".pants.d/", ".pytype/", ".ruff_cache/", ".pytest_cache/", ".tox/", ".venv/", ".terraform/",
    ".credlint_cache/", "__pypackages__/", "__pycache__/", "_build/", "buck-out/", "build/", "dist/",
    "node_modules/", "site-packages/", "venv/", "*.egg-info/",
    # minified bundles: generated from sources that are linted themselves
    "*.min.js", "*.min.mjs", "*.min.cjs",
)

# Never worth opening: the engine would only find them binary.
BINARY_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .bmp .ico .webp .tif .tiff .psd .pdf .zip .gz .tgz .bz2 .xz .zst .7z .rar "
    ".tar .whl .egg .jar .war .class .so .dylib .dll .exe .o .a .lib .pyc .pyo .pyd .mo .woff .woff2 "
    ".ttf .otf .eot .mp3 .mp4 .mov .avi .wav .ogg .flac .sqlite .db .parquet .npy .npz .pkl .pickle "
    ".bin .dat .iso .dmg".split()
)


class Candidate(NamedTuple):
    path: str  # as shown to the user
    absolute: str
    explicit: bool  # named on the command line (or by pre-commit)


_GLOB = set("*?[]!/")


class ExcludeSpec:
    """Exclude patterns, gitignore-style, relative to the directory of the
    config that wrote them. Plain names (`build`, `node_modules`) are a set
    lookup; only real patterns go through pathspec."""

    def __init__(self, base: str, patterns: Sequence[str]) -> None:
        self.base = os.path.abspath(base)
        names, dir_names, name_globs, dir_globs, paths = set(), set(), [], [], []
        negated = any(p.startswith("!") for p in patterns)
        for pattern in patterns:
            bare = pattern.rstrip("/")
            directory_only = pattern.endswith("/")  # gitignore: `build/` is a directory, never a file
            if negated or "/" in bare:
                paths.append(pattern)  # anchored, or order matters (a later `!x` re-includes): pathspec decides
            elif _GLOB & set(bare):
                (dir_globs if directory_only else name_globs).append(fnmatch.translate(bare))
            else:
                (dir_names if directory_only else names).add(bare)
        self.names = frozenset(names)
        self.dir_names = frozenset(dir_names)
        # gitignore: a pattern without a slash matches a name at any depth
        self.name_regex = re.compile("|".join(name_globs)) if name_globs else None
        self.dir_regex = re.compile("|".join(dir_globs)) if dir_globs else None
        self.spec = None
        if paths:
            from pathspec import GitIgnoreSpec

            self.spec = GitIgnoreSpec.from_lines(paths)

    def excluded(self, absolute: str, is_dir: bool, name: Optional[str] = None) -> bool:
        """`name`: the path's last component, when the caller has it (a walk)."""
        if name is None:
            name = os.path.basename(absolute)
        if name in self.names or (is_dir and name in self.dir_names):
            return True
        if self.name_regex is not None and self.name_regex.match(name):
            return True
        if is_dir and self.dir_regex is not None and self.dir_regex.match(name):
            return True
        if self.spec is None:
            return False
        rel = os.path.relpath(absolute, self.base).replace(os.sep, "/")
        if rel.startswith("../"):
            rel = name
        return self.spec.match_file(matchable(rel) + ("/" if is_dir else ""))

    def excluded_anywhere(self, absolute: str, is_dir: bool) -> bool:
        """For a path named explicitly: excluded itself, or under an excluded directory."""
        if self.excluded(absolute, is_dir):
            return True
        rel = os.path.relpath(absolute, self.base)
        if rel.startswith(".."):
            return False
        parent = os.path.dirname(absolute)
        while len(parent) >= len(self.base) and parent != os.path.dirname(parent):
            if parent != self.base and self.excluded(parent, True):
                return True
            parent = os.path.dirname(parent)
        return False


class Discovery:
    """`excludes_for(directory)` gives the exclude spec in force for a
    directory (its nearest config's), so a nested config's excludes hold in
    its own subtree."""

    def __init__(self, excludes_for: Callable[[str], ExcludeSpec], respect_gitignore: bool = True,
                 force_exclude: bool = False) -> None:
        self.excludes_for = excludes_for
        self.respect_gitignore = respect_gitignore
        self.force_exclude = force_exclude
        self._gitignore_cache: Dict[str, object] = {}
        self.refused: List[Tuple[str, str]] = []  # (path as shown, why the OS refused it): not scanned

    def files(self, paths: Sequence[str]) -> Iterator[Candidate]:
        seen = set()
        for given in paths:
            absolute = os.path.abspath(given)
            is_dir = os.path.isdir(absolute)
            if self.force_exclude and self.excludes_for(absolute if is_dir else os.path.dirname(absolute)
                                                        ).excluded_anywhere(absolute, is_dir):
                continue
            if is_dir:
                shown = os.path.normpath(given)
                for path in self._walk(absolute, "" if shown == "." else shown):
                    if path.absolute not in seen:
                        seen.add(path.absolute)
                        yield path
            elif absolute not in seen:
                seen.add(absolute)
                yield Candidate(given, absolute, True)

    def _walk(self, top: str, shown: str) -> Iterator[Candidate]:
        ignores = self._ancestor_ignores(top) if self.respect_gitignore else []
        stack: List[Tuple[str, str, list]] = [(top, shown, ignores)]
        while stack:
            directory, display, inherited = stack.pop()
            exclude = self.excludes_for(directory)
            specs = inherited
            if self.respect_gitignore:
                own = self._gitignore(directory)
                if own is not None:
                    specs = inherited + [(directory, own)]
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                self.refused.append((display or directory, exc.strerror or type(exc).__name__))
                continue
            subdirs = []
            prefix = os.path.join(display, "") if display else ""
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and entry.is_file()
                except OSError as exc:
                    self.refused.append((os.path.join(display, name) if display else name,
                                         exc.strerror or type(exc).__name__))
                    continue
                if is_dir:
                    if exclude.excluded(entry.path, True, name) or _is_virtualenv(entry.path) or _is_cache(entry.path):
                        continue
                    if specs and _ignored(specs, entry.path, True):
                        continue
                    subdirs.append((entry.path, prefix + name, specs))
                elif is_file:
                    dot = name.rfind(".")  # splitext's suffix: none when only dots come before it
                    binary = dot > 0 and name[dot:].lower() in BINARY_SUFFIXES and (
                        name[0] != "." or name[:dot].lstrip("."))
                    if binary or exclude.excluded(entry.path, False, name):
                        continue
                    if specs and _ignored(specs, entry.path, False):
                        continue
                    yield Candidate(prefix + name, entry.path, False)
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
        # (git's template .git/info/exclude is comments only: no spec, rather than
        # an empty one every file of the repository is checked against)
        lines = [line for line in lines if line.strip() and not line.startswith("#")]
        if lines:
            from pathspec import GitIgnoreSpec

            spec = GitIgnoreSpec.from_lines(lines)
        self._gitignore_cache[directory] = spec
        return spec

    def _ancestor_ignores(self, top: str) -> list:
        """.gitignore files above the walked directory, up to the repository root."""
        chain = []
        current = os.path.dirname(os.path.abspath(top))
        if os.path.isdir(os.path.join(top, ".git")):
            return []
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
        rel = relative_to(base, path) + ("/" if directory else "")
        result = spec.check_file(rel)
        if result.include is not None:
            verdict = result.include
    return bool(verdict)


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def _is_cache(path: str) -> bool:
    """A directory tagged per https://bford.info/cachedir/ (credlint's own caches, and others')."""
    return os.path.exists(os.path.join(path, "CACHEDIR.TAG"))


def git_root(path: str) -> Optional[str]:
    """The repository (a directory holding `.git`) at or above `path`."""
    current = os.path.abspath(path)
    if not os.path.isdir(current):
        current = os.path.dirname(current)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def find_root(paths: Sequence[str]) -> str:
    """The project root of a run: the repository that holds the first path,
    else the current directory. Excludes, the cache and fingerprints are
    relative to it, so a baseline means the same thing from any directory."""
    return git_root(paths[0] if paths else os.getcwd()) or os.getcwd()


def relative_to(root: str, absolute: str) -> str:
    """POSIX path relative to `root` (for fingerprints and the cache)."""
    prefix = root.rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):  # the common case, without relpath's cost
        rel = absolute[len(prefix):]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        rel = absolute
    return rel.replace(os.sep, "/")
