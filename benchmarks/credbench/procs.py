"""Running commands: timed once in a fresh launcher child, sampled for memory, captured,
and repeated interleaved (A B C, B C A, ...)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from . import log
from .machine import cpu_snapshot, other_load, usable_cpus
from .stats import fmt_mb, fmt_seconds


class Run(NamedTuple):
    wall: float  # seconds
    maxrss_kb: int  # largest resident set of the process or any descendant it waited for
    cpu: float  # user + system seconds of the process tree
    rc: int
    other_cpu: Optional[float] = None  # share of the machine's CPU other processes used meanwhile
    timed_out: bool = False  # stopped after the `timeout` it was given: wall is a lower bound


# A fresh, small child runs each measured command: it times spawn..reap itself
# (so its own start-up is not counted) and reports getrusage(RUSAGE_CHILDREN).
# Measuring from this (large) process instead would report its own memory as
# the command's peak: a vfork'd child's RSS high-water mark starts from the
# parent's, before exec. With a timeout, the command runs in a session of its own,
# killed whole (its workers too) when the time is up.
LAUNCHER = r"""
import json, os, resource, signal, subprocess, sys, time
spec = json.loads(sys.argv[1])
def opened(path, mode):
    return open(path, mode) if path else subprocess.DEVNULL
stdin, stdout = opened(spec.get("stdin"), "rb"), opened(spec.get("stdout"), "wb")
stderr = opened(spec.get("stderr"), "wb")
timeout = spec.get("timeout")
start = time.perf_counter()
proc = subprocess.Popen(spec["argv"], stdin=stdin, stdout=stdout, stderr=stderr, cwd=spec.get("cwd"),
                        start_new_session=bool(timeout))
timed_out = False
try:
    rc = proc.wait(timeout=timeout)
except subprocess.TimeoutExpired:
    os.killpg(proc.pid, signal.SIGKILL)
    rc, timed_out = proc.wait(), True
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.write(json.dumps({"wall": wall, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
                             "rc": rc, "pid": proc.pid, "timed_out": timed_out}))
"""


def _launch(argv: Sequence[str], env: Optional[Dict[str, str]], cwd: Optional[str], stdin: Optional[str],
            stdout: Optional[str], stderr: Optional[str], timeout: Optional[float] = None) -> subprocess.Popen:
    spec = {"argv": list(argv), "cwd": cwd, "stdin": stdin, "stdout": stdout, "stderr": stderr, "timeout": timeout}
    return subprocess.Popen([sys.executable, "-c", LAUNCHER, json.dumps(spec)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _report(proc: subprocess.Popen, argv: Sequence[str]) -> Dict[str, Any]:
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"could not run {' '.join(argv)}: {err.decode(errors='replace')[-2000:]}")
    return json.loads(out)


def run_timed(argv: Sequence[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
              stdin: Optional[str] = None, stdout: Optional[str] = None, stderr: Optional[str] = None,
              timeout: Optional[float] = None) -> Run:
    """Run a command once in a fresh launcher child: wall time of spawn..reap,
    CPU of the whole tree, and the peak RSS of the largest single process in
    it (ru_maxrss of RUSAGE_CHILDREN: the command and the workers it reaped).
    After `timeout` seconds (if given) it is killed: timed_out, and wall is
    the timeout."""
    r = _report(_launch(argv, env, cwd, stdin, stdout, stderr, timeout), argv)
    return Run(r["wall"], r["maxrss_kb"], r["cpu"], r["rc"], timed_out=bool(r.get("timed_out")))


def _descendants(pid: int) -> List[int]:
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except OSError:
            pass
    return out


def _memory_of(pid: int) -> Tuple[int, int]:
    """(RSS, PSS) of one process in kB, now (0, 0 if it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


def run_sampled(argv: Sequence[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
                stdout: Optional[str] = None, interval: float = 0.02) -> Dict[str, Any]:
    """Run once while sampling the command's process tree every `interval`
    seconds (not a timed run: sampling costs CPU). Returns the peaks of the
    tree's summed RSS and summed PSS (PSS counts pages shared by forked workers
    once), and the largest single process's peak RSS (getrusage)."""
    proc = _launch(argv, env, cwd, None, stdout, None)
    peak_rss = peak_pss = 0
    if os.path.exists("/proc/self/smaps_rollup"):
        while proc.poll() is None:
            members = _descendants(proc.pid)[1:]  # not the launcher itself
            rss = pss = 0
            for member in members:
                r, p = _memory_of(member)
                rss, pss = rss + r, pss + p
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(interval)
    result = _report(proc, argv)
    result.update(tree_rss_kb=peak_rss or None, tree_pss_kb=peak_pss or None)
    return result


def capture(argv: Sequence[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
            timeout: float = 3600, check: bool = True, input_bytes: Optional[bytes] = None) -> str:
    """Run a command (untimed) and return its stdout; raise if it fails and `check`."""
    proc = subprocess.run(list(argv), env=env, cwd=cwd, input=input_bytes, capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}:\n"
                           f"{proc.stdout.decode(errors='replace')[-2000:]}\n{proc.stderr.decode(errors='replace')[-4000:]}")
    return proc.stdout.decode("utf-8", errors="replace")


class Command(NamedTuple):
    label: str
    make: Callable[[int], Dict[str, Any]]  # rep -> run_timed kwargs (argv, env, cwd, stdin...), fresh per run
    reps: Optional[int] = None  # None: the scenario's repetitions


def alternate(commands: Sequence[Command], reps: int, title: str) -> Dict[str, List[Run]]:
    """Run every command `reps` times (or its own `reps`), interleaved (A B C,
    B C A, ...): a change in the machine's load hits all of them alike."""
    runs: Dict[str, List[Run]] = {c.label: [] for c in commands}
    total = max([c.reps or reps for c in commands] or [0])
    for rep in range(total):
        shift = rep % len(commands)
        for command in list(commands[shift:]) + list(commands[:shift]):
            wanted = command.reps or reps
            if len(runs[command.label]) >= wanted:
                continue
            kwargs = command.make(len(runs[command.label]))  # before the snapshot: it may do untimed work
            before = cpu_snapshot()
            run = run_timed(**kwargs)
            run = run._replace(other_cpu=other_load(before, cpu_snapshot(), usable_cpus()))
            runs[command.label].append(run)
            log(f"{title} {len(runs[command.label])}/{wanted}: {command.label}: {fmt_seconds(run.wall)} "
                f"(rss {fmt_mb(run.maxrss_kb)}, rc {run.rc}{', did not finish' if run.timed_out else ''})")
    return runs
