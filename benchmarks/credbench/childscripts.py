"""Code run with credlint's Python, in a child process (`python -c SCRIPT args`): the
only code of the benchmark that imports credlint, so that the benchmark itself runs
on any Python and measures the credlint installed where it is told to. These scripts
use credlint's API (credlint.api, credlint.filetypes, credlint.prefilter): a change
there shows up here first."""

# As the language server lints: through the core call, with a workspace that keeps
# parsed trees between versions of a buffer (incremental) and no results cache.
IN_PROCESS_LINT = r"""
import json, sys, time
t0 = time.perf_counter()
from credlint.api import Workspace, lint_bytes
from credlint.settings import Overrides
t1 = time.perf_counter()
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as handle:
    data = handle.read()
workspace = Workspace(Overrides(cache=False), incremental=True)
workspace.project_for(path)
t2 = time.perf_counter()
lines = data.splitlines(keepends=True)
middle = len(lines) // 2
times, findings = [], []
for i in range(n + 1):
    # each call lints a new version of the buffer, as after a keystroke: a line typed mid-file
    buffer = data if i == 0 else b"".join(lines[:middle] + [b"# edit %d\n" % i] + lines[middle:])
    start = time.perf_counter()
    result = lint_bytes(path, buffer, workspace)
    times.append(time.perf_counter() - start)
    findings.append(sorted({f.rule_id for f in result.findings}))
print(json.dumps({"import": t1 - t0, "setup": t2 - t1, "first": times[0], "warm": times[1:],
                  "rules_found": findings[-1], "lines": data.count(b"\n")}))
"""

IN_PROCESS_PROFILE = r"""
import cProfile, sys
from credlint.api import Workspace, lint_bytes
from credlint.settings import Overrides
path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as handle:
    data = handle.read()
workspace = Workspace(Overrides(cache=False), incremental=True)
lint_bytes(path, data, workspace)
lines = data.splitlines(keepends=True)
middle = len(lines) // 2
profiler = cProfile.Profile()
profiler.enable()
for i in range(n):
    lint_bytes(path, b"".join(lines[:middle] + [b"# edit %d\n" % (i + 1)] + lines[middle:]), workspace)
profiler.disable()
profiler.dump_stats(out)
"""

READ_PREFILTER = r"""
import json, os, sys, time
from credlint import filetypes
from credlint.api import Workspace
from credlint.prefilter import rules_that_may_match
roots = sys.argv[1:]
linter = Workspace().project_for(roots[0]).linter
start = time.perf_counter()
paths = []
for root in roots:
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        paths.extend(os.path.join(directory, n) for n in sorted(names))
walk = time.perf_counter() - start
read = prefilter = 0.0
passed = size = 0
for path in paths:
    t = time.perf_counter()
    with open(path, "rb") as handle:
        data = handle.read()
    u = time.perf_counter()
    plan = linter.plan(filetypes.detect(path, data[:512]))
    if rules_that_may_match(data, plan):
        passed += 1
    v = time.perf_counter()
    read += u - t
    prefilter += v - u
    size += len(data)
print(json.dumps({"files": len(paths), "bytes": size, "walk": walk, "read": read, "prefilter": prefilter,
                  "passed": passed}))
"""

UNTRIGGERED = r"""
import json, sys
from credlint import filetypes
from credlint.api import Workspace
from credlint.prefilter import rules_that_may_match
paths = json.load(sys.stdin)
linter = Workspace().project_for(paths[0]).linter
out = []
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    if not rules_that_may_match(data, linter.plan(filetypes.detect(path, data[:512]))):
        out.append(path)
print(json.dumps(out))
"""
