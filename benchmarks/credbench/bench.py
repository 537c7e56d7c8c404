"""What every scenario shares (Bench: the options, the corpus, the tools, the credlint
measured, its cache directories, the load marks, results.json as it grows), and
what a scenario is (Scenario: a name, how it runs, its targets, its RESULTS.md section)."""
from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from . import log
from .corpus import PYTHON, Corpus, CorpusSpec, fetch_corpus
from .machine import cpu_snapshot, loadavg, machine, other_load, speed_probe, steal_share, usable_cpus
from .procs import run_timed
from .tools import CacheDirs, setup_credlint, setup_tools


def no_charts(results: Dict[str, Any]) -> List[Any]:
    return []


class Scenario(NamedTuple):
    """One scenario, in a module of its own under credbench/scenarios/ (listed in
    scenarios/__init__.py, in the order they run and appear in RESULTS.md).

    run(bench) measures and stores what it found in bench.results (usually
    bench.results["scenarios"][name]); targets(results) returns the rows of the
    targets table it judges (stats.target(...)); render(results) returns the
    lines of its RESULTS.md section; charts(results), if it has any, its bar
    charts (charts.Chart), which cli.py writes next to the report. All get
    results.json's content and must return nothing when the scenario did not run."""

    name: str  # for --only, and the key of its results
    run: Callable[["Bench"], None]
    targets: Callable[[Dict[str, Any]], List[Dict[str, Any]]]
    render: Callable[[Dict[str, Any]], List[str]]
    charts: Callable[[Dict[str, Any]], List[Any]] = no_charts


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cache = Path(args.cache_dir).resolve()
        self.quick = bool(args.quick)
        self.reps = args.reps or (2 if args.quick else 5)
        self.slow_reps = args.slow_reps or (1 if args.quick else 3)
        self.ncpu = usable_cpus()
        self.results: Dict[str, Any] = {"scenarios": {}, "load": []}
        self._snapshot: Optional[Dict[str, float]] = None
        self._corpora: Dict[str, Corpus] = {}
        self.out = self.cache / "out"  # reports and profiles the scenarios write (emptied at setup)

    # -- setup --

    def setup(self) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir()
        self.results["started"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        self.results["machine"] = machine()
        main = fetch_corpus(self.cache, PYTHON)
        self._corpora[PYTHON.name] = main
        self.corpus_info = main.manifest
        self.repo = main.repo  # the main corpus's git repository ...
        self.corpus = main.src  # ... and the files the scenarios lint
        self.results["corpus"] = self.corpus_info
        self.tools = setup_tools(self.cache / "tools-venv", self.args.quick, self.args.skip_semgrep)
        self.results["tools"] = self.tools
        self.credlint = setup_credlint(self.args.credlint_python, self.args.credlint_source, self.cache)
        self.results["credlint"] = self.credlint
        self.dirs = CacheDirs(self.cache / "credlint-cache", self.credlint)
        self.results["rss_floor_kb"] = run_timed(["true"]).maxrss_kb
        self.results["reps"] = self.reps
        self.results["quick"] = self.quick
        log(f"credlint {self.credlint['version']} via {self.credlint['how']}")
        for name, tool in self.tools.items():
            log(f"{name}: {tool.get('version') or tool.get('error')}")

    def corpus_of(self, spec: CorpusSpec) -> Corpus:
        """Another corpus (corpus.CORPORA), fetched on first use; its manifest goes
        to results["corpora"][name]."""
        if spec.name not in self._corpora:
            self._corpora[spec.name] = fetch_corpus(self.cache, spec)
            if spec.name != PYTHON.name:
                self.results.setdefault("corpora", {})[spec.name] = self._corpora[spec.name].manifest
        return self._corpora[spec.name]

    # -- helpers of the scenarios --

    def mark_load(self, what: str) -> None:
        """Load average now, and how much CPU other processes took since the last mark."""
        snapshot = cpu_snapshot()
        previous = self._snapshot
        self._snapshot = snapshot
        entry = {"at": what, "loadavg": loadavg(), "time": time.time(), "probe_ms": speed_probe()}
        if self.results["load"]:
            self.results["load"][-1]["other_cpu_until_next"] = other_load(previous, snapshot, self.ncpu)
            steal = steal_share(previous, snapshot, self.ncpu)
            if steal is not None:
                self.results["load"][-1]["steal_until_next"] = steal
        self.results["load"].append(entry)

    def available(self, name: str) -> bool:
        """Is competitor `name` installed and running?"""
        return "bin" in self.tools.get(name, {})

    def tool(self, name: str) -> str:
        """The executable of an installed competitor."""
        return self.tools[name]["bin"]

    def cl(self, *args: str) -> List[str]:
        """The argv of the credlint measured, with `args`."""
        return [*self.credlint["argv"], *args]

    def env(self, primed: bool = True) -> Dict[str, str]:
        """The environment of one credlint run: a fresh cache directory, holding
        the rule index (`primed`) or nothing."""
        return self.dirs.env(self.dirs.primed() if primed else self.dirs.empty())

    def fresh_dir(self, name: str) -> Path:
        """<cache>/<name>, emptied."""
        base = self.cache / name
        if base.exists():
            shutil.rmtree(base)
        return base

    def store(self, name: str, value: Any) -> None:
        self.results["scenarios"][name] = value
