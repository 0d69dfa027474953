"""Input validation (type, size, encoding, binary content) and same-length normalisation."""
from __future__ import annotations

import re

from vacscreen.schema import InputError

MAX_CHARS = 1_000_000
MAX_CONTROL_RATIO = 0.05  # more control characters than this: binary, not text
MIN_PRINTABLE_CP1252 = 0.95

# C0 controls except \t \n \v \f \r, DEL, C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

# Same-length replacements only, so that offsets in the cleaned text equal those in the input.
_SPACES = "\xa0\t\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff"
_NEWLINES = "\r\v\f\x85\u2028\u2029"
_REPLACE = {c: " " for c in _SPACES}
_REPLACE.update({c: "\n" for c in _NEWLINES})
# Control characters (rare: input with many is rejected as binary) become spaces as well.
_REPLACE.update({chr(c): " " for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)] if chr(c) not in _REPLACE})
_REPLACE_RE = re.compile("[" + re.escape("".join(_REPLACE)) + "]")


def _binary_error() -> InputError:
    return InputError("input looks like binary data (e.g. an image or PDF), not text")


def _check_binary(text: str) -> None:
    if "\x00" in text:
        raise _binary_error()
    if _CONTROL_RE.search(text) is None:
        return
    n_control = len(_CONTROL_RE.findall(text))
    if n_control > MAX_CONTROL_RATIO * len(text):
        raise _binary_error()


def decode(data) -> tuple[str, list[str]]:
    """Validate the caller's input and return it as str, plus warnings about the decoding."""
    warnings: list[str] = []
    if data is None:
        raise InputError("no input: expected the vacancy text as str or bytes, got None")
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if len(data) > 4 * MAX_CHARS:
            raise InputError(f"input is too long: {len(data):,} bytes (maximum {MAX_CHARS:,} characters)")
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with byte-order mark (Notepad)
            try:
                text = data.decode("utf-16")
            except UnicodeDecodeError:
                raise InputError("input bytes start with a UTF-16 mark but are not UTF-16 text") from None
        elif b"\x00" in data:
            raise _binary_error()
        else:
            text = _decode_bytes(data, warnings)
    elif isinstance(data, str):
        text = data
    else:
        raise InputError(f"expected the vacancy text as str or bytes, got {type(data).__name__}")

    if len(text) > MAX_CHARS:
        raise InputError(f"text is too long: {len(text):,} characters (maximum {MAX_CHARS:,})")
    if not text:
        raise InputError("input is empty")
    if _SURROGATE_RE.search(text):
        # a lone surrogate cannot be encoded (a broken export or JSON "\ud800"): one replacement character each,
        # so that offsets into the text as given stay valid
        n = len(_SURROGATE_RE.findall(text))
        text = _SURROGATE_RE.sub("\ufffd", text)
        warnings.append(f"input had {n} invalid character(s) (lone surrogates), shown as \ufffd")
    _check_binary(text)
    if not text.replace("\ufeff", "").strip():
        raise InputError("input contains only whitespace")
    return text, warnings


def _decode_bytes(data: bytes, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = _decode_cp1252(data)
    warnings.append("input bytes were not UTF-8; decoded as Windows-1252")
    return text


def _decode_cp1252(data: bytes) -> str:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError("input bytes are neither UTF-8 nor Windows-1252 text") from None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    if printable < MIN_PRINTABLE_CP1252 * len(text):
        raise InputError("input bytes are not UTF-8 and do not decode to readable text")
    return text


def normalize(text: str) -> str:
    """Same-length normalisation: odd spaces and tabs -> ' ', \\r and other breaks -> '\\n'."""
    if _REPLACE_RE.search(text) is None:
        return text
    return _REPLACE_RE.sub(lambda m: _REPLACE[m.group()], text)
