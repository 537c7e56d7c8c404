"""The README's sample outputs, produced by running credlint on the bundled
example project, so they show what the tool prints today:

    .venv/bin/python docs/samples.py          # rewrite README.md's samples
    .venv/bin/python docs/samples.py --check  # exit 1 if they drifted

tests/test_readme_samples.py runs the check. A sample sits between
`<!-- sample: NAME -->` and `<!-- /sample -->` in README.md.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def _credlint(*args: str) -> str:
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "credlint", "--no-cache", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    return proc.stdout + proc.stderr


def _blocks(report: str) -> List[List[str]]:
    """The text report's findings, each with its code frame."""
    blocks: List[List[str]] = []
    for line in report.splitlines():
        if re.match(r"^examples/\S+:\d+:\d+: CL\d+ ", line):
            blocks.append([line])
        elif blocks and re.match(r"^\s*(?:\d+\s*)?\||^\s*= ", line):  # its code frame
            blocks[-1].append(line)
    return blocks


def check_sample() -> str:
    """`credlint examples/`: the first hardcoded key in a Python SDK call, the
    first in a JavaScript one, and the summary."""
    report = _credlint("examples/")
    blocks = _blocks(report)
    python = next(b for b in blocks if " CL101 " in b[0])
    javascript = next(b for b in blocks if " CL401 " in b[0])
    summary = [line for line in report.splitlines() if line.startswith(("Found ", "[*] "))]
    lines = ["$ credlint examples/"] + python + ["..."] + javascript + ["..."] + summary
    return "```\n" + "\n".join(lines) + "\n```"


def fix_sample() -> str:
    """What `credlint --fix --unsafe-fixes examples/` changes: every file."""
    diff = _credlint("--diff", "--unsafe-fixes", "examples/")
    diff = "\n".join(line for line in diff.splitlines() if not line.startswith("Would fix"))
    return "```diff\n" + diff.rstrip("\n") + "\n```"


SAMPLES: Dict[str, Callable[[], str]] = {"check": check_sample, "fix": fix_sample}
_BLOCK = re.compile(r"(<!-- sample: (\w+) -->\n)(.*?)(\n<!-- /sample -->)", re.S)


def updated(text: str) -> str:
    return _BLOCK.sub(lambda m: m.group(1) + SAMPLES[m.group(2)]() + m.group(4), text)


def main(argv: List[str]) -> int:
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    new = updated(text)
    if "--check" in argv:
        if new != text:
            print("README.md's samples are out of date: run .venv/bin/python docs/samples.py", file=sys.stderr)
            return 1
        return 0
    with open(README, "w", encoding="utf-8") as handle:
        handle.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
