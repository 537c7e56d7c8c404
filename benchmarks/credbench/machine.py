"""The machine the benchmark runs on: what it is (CPU, RAM, OS, Python) and how busy
it is (load average, the CPU other processes and the hypervisor take, a speed probe)."""
from __future__ import annotations

import os
import platform
import re
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional, Tuple


def parse_cpuinfo(text: str) -> Tuple[str, int]:
    models = re.findall(r"^model name\s*:\s*(.+)$", text, re.M)
    count = len(re.findall(r"^processor\s*:", text, re.M))
    return (models[0].strip() if models else platform.processor() or "unknown"), count


def machine() -> Dict[str, Any]:
    info: Dict[str, Any] = {"python": sys.version.split()[0], "platform": platform.platform()}
    try:
        info["cpu_model"], info["cpu_count"] = parse_cpuinfo(Path("/proc/cpuinfo").read_text())
    except OSError:
        info["cpu_model"], info["cpu_count"] = platform.processor(), os.cpu_count()
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["ram_gb"] = round(int(m.group(1)) / 1024 / 1024, 1) if m else None
    except OSError:
        info["ram_gb"] = None
    try:
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M)
        info["os"] = f"{m.group(1) if m else platform.system()}, kernel {platform.release()}"
    except OSError:
        info["os"] = f"{platform.system()} {platform.release()}"
    return info


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cpu_snapshot() -> Optional[Dict[str, float]]:
    """CPU seconds the whole machine has been busy (/proc/stat) and those this
    benchmark used (itself and every command it ran): the difference between
    two snapshots is what other processes took meanwhile."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"busy": (user + nice + system + irq + softirq + steal) / hz, "steal": steal / hz,
            "ours": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
            "wall": time.monotonic()}


def other_load(before: Optional[Dict[str, float]], after: Optional[Dict[str, float]], ncpu: int) -> Optional[float]:
    """Share of the machine's CPU capacity that other processes used between two snapshots."""
    if not before or not after or after["wall"] <= before["wall"]:
        return None
    other = (after["busy"] - before["busy"]) - (after["ours"] - before["ours"])
    return max(0.0, other) / ((after["wall"] - before["wall"]) * ncpu)


def steal_share(before: Optional[Dict[str, float]], after: Optional[Dict[str, float]], ncpu: int) -> Optional[float]:
    """Share of the machine's CPU capacity the hypervisor took (steal) between two snapshots."""
    if not before or not after or after["wall"] <= before["wall"]:
        return None
    return (after["steal"] - before["steal"]) / ((after["wall"] - before["wall"]) * ncpu)


_PROBE_SOURCE = "".join(
    f"def f{i}(a, b=1, *args, **kw):\n    x = [a + b * j for j in range({i})]\n    return {{'k': x, 'v': (a, b)}}\n"
    for i in range(1000))


def speed_probe() -> float:
    """Milliseconds to ast.parse a fixed 3,000-line module (best of 5): how
    fast the machine is right now (a shared VM's speed drifts)."""
    import ast

    best = None
    for _ in range(5):
        start = time.perf_counter()
        ast.parse(_PROBE_SOURCE)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best * 1000


def loadavg() -> Optional[Tuple[float, float, float]]:
    try:
        return os.getloadavg()
    except OSError:
        return None
