"""Which configuration applies where: the nearest config file above each
path decides, and a Workspace keeps one Project per configuration. It also
turns what a request names (paths, a buffer, the git index) into the files
to lint."""
from __future__ import annotations

import os
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from .config import ConfigError, config_in, load_config
from .discovery import Discovery, find_root
from .model import FileReport, FileResult, Notice
from .project import Project, UsageError
from .ruleset import RuleSet
from .settings import Overrides, build_settings


class Unit(NamedTuple):
    """One file to lint."""

    path: str  # as shown to the user
    absolute: str
    explicit: bool  # named (on the command line, by pre-commit, by an editor), not found by a walk
    data: Optional[bytes] = None  # its content when given (a buffer, the git index); None: read the file
    cache_key: str = ""  # the results cache's key when not its path (a git blob's)


_SEPARATORS = os.sep + (os.altsep or "")


class Workspace:
    """`ruleset` replaces the rules of every configuration (a rule file under
    test); `incremental` keeps parsed trees between lints of the same buffer
    (the language server)."""

    def __init__(self, overrides: Overrides = Overrides(), config_file: Optional[str] = None,
                 isolated: bool = False, root: Optional[str] = None, ruleset: Optional[RuleSet] = None,
                 incremental: bool = False) -> None:
        self.overrides = overrides
        self.config_file = os.path.abspath(config_file) if config_file else None
        self.isolated = isolated
        self.root = root
        self.ruleset = ruleset
        self.incremental = incremental
        self._session = None
        self._projects: Dict[Optional[str], Project] = {}
        self._config_of_dir: Dict[str, Optional[str]] = {}
        self._project_of_dir: Dict[str, Project] = {}

    def _root(self, path: str) -> str:
        if self.root is None:
            self.root = find_root([path])
        return self.root

    def config_path_for(self, directory: str) -> Optional[str]:
        if self.config_file or self.isolated:
            return self.config_file
        directory = os.path.abspath(directory)
        chain = []
        current = directory
        found = None
        while True:
            if current in self._config_of_dir:
                found = self._config_of_dir[current]
                break
            chain.append(current)
            found = config_in(current)
            if found:
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for d in chain:
            self._config_of_dir[d] = found
        return found

    def project_for(self, path: str) -> Project:
        absolute = os.path.abspath(path)
        directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        config_path = self.config_path_for(directory)
        project = self._projects.get(config_path)
        if project is None:
            try:
                config = load_config(config_path, fallback_dir=self._root(absolute))
            except ConfigError as exc:
                raise UsageError(str(exc)) from None
            project = Project(build_settings(config, self.overrides, self._root(absolute)), self.ruleset,
                              self.session())
            self._projects[config_path] = project
        return project

    def project_of_file(self, absolute: str) -> Project:
        """project_for a file's absolute path, asked once per file of a run:
        a dict lookup by its directory, no stat."""
        # (a key only: "" for a file at the root; the lookup below gets the real directory)
        directory = absolute[:absolute.rfind("/")] if _SEPARATORS == "/" else os.path.dirname(absolute)
        project = self._project_of_dir.get(directory)
        if project is None:
            project = self._project_of_dir[directory] = self.project_for(os.path.dirname(absolute))
        return project

    def session(self):
        """Analyzer state shared by this workspace's projects (languages.base.Session)."""
        if self._session is None and self.incremental:
            from .languages.base import Session

            self._session = Session(incremental=True)
        return self._session

    # -- what a request names -----------------------------------------------------------

    def discovery(self, paths: Sequence[str]) -> Discovery:
        top = self.project_for(paths[0] if paths else ".")
        return Discovery(
            excludes_for=lambda directory: self.project_for(directory).exclude,
            respect_gitignore=top.settings.respect_gitignore,
            force_exclude=top.settings.force_exclude,
        )

    def units_for_paths(self, paths: Sequence[str]) -> Tuple[List[Unit], List[FileReport]]:
        """The files under `paths`, and reports for paths that cannot be
        linted at all (missing, or refused by the OS while walking)."""
        failed: List[FileReport] = []
        return list(self.walk(paths, failed)), failed

    def walk(self, paths: Sequence[str], failed: List[FileReport]) -> Iterator[Unit]:
        """The files under `paths` as the walk finds them (the runner starts
        on the first ones while it goes on); reports for paths that cannot be
        linted at all are added to `failed`, completely once the walk ends."""
        discovery = self.discovery(paths)
        for candidate in discovery.files(paths):
            problem = _probe(candidate.absolute) if candidate.explicit else None
            if problem is not None:
                failed.append(_failed(candidate.path, *problem))
            else:
                yield Unit(candidate.path, candidate.absolute, candidate.explicit)
        for path, reason in discovery.refused:
            failed.append(_failed(path, f"cannot read: {reason}", "unreadable"))

    def unit_for_buffer(self, path: str, data: bytes, cache_key: str = "") -> Optional[Unit]:
        """A buffer linted as the file at `path` (stdin, an editor); None
        when --force-exclude (or the editor) excludes that path."""
        absolute = os.path.abspath(path)
        if self.project_for(absolute).settings.force_exclude and self.project_for(absolute).excluded(absolute):
            return None
        return Unit(path, absolute, True, data, cache_key)

    def units_for_index(self, cwd: str = ".") -> List[Unit]:
        """What git has staged (the index content, not the working tree),
        minus what the configuration excludes."""
        from .staged import GitError, staged_files

        try:
            staged = list(staged_files(cwd))
        except GitError as exc:
            raise UsageError(str(exc)) from None
        units = []
        for absolute, data in staged:
            if not self.project_for(absolute).excluded(absolute):
                units.append(Unit(os.path.relpath(absolute), absolute, True, data))
        return units


def _probe(absolute: str) -> Optional[Tuple[str, str]]:
    """Why a path named explicitly cannot be linted: (message, notice kind)."""
    try:
        os.stat(absolute)
    except FileNotFoundError:
        if os.path.islink(absolute):
            return "a broken symbolic link (its target does not exist)", "missing"
        return "no such file or directory", "missing"
    except OSError as exc:
        return f"cannot read: {exc.strerror or type(exc).__name__}", "unreadable"
    return None


def _failed(path: str, message: str, kind: str) -> FileReport:
    return FileReport(FileResult(path, notices=(Notice(path, message, level="error", kind=kind),), skipped=True))
