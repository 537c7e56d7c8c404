"""YAML configuration: docker compose, GitHub Actions, Kubernetes manifests,
serverless.yml, CloudFormation, GitLab CI, and any other YAML document.

Read with PyYAML's composer (nodes keep their line; nothing is constructed,
so CloudFormation's `!Ref`/`!Sub` tags and YAML 1.1 surprises such as `on`
becoming `true` do not matter). `credential-values` finds a credential name
with a literal value in three forms:

    AWS_SECRET_ACCESS_KEY: q7Xr...          a mapping entry (compose, Actions `env:`, serverless)
    - AWS_SECRET_ACCESS_KEY=q7Xr...         a `NAME=value` list item (compose `environment:`)
    - name: AWS_SECRET_ACCESS_KEY           a name/value pair (Kubernetes `env:`, ECS)
      value: q7Xr...

Tagged values (`!Ref`, `!Sub`, `!GetAtt`) are references, and `${{ secrets.X }}`,
`${VAR}` or `{{resolve:...}}` are placeholders to the key policy. The message
says what to use instead in the kind of file it found (`{advice}`).
"""
from __future__ import annotations

import os
from typing import Iterator, List, Optional, Sequence, Tuple

from ..model import Rule
from ..source import Source
from . import credentials
from .base import AnalysisResult, Compiled
from .credentials import CredentialValues, Pair

STR_TAG = "tag:yaml.org,2002:str"
NAME_VALUE_KEYS = (("name", "value"), ("Name", "Value"), ("ParameterKey", "ParameterValue"))

ADVICE = {
    "github-actions": "store it as an encrypted repository secret (`${{ secrets.NAME }}`), or better, drop keys "
                      "for OIDC: aws-actions/configure-aws-credentials with `role-to-assume`",
    "gitlab-ci": "store it as a masked CI/CD variable, or better, assume a role with OIDC (`id_tokens`)",
    "compose": "pass it through from the host (`AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY}`) or mount "
               "~/.aws read-only, and use the task or instance role in production",
    "kubernetes": "use the pod's IAM role (IRSA or EKS Pod Identity), or at least a Secret read with "
                  "`valueFrom.secretKeyRef`",
    "serverless": "let the functions use their execution role (`provider.iam.role`); read third-party keys "
                  "from SSM (`${ssm:/path}`) at deploy time",
    "cloudformation": "give the resource an IAM role, or resolve the value at deploy time "
                      "(`{{resolve:secretsmanager:...}}`)",
    "yaml": "read it at run time from the environment, a profile or a secrets manager",
}


class YamlAnalyzer(credentials.CredentialFileAnalyzer):
    name = "yaml"
    no_fix = "credentials in YAML files have no automatic fix: the value must be removed by hand"

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        return analyze(source, rules, library)


def compose(text: str):
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    return list(yaml.compose_all(text, Loader=Loader))


def analyze(source: Source, rules: Sequence[Tuple[Rule, Compiled]], library) -> AnalysisResult:
    import yaml

    result = AnalysisResult()
    try:
        documents = compose(source.text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = exc.problem or exc.context or "invalid YAML"
        return credentials.unparsed(result, rules, f"could not parse as YAML ({where}{problem}); scanned as text only")
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return credentials.unparsed(result, rules, f"could not parse as YAML ({type(exc).__name__}); "
                                                   "scanned as text only")
    policy = library.policy()
    for index, root in enumerate(documents):
        if root is None:
            continue
        flavour = detect_flavour(source.path, root)
        prefix = f"document {index + 1}: " if len(documents) > 1 else ""
        for rule, compiled in rules:
            match: CredentialValues = compiled.options
            credentials.report(rule, source, pairs(root, source, match, prefix), match.names, policy, result,
                               advice=ADVICE[flavour], flavour=flavour)
    return result


def detect_flavour(path: str, root) -> str:
    import yaml

    normalized = path.replace("\\", "/")
    name = os.path.basename(normalized).lower()
    if "/.github/workflows/" in f"/{normalized}" or name in ("action.yml", "action.yaml"):
        return "github-actions"
    if name == ".gitlab-ci.yml":
        return "gitlab-ci"
    keys = set()
    if isinstance(root, yaml.MappingNode):
        keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
    if "jobs" in keys and ("on" in keys or "runs-on" in keys):
        return "github-actions"
    if name.startswith(("docker-compose", "compose.")) or "services" in keys and not keys & {"apiVersion", "provider"}:
        return "compose"
    if "apiVersion" in keys and "kind" in keys:
        return "kubernetes"
    if name.startswith("serverless.") or {"service", "provider"} <= keys:
        return "serverless"
    if "AWSTemplateFormatVersion" in keys or "Resources" in keys:
        return "cloudformation"
    return "yaml"


def pairs(root, source: Source, match: CredentialValues, prefix: str) -> Iterator[Pair]:
    import yaml

    names = match.names
    stack: List[Tuple[object, str]] = [(root, "")]
    seen = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = []
            entries = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue
                entries[key.value] = value
                child = f"{path}.{key.value}" if path else key.value
                if _is_str(value) and names.shape_for(key.value) is not None:
                    located = _locate(source, value, value.value)
                    if located is not None:
                        yield Pair(key.value, value.value, located[0], located[1], prefix + child)
                children.append((value, child))
            for name_key, value_key in NAME_VALUE_KEYS:
                name, value = entries.get(name_key), entries.get(value_key)
                if _is_str(name) and _is_str(value) and names.shape_for(name.value) is not None:
                    located = _locate(source, value, value.value)
                    if located is not None:
                        yield Pair(name.value, value.value, located[0], located[1], f"{prefix}{path} ({name.value})")
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            children = []
            for index, item in enumerate(node.value):
                child = f"{path}[{index}]"
                if _is_str(item):
                    split = credentials.split_assignment(item.value)
                    if split is not None and names.shape_for(split[0]) is not None:
                        value = item.value[split[1]:].strip()
                        located = _locate(source, item, value)
                        if located is not None:
                            yield Pair(split[0], value, located[0], located[1], f"{prefix}{child} ({split[0]})")
                children.append((item, child))
            stack.extend(reversed(children))


def _is_str(node) -> bool:
    import yaml

    return isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG


def _locate(source: Source, node, value: str) -> Optional[Tuple[int, int]]:
    """Where `value` is written inside the node's lines (PyYAML's columns are
    not character offsets for every loader, its lines are)."""
    if not value:
        return None
    start = source.offset(node.start_mark.line + 1, 1) + node.start_mark.column
    limit = source.offset(node.end_mark.line + 2, 1)
    line_start = source.offset(node.start_mark.line + 1, 1)
    index = source.text.find(value, start, limit)
    if index < 0:
        index = source.text.find(value, line_start, limit)
    if index >= 0:
        return index, index + len(value)
    line_end = line_start + len(source.line_text(node.start_mark.line + 1))
    return credentials.strip_quotes(source.text, line_start, line_end)  # an escaped or folded value: its line


ANALYZER = YamlAnalyzer()
