"""Python newer than the interpreter (credlint/languages/python/newer.py):
a module with PEP 695 syntax keeps its full analysis and its fixes when
credlint runs on a Python whose `ast` does not know that syntax."""
from __future__ import annotations

import ast
import textwrap

from credlint.languages.python.newer import downgraded

from conftest import KEY_ID, SECRET

MODULE = textwrap.dedent(f'''\
    import boto3

    class ProgressEvent[T]:
        payload: T

    def first[T: object](items: list[T]) -> T:
        return items[0]

    type Clients = dict[str, object]
    type Pair[K, V] = tuple[K, V]

    s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
    ''')


def test_pep_695_is_rewritten_for_an_older_ast_keeping_every_line():
    older = downgraded(MODULE)
    assert older is not None
    tree = ast.parse(older)  # whatever this interpreter is
    assert older.count("\n") == MODULE.count("\n")
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [(c.name, c.lineno, c.col_offset) for c in classes] == [("ProgressEvent", 3, 0)]
    aliases = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)][:2]
    assert aliases == ["Clients", "Pair"]
    assert older.splitlines()[11] == MODULE.splitlines()[11]  # the call, byte for byte


def test_nothing_to_rewrite_or_unparsable_gives_none():
    assert downgraded("x = 1\n") is None
    assert downgraded("def (:\n") is None


def test_a_module_with_newer_syntax_keeps_its_sdk_findings_and_fix(lint, tmp_path):
    findings = lint(MODULE, filename="events.py")
    assert [(f.rule_id, f.span.line) for f in findings] == [("CL101", 12)]
    assert findings[0].fix_plan is not None


def test_a_match_statement_reads_on_python_3_9_with_every_branch_analysed():
    module = textwrap.dedent(f'''\
        import boto3

        def client_for(env):
            match env:
                case "prod" | "staging" if env:
                    # a comment: with a colon
                    return boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")
                case _:
                    return boto3.client("s3")
        ''')
    older = downgraded(module)
    assert older is not None and older.count("\\n") == module.count("\\n")
    tree = ast.parse(older, feature_version=(3, 9))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "client"]
    assert [c.lineno for c in calls] == [7, 9]
    assert "# a comment: with a colon" in older
