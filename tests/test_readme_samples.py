"""The README shows what credlint prints today: its sample report and fix
diff are regenerated from the example project (docs/samples.py) and must
match the README, byte for byte."""
from __future__ import annotations

import os
import sys

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "docs"))
import samples  # noqa: E402


def test_the_readme_samples_are_what_credlint_prints():
    with open(samples.README, encoding="utf-8") as handle:
        text = handle.read()
    assert text.count("<!-- sample: ") == len(samples.SAMPLES)
    assert samples.updated(text) == text, "run: .venv/bin/python docs/samples.py"
