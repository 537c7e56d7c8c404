"""One file's bytes, decoded once, with the position arithmetic every analyzer
needs: line splitting that agrees with Python's tokenizer, and the conversion
from `ast`'s UTF-8 byte columns to the character columns users see."""
from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from itertools import accumulate
from typing import Dict, List, Optional, Tuple

from .model import Span

_NEWLINE = re.compile(r"\r\n|\r|\n")
SPARSE_MIN_CHARS = 1 << 20
SPARSE_POSITIONS = 64
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
BINARY_SNIFF = 8192


class DecodeError(Exception):
    pass


def wide_encoding(data: bytes) -> Optional[str]:
    """UTF-16 or UTF-32 text, by its BOM or, without one, by the NUL bytes
    that ASCII characters leave in every other (or three of four) bytes:
    PowerShell 5's `>` writes UTF-16, so .env and JSON files made on Windows
    often are. None for anything else."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:BINARY_SNIFF]
    if len(head) < 8 or b"\0" not in head:
        return None
    head = head[: len(head) - len(head) % 4]
    for encoding, zero, other in (("utf-32-le", (1, 2, 3), (0,)), ("utf-32-be", (0, 1, 2), (3,)),
                                  ("utf-16-le", (1, 3), (0, 2)), ("utf-16-be", (0, 2), (1, 3))):
        quarter = len(head) // 4
        zeros = sum(head[i::4].count(0) for i in zero)
        nonzero = sum(quarter - head[i::4].count(0) for i in other)
        if zeros >= 0.9 * quarter * len(zero) and nonzero >= 0.9 * quarter * len(other):
            try:
                head.decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


# Bytes of text: printable ASCII, the usual whitespace, and all of UTF-8's
# multi-byte range. What is left are control bytes.
_TEXT_BYTES = bytes([8, 9, 10, 12, 13, 27]) + bytes(range(32, 127)) + bytes(range(128, 256))


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first block mean binary (git's heuristic), unless
    they are few in otherwise clean text: a stray NUL in a source file does
    not hide the file. UTF-16/32 text is text."""
    head = data[:BINARY_SNIFF]
    nuls = head.count(b"\0")
    if not nuls or wide_encoding(data) is not None:
        return False
    if nuls >= 32:
        return True
    control = len(head.translate(None, _TEXT_BYTES))  # NULs included
    return control * 20 > len(head)  # more than 5% control bytes: not text


def python_encoding(data: bytes) -> str:
    """PEP 263: a BOM, else a coding cookie on line 1 or 2, else UTF-8 (and
    UTF-16/32, which Python does not read but an editor may have written)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    wide = wide_encoding(data)
    if wide is not None:
        return wide
    for line in data.split(b"\n", 2)[:2]:
        m = _COOKIE.match(line)
        if m:
            name = m.group(1).decode("ascii", "replace")
            try:
                return codecs.lookup(name).name
            except LookupError:
                raise DecodeError(f"unknown encoding {name!r} in the coding cookie") from None
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    return "utf-8"


def text_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return wide_encoding(data) or "utf-8"


class Source:
    """Decoded text plus line arithmetic. `text` never contains the BOM."""

    def __init__(self, path: str, data: bytes, encoding: str, strict: bool = True) -> None:
        self.path = path
        self.data = data
        self.encoding = encoding
        self.has_bom = encoding in ("utf-8-sig", "utf-16", "utf-32")
        try:
            self.text = data.decode(encoding, "strict" if strict else "replace")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"cannot decode as {encoding} (byte {exc.start}): "
                "save the file as UTF-8 or declare its encoding"
            ) from None
        if self.text.startswith("\ufeff"):
            self.text = self.text[1:]
        self._starts: Optional[List[int]] = None
        self._lines: Optional[List[str]] = None
        self._sparse = self._sparse_lines()
        # Test code (set by the engine from the file's path): analyzers may
        # discount placeholder credentials there, which are stubs.
        self.test = False

    def _sparse_lines(self) -> Optional[Dict[int, int]]:
        """A large file's line table costs a second per 100 MB, and its few
        findings need a handful of positions: those are counted instead
        (str.count and rfind run in C), up to SPARSE_POSITIONS of them.
        Only with "\n" line ends, which count alone."""
        if len(self.text) < SPARSE_MIN_CHARS or "\r" in self.text:
            return None
        return {}

    def with_text(self, text: str) -> "Source":
        """The same file with other text (a fixed version of it)."""
        other = object.__new__(Source)
        other.path, other.encoding, other.has_bom = self.path, self.encoding, self.has_bom
        other.text, other.data = text, b""
        other._starts = other._lines = None
        other._sparse = other._sparse_lines()
        other.test = getattr(self, "test", False)
        return other

    def encode(self) -> bytes:
        """The text as the file stores it: same encoding, same BOM."""
        return self.text.encode(self.encoding)

    @classmethod
    def for_python(cls, path: str, data: bytes) -> "Source":
        return cls(path, data, python_encoding(data))

    @classmethod
    def for_text(cls, path: str, data: bytes) -> "Source":
        """Text files are scanned even when not valid UTF-8: undecodable bytes
        become U+FFFD and cannot be part of a key."""
        return cls(path, data, text_encoding(data), strict=False)

    # -- lines ---------------------------------------------------------------

    @property
    def line_starts(self) -> List[int]:
        if self._starts is None:
            if "\r" in self.text:
                starts = [0]
                starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
            else:  # "\n" only: the lengths of the split lines give the starts (C speed)
                starts = [0, *accumulate(len(line) + 1 for line in self.lines)][:len(self.lines)]
            self._starts = starts
        return self._starts

    @property
    def lines(self) -> List[str]:
        """Lines without their terminators, split the way Python's tokenizer splits."""
        if self._lines is None:
            self._lines = _NEWLINE.split(self.text)
        return self._lines

    def line_text(self, line: int) -> str:
        if self._lines is None and self._sparse and line in self._sparse:
            start = self._sparse[line]
            end = self.text.find("\n", start)
            return self.text[start:end if end >= 0 else len(self.text)]
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def newline(self) -> str:
        m = _NEWLINE.search(self.text)
        return m.group(0) if m else "\n"

    # -- positions -----------------------------------------------------------

    def position(self, offset: int) -> Tuple[int, int]:
        """Character offset in `text` -> (1-based line, 1-based column)."""
        if self._starts is None and self._sparse is not None and len(self._sparse) < SPARSE_POSITIONS:
            line = self.text.count("\n", 0, offset) + 1
            start = self.text.rfind("\n", 0, offset) + 1
            self._sparse[line] = start
            return line, offset - start + 1
        starts = self.line_starts
        index = bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def span_of(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)

    def offset(self, line: int, column: int) -> int:
        """1-based (line, character column) -> character offset in `text`."""
        if self._starts is None and self._sparse and line in self._sparse:
            return self._sparse[line] + column - 1
        starts = self.line_starts
        if line > len(starts):
            return len(self.text)
        return starts[line - 1] + column - 1

    def char_column(self, line: int, byte_col: int) -> int:
        """`ast` columns count UTF-8 bytes; users and editors count characters."""
        text = self.line_text(line)
        if text.isascii():
            return byte_col + 1
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def span_from_ast(self, node) -> Span:
        return Span(
            node.lineno,
            self.char_column(node.lineno, node.col_offset),
            node.end_lineno,
            self.char_column(node.end_lineno, node.end_col_offset),
        )
