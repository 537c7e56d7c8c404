"""The JavaScript/TypeScript competitors (issue 12), pinned: installed with the
machine's node and npm into <cache>/js-tools (a package.json of their own, exact
versions, `npm install --ignore-scripts`), with the configuration files a JS user
would write for them next to it. semgrep comes from the Python tools' venv
(tools.py) with the local rules in benchmarks/semgrep-aws-credentials-js.yaml."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict

from . import log
from .procs import capture
from .tools import tool_env

# Exact versions (npm resolved their dependencies when this was written; the
# whole tree is recorded in results.json: npm ls --depth=0 and the lock's size).
JS_TOOL_PINS = {
    # The current secretlint. Its packages declare Node >= 22 since 12.1 (npm warns, EBADENGINE)
    # but run on Node 20 and find the planted key. The last one declaring Node 20, 12.0.0,
    # has the profiler bug fixed in 13.0.5 (secretlint/secretlint#1653, #1673: a mark per rule
    # and file, an O(n^2) scan of them, even without --profile): more than 10 minutes on this
    # corpus instead of a few seconds. It would measure a fixed bug, not secretlint.
    "secretlint": "13.0.6",
    "@secretlint/secretlint-rule-preset-recommend": "13.1.0",
    # the last ESLint 9 (flat config), with eslint-plugin-no-secrets as its only rule
    "eslint": "9.39.5",
    "eslint-plugin-no-secrets": "2.3.3",
    # ESLint's own parser reads no TypeScript: the parser (not a rule) JS users add for .ts/.tsx,
    # and its peer dependency (npm would pick typescript 6.0 otherwise)
    "@typescript-eslint/parser": "8.74.0",
    "typescript": "5.9.3",
    # the speed reference: a native linter (no secrets rule)
    "oxlint": "1.96.0",
}

SECRETLINTRC = {"rules": [{"id": "@secretlint/secretlint-rule-preset-recommend"}]}

# Only eslint-plugin-no-secrets' rule; @typescript-eslint/parser for TypeScript files.
# Unused `eslint-disable` comments (published code is full of them) are not reported.
ESLINT_CONFIG = """// credlint's benchmark: eslint-plugin-no-secrets only, no other rule
import noSecrets from "eslint-plugin-no-secrets";
import tsParser from "@typescript-eslint/parser";

export default [
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs", "**/*.ts", "**/*.tsx"],
    plugins: { "no-secrets": noSecrets },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: { "no-secrets/no-secrets": "error" },
  },
  { files: ["**/*.ts", "**/*.tsx"], languageOptions: { parser: tsParser } },
];
"""

BINARIES = {"secretlint": "secretlint", "eslint-no-secrets": "eslint", "oxlint": "oxlint"}


def package_json(pins: Dict[str, str]) -> Dict[str, Any]:
    return {"name": "credlint-benchmark-js-tools", "private": True, "description": "credlint's benchmark: "
            "the JavaScript/TypeScript competitors, pinned", "dependencies": dict(sorted(pins.items()))}


def _error(message: str) -> Dict[str, Dict[str, Any]]:
    return {name: {"error": message} for name in BINARIES}


def setup_js_tools(directory: Path) -> Dict[str, Dict[str, Any]]:
    """npm install the pinned tools into `directory` (again only when the pins
    changed) and write their configuration files there. Returns name -> {bin,
    version, config} or {error}, plus "node" ({version}) and "npm-resolved"
    (what npm installed: top-level versions and the number of packages)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        return _error("not installed: this machine has no node/npm")
    env = tool_env()
    versions = {"node": capture([node, "--version"], env=env).strip(),
                "npm": capture([npm, "--version"], env=env).strip()}
    directory.mkdir(parents=True, exist_ok=True)
    stamp = directory / "credlint-benchmark-pins.json"
    wanted = package_json(JS_TOOL_PINS)
    installed = json.loads(stamp.read_text()) if stamp.exists() else None
    if installed != wanted or not (directory / "node_modules").is_dir():
        log(f"js tools: npm install {' '.join(f'{n}@{v}' for n, v in JS_TOOL_PINS.items())}")
        (directory / "package.json").write_text(json.dumps(wanted, indent=2) + "\n")
        proc = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                              cwd=str(directory), capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            message = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["npm install failed"]
            log(f"js tools: npm install failed: {message[0]}")
            return _error(f"not installed: {message[0]}")
        stamp.write_text(json.dumps(wanted))
    (directory / ".secretlintrc.json").write_text(json.dumps(SECRETLINTRC, indent=2) + "\n")
    (directory / "eslint.config.mjs").write_text(ESLINT_CONFIG)
    resolved: Dict[str, str] = {}
    try:
        tree = json.loads(capture([npm, "ls", "--depth=0", "--json"], cwd=str(directory), env=env, check=False))
        resolved = {name: info.get("version") for name, info in sorted(tree.get("dependencies", {}).items())}
    except (ValueError, RuntimeError):
        pass
    lock = directory / "package-lock.json"
    total = len(json.loads(lock.read_text()).get("packages", {})) - 1 if lock.exists() else None
    tools: Dict[str, Dict[str, Any]] = {}
    for name, binary in BINARIES.items():
        path = directory / "node_modules" / ".bin" / binary
        try:
            version = capture([str(path), "--version"], env=env).strip().splitlines()[0]
        except (OSError, RuntimeError) as exc:
            tools[name] = {"error": f"does not run: {exc}"}
            continue
        tools[name] = {"bin": str(path), "version": describe(name, version, resolved)}
    tools["secretlint"]["config"] = str(directory / ".secretlintrc.json")
    tools["eslint-no-secrets"]["config"] = str(directory / "eslint.config.mjs")
    tools["node"] = {"version": f"node {versions['node']}, npm {versions['npm']} (runs the JS tools)"}
    tools["npm-resolved"] = {"version": ", ".join(f"{n}@{v}" for n, v in resolved.items())
                             + (f" ({total} packages in all)" if total else ""), "resolved": resolved,
                             "packages": total}
    return tools


def describe(name: str, version: str, resolved: Dict[str, str]) -> str:
    """The version line of the report: the tool's own, with the plugins it runs."""
    version = version.replace("Version: ", "").strip()
    if name == "secretlint":
        preset = "@secretlint/secretlint-rule-preset-recommend"
        return f"secretlint {version} with {preset} {resolved.get(preset, '?')}"
    if name == "eslint-no-secrets":
        return (f"eslint {version.lstrip('v')} with eslint-plugin-no-secrets {resolved.get('eslint-plugin-no-secrets', '?')} "
                f"only (and @typescript-eslint/parser {resolved.get('@typescript-eslint/parser', '?')} for .ts/.tsx, "
                f"typescript {resolved.get('typescript', '?')})")
    return f"{name} {version}"
