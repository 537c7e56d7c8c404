"""Reading a file's text (issue 13, items 4 and 5): UTF-16/32 files are text
(PowerShell 5's `>` writes UTF-16), and one stray NUL byte does not make a
source file binary."""
from __future__ import annotations

import json

import pytest

from credlint.source import Source, looks_binary, text_encoding, wide_encoding

from conftest import KEY_ID, SECRET, run_cli

ENV = f"AWS_ACCESS_KEY_ID={KEY_ID}\r\nAWS_SECRET_ACCESS_KEY={SECRET}\r\n"
JSON = f'{{"accessKeyId": "{KEY_ID}", "secretAccessKey": "{SECRET}", "region": "eu-west-1"}}'


@pytest.mark.parametrize("encoding,expected", [
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
    ("utf-32", "utf-32"), ("utf-32-le", "utf-32-le"), ("utf-32-be", "utf-32-be"),
])
def test_wide_encodings_are_recognised_with_or_without_a_bom(encoding, expected):
    data = JSON.encode(encoding)
    assert wide_encoding(data) == expected
    assert not looks_binary(data)
    assert Source(str("x.json"), data, text_encoding(data)).text == JSON


def test_a_stray_nul_is_not_a_binary_file_but_real_binaries_are():
    source = ("import boto3\n" * 200 + "x = 1\0\n").encode()
    assert not looks_binary(source) and wide_encoding(source) is None
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    assert looks_binary(png)
    assert looks_binary(b"\0\0\0\0" * 100)


def test_utf16_credential_files_are_scanned(tmp_path):
    """Files made on Windows: a .env with a BOM, JSON in UTF-16-LE without one."""
    (tmp_path / ".env").write_bytes(ENV.encode("utf-16"))
    (tmp_path / "credentials.json").write_bytes(JSON.encode("utf-16-le"))
    proc = run_cli("--no-cache", "--format", "json", ".", cwd=str(tmp_path))
    found = sorted((f["path"], f["rule"], f["line"], f["column"]) for f in json.loads(proc.stdout))
    assert found == [(".env", "CL305", 1, 19), (".env", "CL305", 2, 23),
                     ("credentials.json", "CL302", 1, 18), ("credentials.json", "CL302", 1, 61)]


def test_a_python_file_with_one_nul_is_still_scanned(tmp_path):
    (tmp_path / "app.py").write_bytes(
        f'import boto3\nx = 1\0\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}")\n'.encode())
    proc = run_cli("--no-cache", "--format", "json", "app.py", cwd=str(tmp_path))
    assert [(f["rule"], f["line"]) for f in json.loads(proc.stdout)] == [("CL201", 3)]
    assert b"could not parse as Python" in proc.stderr and b"binary" not in proc.stderr


def test_a_utf16_python_file_is_fixed_in_utf16(tmp_path):
    code = f'import boto3\r\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{SECRET}")\r\n'
    (tmp_path / "app.py").write_bytes(code.encode("utf-16"))
    proc = run_cli("--no-cache", "--fix", "--unsafe-fixes", "app.py", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert (tmp_path / "app.py").read_bytes() == 'import boto3\r\ns3 = boto3.client("s3")\r\n'.encode("utf-16")


def test_positions_in_a_large_file_are_those_of_the_line_table():
    """Large files count their few positions instead of building the line
    table; both ways must give the same lines, columns and line texts."""
    from credlint import source as source_module

    lines = [f"line {i} " + "x" * (i % 50) for i in range(60000)]
    data = ("\n".join(lines) + "\n").encode()
    counted = Source("big.txt", data, "utf-8")
    tabled = Source("big.txt", data, "utf-8")
    assert len(counted.text) >= source_module.SPARSE_MIN_CHARS
    offsets = [0, 7, len(counted.text) // 3, len(counted.text) - 2] + list(range(1000, 900000, 9000))
    tabled.line_starts  # noqa: B018 - build the table
    for offset in offsets:
        assert counted.position(offset) == tabled.position(offset)
        line, column = counted.position(offset)
        assert counted.line_text(line) == tabled.line_text(line) == lines[line - 1]
        assert counted.offset(line, column) == offset
