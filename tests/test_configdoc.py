"""docs/configuration.md is the configuration table, rendered: every key
credlint accepts is documented with its type, default and an example that
credlint accepts."""
from __future__ import annotations

import os
import re

from conftest import ROOT
from credlint import configdoc
from credlint.config import KEYS, load_config


def test_the_reference_is_up_to_date():
    with open(os.path.join(ROOT, "docs", "configuration.md"), encoding="utf-8") as handle:
        assert handle.read() == configdoc.render(), "run: python -m credlint.configdoc > docs/configuration.md"


def test_every_example_is_accepted(tmp_path):
    (tmp_path / "base.toml").write_text("")
    text = configdoc.render()
    examples = re.findall(r"```toml\n([a-z-]+ = [^\n]*)\n```", text)
    assert {e.split(" = ")[0] for e in examples} == set(KEYS)
    for example in examples:
        if example.startswith("extend ="):
            example = 'extend = "base.toml"'
        path = tmp_path / ".credlint.toml"
        path.write_text(example + "\n")
        load_config(str(path))  # raises ConfigError for a value credlint refuses
