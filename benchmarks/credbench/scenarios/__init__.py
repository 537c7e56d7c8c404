"""The scenarios, one module each, in the order they run and appear in RESULTS.md.

A module defines run(bench), targets(results) and render(results), and
SCENARIO = Scenario(name, run, targets, render) (see bench.Scenario). Adding a
scenario is adding a module and its line in ALL; it can use another corpus
(corpus.CORPORA, via bench.corpus_of) and reuse pieces of the others (e.g.
full.measure, the full scan of any corpus)."""
from __future__ import annotations

from typing import Dict, Tuple

from ..bench import Scenario
from . import aws, cache, full, history, ide, js, jsprecommit, memory, precommit, profile, scale

ALL: Tuple[Scenario, ...] = (
    full.SCENARIO,  # 1. full scan, cold, next to the competitors
    cache.SCENARIO,  # 2. re-run, cache hit
    precommit.SCENARIO,  # 3. pre-commit shape
    ide.SCENARIO,  # 4. editor shape: stdin, in process, language server
    memory.SCENARIO,  # 5. memory of the full scan
    scale.SCENARIO,  # 6. 1x, 2x, 4x the corpus
    aws.SCENARIO,  # 7. the AWS-heavy Python corpus: .py tree and whole sdists, text/JSON/SARIF (issue 16)
    js.SCENARIO,  # 8. the JavaScript/TypeScript corpus next to the JS tools (issue 12)
    jsprecommit.SCENARIO,  # 9. pre-commit shape on .ts files (issue 12)
    history.SCENARIO,  # 10. git history: the project's own and a generated one, next to trufflehog and detect-secrets
    profile.SCENARIO,  # where the time goes
)

BY_NAME: Dict[str, Scenario] = {s.name: s for s in ALL}
NAMES: Tuple[str, ...] = tuple(s.name for s in ALL)
