"""Decide a file's type from its name, and from its first bytes when the name
says nothing (a script with a `python` shebang is Python; a file that starts
with `[default]` and `aws_access_key_id` is an AWS credentials file).

The type picks the analyzer (languages/__init__.py) and the rules' match
block; `any` is plain text.
"""
from __future__ import annotations

import os
import re

PYTHON_SUFFIXES = (".py", ".pyw", ".pyi")
_PYTHON_SHEBANG = re.compile(rb"^#![^\n]*\bpython[0-9.]*\b")

SUFFIXES = {
    ".ipynb": "notebook",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".tf": "terraform",
    ".tfvars": "terraform",
    ".ini": "ini",
    ".cfg": "ini",
    ".s3cfg": "ini",
    ".boto": "ini",
    ".env": "dotenv",
    ".envrc": "dotenv",
    # shell scripts: read for their `export NAME=value` lines (unquoted keys are
    # the classic CI-script leak, which no quoted-context regex sees)
    ".sh": "dotenv",
    ".bash": "dotenv",
    ".zsh": "dotenv",
    # JavaScript and TypeScript: one file type, the grammar is chosen by extension
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "javascript",
    ".mts": "javascript",
    ".cts": "javascript",
    ".tsx": "javascript",
    # Vue and Svelte components: their <script> blocks
    ".vue": "javascript",
    ".svelte": "javascript",
}

# TypeScript declaration files hold types and no code (the compiler refuses an
# implementation there): no SDK call can be in one, so they are read as text,
# for key material only. AWS SDK v3 ships thousands of them, full of
# `credentials` and `accessKeyId` in types; parsing them was a third of the
# JS benchmark corpus's analysis.
_DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")

NAMES = {
    # boto 2, s3cmd, s3fs/goofys-style credential files
    ".boto": "ini",
    "boto.cfg": "ini",
    ".s3cfg": "ini",
    "s3cfg": "ini",
    # the AWS CLI's shared credentials file, wherever it was copied to
    "credentials": "ini",
    # direnv, Flask, shell start-up files (read for `export NAME=value` lines;
    # shell scripts in general stay text, see docs/credential-files.md)
    ".envrc": "dotenv",
    ".flaskenv": "dotenv",
    ".env": "dotenv",
    ".bashrc": "dotenv",
    ".bash_profile": "dotenv",
    ".profile": "dotenv",
    ".zshrc": "dotenv",
    ".zshenv": "dotenv",
}

# `.env.production`, `.env.local`, `.env.example`...
_DOTENV_NAME = re.compile(r"^\.env(?:\.[\w.-]+)?$", re.IGNORECASE)

# An AWS shared config/credentials file by content: comments or blank lines,
# then a `[section]` header, and an AWS setting within the first bytes. (A
# comment stops before \r: a CRLF line read two ways made 40 comment lines
# take 2^40 steps.)
_INI_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:[#;][^\r\n]*)?\r?\n)*[ \t]*\[[^\]\r\n]+\][ \t]*\r?\n")
_AWS_SETTING = re.compile(rb"(?m)^[ \t]*(?:aws_access_key_id|aws_secret_access_key|aws_session_token|role_arn|"
                          rb"sso_start_url|sso_session|credential_process|source_profile)[ \t]*[=:]")
# A file without an extension that assigns AWS variables shell-style: `export AWS_SECRET_ACCESS_KEY=...`.
_ENV_HEAD = re.compile(rb"(?m)^[ \t]*(?:export[ \t]+)?AWS_[A-Z_]+=")


def _name_of(path: str) -> str:
    """os.path.basename, without its cost on every file of a walk."""
    return path[path.rfind("/") + 1:] if _SEPARATORS == "/" else os.path.basename(path)


_SEPARATORS = os.sep + (os.altsep or "")


def detect(path: str, head: bytes) -> str:
    name = _name_of(path)
    lower = name.lower()
    if lower.endswith(PYTHON_SUFFIXES):
        return "python"
    if "." not in name and _PYTHON_SHEBANG.match(head):
        return "python"
    if lower in ("credentials", "config") and _name_of(os.path.dirname(path)).lower() == ".aws":
        return "ini"
    if lower in NAMES:
        return NAMES[lower]
    if _DOTENV_NAME.match(name):
        return "dotenv"
    if lower.endswith(_DECLARATIONS):
        return "any"
    dot = lower.rfind(".")  # os.path.splitext's suffix: none when only dots come before it
    suffix = lower[dot:] if dot > 0 and (lower[0] != "." or lower[:dot].lstrip(".")) else ""
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if _INI_HEAD.match(head) and _AWS_SETTING.search(head):
        return "ini"
    if not suffix and _ENV_HEAD.search(head):
        return "dotenv"
    return "any"
