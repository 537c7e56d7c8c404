"""Terraform: `*.tf` and `*.tfvars` (HCL native syntax; `*.tf.json` is JSON).

Why a scanner of our own: python-hcl2 (the maintained HCL2 parser on PyPI)
needs lark and the `regex` C extension, and gives line numbers for blocks only,
not for the attribute a finding must point at. Finding credentials needs much
less than a full HCL2 parser: blocks (`type "label" { ... }`), attributes
(`name = expression`), and whether an expression is one literal string. This
module lexes HCL (comments, strings with `${...}` templates, heredocs,
brackets) exactly enough to know those, with offsets for every token.

`credential-attributes` reports literal strings assigned to:
- `names` inside a block listed in `blocks` (`provider "aws" { secret_key = ... }`,
  `backend "s3" { ... }`), at any depth;
- `variables` anywhere else: a `*.tfvars` setting, a `variable "aws_secret_key"`'s
  `default`, a `locals` or `module` argument.
References (`var.x`, `local.x`, `data....`) and templates (`"${var.x}"`) are never
literal.
"""
from __future__ import annotations

import re
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from ..model import Rule
from ..prefilter import Clause
from ..source import Source
from . import credentials
from .base import AnalysisResult, Analyzer, Compiled
from .credentials import Names, Pair



class HclError(ValueError):
    def __init__(self, message: str, offset: int, text: str) -> None:
        self.line = text.count("\n", 0, offset) + 1
        super().__init__(f"line {self.line}: {message}")


class Token(NamedTuple):
    kind: str  # ident | string | heredoc | number | punct | newline | eof
    text: str  # the identifier, the decoded literal string, or the punctuation
    start: int
    end: int
    literal: bool = True  # strings: no `${` / `%{` template sequence


class Attribute(NamedTuple):
    name: str
    blocks: Tuple[Tuple[str, ...], ...]  # enclosing blocks: (type, label, ...) each
    value: Optional[Token]  # the string token when the expression is one literal string
    start: int  # the attribute name


class CredentialAttributes(NamedTuple):
    names: Names
    variables: Names
    blocks: Tuple[Tuple[str, ...], ...]  # (type, first label) or (type,)


# -- lexing ------------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_\-]*)[ \t]*\r?\n")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def tokenize(text: str) -> List[Token]:
    tokens: List[Token] = []
    pos, n = 0, len(text)
    while pos < n:
        c = text[pos]
        if c in " \t\r":
            pos += 1
        elif c == "\n":
            tokens.append(Token("newline", "\n", pos, pos + 1))
            pos += 1
        elif c == "#" or text.startswith("//", pos):
            end = text.find("\n", pos)
            pos = n if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end < 0:
                raise HclError("unterminated comment", pos, text)
            pos = end + 2
        elif c == '"':
            token = _string(text, pos)
            tokens.append(token)
            pos = token.end
        elif text.startswith("<<", pos) and _HEREDOC.match(text, pos):
            m = _HEREDOC.match(text, pos)
            marker = m.group(2)
            closing = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*\r?$", re.MULTILINE)
            end = closing.search(text, m.end())
            if end is None:
                raise HclError(f"heredoc <<{marker} is never closed", pos, text)
            tokens.append(Token("heredoc", text[m.end():end.start()], pos, end.end(), literal=False))
            pos = end.end()
        else:
            m = _IDENT.match(text, pos) or _NUMBER.match(text, pos)
            if m is not None:
                tokens.append(Token("ident" if m.re is _IDENT else "number", m.group(0), pos, m.end()))
                pos = m.end()
            else:
                tokens.append(Token("punct", c, pos, pos + 1))
                pos += 1
    tokens.append(Token("eof", "", n, n))
    return tokens


def _string(text: str, start: int) -> Token:
    """A quoted string from its opening quote: its decoded text (when it is a
    literal), and whether it holds a template sequence."""
    pos = start + 1
    out: List[str] = []
    literal = True
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == '"':
            return Token("string", "".join(out), start, pos + 1, literal)
        if c == "\n":
            break
        if c == "\\" and pos + 1 < n:
            out.append(_ESCAPES.get(text[pos + 1], text[pos + 1]))
            pos += 2
        elif c in "$%" and text.startswith(c + c + "{", pos):
            out.append(c + "{")  # `$${` is a literal `${`
            pos += 3
        elif c in "$%" and text.startswith(c + "{", pos):
            literal = False
            pos = _template_end(text, pos + 2)
        else:
            out.append(c)
            pos += 1
    raise HclError("unterminated string", start, text)


def _template_end(text: str, pos: int) -> int:
    """The offset after the `}` that closes a `${` whose content starts at `pos`."""
    depth = 1
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == '"':
            pos = _string(text, pos).end
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    raise HclError("unterminated template sequence", pos, text)


# -- parsing -----------------------------------------------------------------------------


def _token_kind(token: Token) -> str:
    """A token as an error message may name it: never a string's content."""
    if token.kind == "punct":
        return repr(token.text)
    return {"string": "a string", "heredoc": "a heredoc", "number": "a number"}.get(token.kind, token.kind)


_OPEN = {"(": ")", "[": "]", "{": "}"}


def attributes(text: str) -> List[Attribute]:
    """Every attribute of the file's bodies, with the blocks around it."""
    tokens = tokenize(text)
    out: List[Attribute] = []
    pos = _body(tokens, 0, (), out, text)
    if tokens[pos].kind != "eof":
        raise HclError("unexpected '}'", tokens[pos].start, text)
    return out


def _body(tokens: List[Token], pos: int, blocks: Tuple[Tuple[str, ...], ...], out: List[Attribute],
          text: str) -> int:
    """Parse a body from `pos`; return the position of its closing `}` (or eof)."""
    while True:
        token = tokens[pos]
        if token.kind == "newline":
            pos += 1
            continue
        if token.kind == "eof" or (token.kind == "punct" and token.text == "}"):
            return pos
        if token.kind != "ident":
            raise HclError(f"expected an attribute or a block, found {_token_kind(token)}", token.start, text)
        name = token
        pos += 1
        following = tokens[pos]
        if following.kind == "punct" and following.text in "=:":
            pos, value = _expression(tokens, pos + 1, text)
            out.append(Attribute(name.text, blocks, value, name.start))
            continue
        labels: List[str] = []
        while tokens[pos].kind in ("ident", "string"):
            labels.append(tokens[pos].text)
            pos += 1
        if not (tokens[pos].kind == "punct" and tokens[pos].text == "{"):
            raise HclError(f"expected '=' or a block after {name.text!r}", tokens[pos].start, text)
        inner = _body(tokens, pos + 1, blocks + ((name.text, *labels),), out, text)
        if tokens[inner].kind == "eof":
            raise HclError(f"block {name.text!r} is never closed", name.start, text)
        pos = inner + 1


def _expression(tokens: List[Token], pos: int, text: str) -> Tuple[int, Optional[Token]]:
    """Skip an expression (to the end of its line, brackets balanced); its
    token when it is one literal string."""
    start = pos
    stack: List[str] = []
    while True:
        token = tokens[pos]
        if token.kind == "eof":
            if stack:
                raise HclError(f"'{stack[-1]}' is never closed", token.start, text)
            break
        if token.kind == "newline" and not stack:
            break
        if token.kind == "punct":
            if token.text in _OPEN:
                stack.append(_OPEN[token.text])
            elif token.text in ")]}":
                if not stack:
                    if token.text == "}":
                        break  # the end of a one-line block: `provider "aws" { region = "x" }`
                    raise HclError(f"unexpected {token.text!r}", token.start, text)
                if stack.pop() != token.text:
                    raise HclError(f"unexpected {token.text!r}", token.start, text)
        pos += 1
    parts = [t for t in tokens[start:pos] if t.kind != "newline"]
    if len(parts) == 1 and parts[0].kind == "string" and parts[0].literal:
        return pos, parts[0]
    return pos, None


# -- the match kind ----------------------------------------------------------------------


class TerraformAnalyzer(Analyzer):
    name = "terraform"
    kinds = ("credential-attributes",)

    def compile_match(self, kind: str, options: dict, ctx) -> Compiled:
        if kind != "credential-attributes":
            raise ctx.error((), f"terraform files have no match kind {kind!r}; use credential-attributes")
        if not isinstance(options, dict):
            raise ctx.error((), "credential-attributes takes a mapping with names, variables and blocks")
        for option in options:
            if option not in ("names", "variables", "blocks"):
                raise ctx.error((option,), f"unknown option {option!r}; allowed: names, variables, blocks")
        names = credentials.compile_names(options, ctx, "names")
        variables = credentials.compile_names(options, ctx, "variables")
        blocks = []
        for index, spec in enumerate(options.get("blocks") or ()):
            parts = tuple(str(spec).split())
            if not 1 <= len(parts) <= 2:
                raise ctx.error(("blocks", index), "a block is its type and optionally its first label: 'provider aws'")
            blocks.append(parts)
        return Compiled(kind, CredentialAttributes(names, variables, tuple(blocks)))

    def compile_fix(self, options: dict, ctx) -> None:
        raise ctx.error((), "credentials in Terraform files have no automatic fix: the value must be removed by hand")

    def derive_triggers(self, compiled: Compiled, library) -> List[Clause]:
        match: CredentialAttributes = compiled.options
        clauses = credentials.name_triggers(match.names) + credentials.name_triggers(match.variables)
        tokens = tuple(sorted({t for c in clauses for t in c.any}))
        return [Clause(any=tokens, ignore_case=all(c.ignore_case for c in clauses))]

    def analyze(self, source: Source, rules: Sequence[Tuple[Rule, Compiled]], library,
                session=None) -> AnalysisResult:
        result = AnalysisResult()
        try:
            found = attributes(source.text)
        except HclError as exc:
            return credentials.unparsed(result, rules, f"could not parse as Terraform ({exc}); scanned as text only")
        except RecursionError:
            return credentials.unparsed(result, rules, "could not parse as Terraform (nested too deeply); "
                                                       "scanned as text only")
        policy = library.policy()
        for rule, compiled in rules:
            match: CredentialAttributes = compiled.options
            for pair, shape in pairs(found, match):
                if credentials.is_real(policy, shape, pair.value):
                    item = credentials.finding(rule, source, pair, shape)
                    result.findings.append(item)
                    result.secrets.extend(item.secrets)
        return result


def pairs(found: List[Attribute], match: CredentialAttributes) -> Iterator[Tuple[Pair, str]]:
    for attribute in found:
        token = attribute.value
        if token is None:
            continue
        owner = _matching_block(attribute.blocks, match.blocks)
        if owner is not None:
            shape = match.names.shape_for(attribute.name)
            where = _describe(owner)
            name = attribute.name
        elif attribute.blocks and attribute.blocks[-1][0] == "variable" and attribute.name == "default" \
                and len(attribute.blocks[-1]) > 1:
            name = attribute.blocks[-1][1]
            shape = match.variables.shape_for(name)
            where = f'the default of variable "{name}"'
        else:
            name = attribute.name
            shape = match.variables.shape_for(name)
            where = f"{name} in {_describe(attribute.blocks[-1])}" if attribute.blocks else name
        if shape is not None:
            yield Pair(name, token.text, token.start + 1, token.end - 1, where), shape


def _matching_block(blocks: Tuple[Tuple[str, ...], ...], wanted: Tuple[Tuple[str, ...], ...]):
    for block in reversed(blocks):
        for spec in wanted:
            if block[:len(spec)] == spec:
                return block
    return None


def _describe(block: Tuple[str, ...]) -> str:
    return " ".join([block[0]] + [f'"{label}"' for label in block[1:]]) + " block"


ANALYZER = TerraformAnalyzer()
