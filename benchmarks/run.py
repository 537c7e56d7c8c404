#!/usr/bin/env python3
"""credlint's performance benchmark (issue 5): credlint side by side with the
tools a user would pick instead, in the same run, as ratios.

    python3 benchmarks/run.py            # full run: downloads, installs, measures, writes RESULTS.md
    python3 benchmarks/run.py --quick    # sanity run: 2 repetitions, 1x scale only

Standard library only (Python >= 3.9). See benchmarks/README.md for what each
scenario measures and why it is measured that way. The code is the package
credbench/ next to this file (and lspclient.py); this is its entry point.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from credbench.cli import main  # noqa: E402  (needs HERE on sys.path)

if __name__ == "__main__":
    sys.exit(main())
