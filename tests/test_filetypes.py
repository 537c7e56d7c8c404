"""What a file is read as, decided from its name (filetypes.py)."""
from __future__ import annotations

import pytest

from conftest import KEY_ID, lint_file
from credlint.filetypes import detect


@pytest.mark.parametrize("name, expected", [
    ("src/app.ts", "javascript"), ("src/App.tsx", "javascript"), ("lib/handler.mjs", "javascript"),
    ("types/index.d.ts", "any"), ("types/index.d.mts", "any"), ("types/Index.D.CTS", "any"),
    ("src/d.ts", "javascript"), ("src/upload.ts", "javascript"),
    ("app/settings.py", "python"), (".env.production", "dotenv"), ("home/.aws/credentials", "ini"),
])
def test_file_types_by_name(name, expected):
    assert detect(name, b"") == expected


@pytest.mark.parametrize("name", [
    "x..js", "..js", "...", "a.", ".", ".tf", "..tf", "a..tf", ".a.tf", "A.TF", ".bashrc", "noext", "dir.d/x",
    "home/.aws/config", "home/aws/config", ".aws/credentials", "credentials", "dir/.ENV.local", "a.b.yml",
])
def test_a_suffix_is_what_os_path_splitext_calls_one(name):
    """detect() reads the suffix without splitext (it runs for every file of
    a walk); a name of dots, or one starting with a dot, means what it did."""
    import os

    from credlint import filetypes

    suffix = os.path.splitext(os.path.basename(name).lower())[1]
    expected = filetypes.SUFFIXES.get(suffix, "any")
    got = detect(name, b"")
    if got in ("ini", "dotenv") and os.path.basename(name).lower() in (*filetypes.NAMES, "config") or \
            filetypes._DOTENV_NAME.match(os.path.basename(name)):
        return  # a name of its own decides first
    assert got == expected, (name, suffix)


def test_a_declaration_file_is_read_for_key_material_not_as_code(tmp_path):
    """A .d.ts holds no call, so it gets no SDK-call analysis; a key written
    into one (a literal type, a comment) is still found."""
    declarations = (
        "export interface AwsCredentialIdentity {\n"
        "    accessKeyId: string;\n"
        "    secretAccessKey: string;\n"
        "}\n"
        f'export declare const DEFAULT_KEY_ID = "{KEY_ID}";\n'
        "export declare class S3Client { constructor(config: { credentials: AwsCredentialIdentity }); }\n"
    )
    result = lint_file(str(tmp_path / "types.d.ts"), declarations.encode(), tmp_path)
    assert [(f.rule_id, f.span.line) for f in result.findings] == [("CL201", 5)]
    assert result.file_type == "any"
