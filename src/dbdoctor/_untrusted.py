"""Text that came from a server (or a driver repeating a server): bounded before it is matched, stored or printed,
and escaped before it reaches a terminal or a page.

A server chooses every byte of its error messages, certificate names and banners: a 16 MB ERR message, a
certificate CN that clears the screen (``ESC [2J``) or sets the terminal title (``ESC ] 0;...BEL``). dbdoctor keeps
the first ``MAX_SERVER_TEXT`` characters and shows every control character as a visible ``\\xNN`` escape.
"""

from __future__ import annotations

import re
from typing import Final

#: the longest server text kept (a real error message is under 300 characters; libpq's, with both addresses,
#: under 1,000)
MAX_SERVER_TEXT: Final = 2000
_ELLIPSIS: Final = "…"

#: C0 controls except TAB and LF, DEL, the C1 controls, and the Unicode line/paragraph separators and bidi
#: overrides a terminal or a page would act on
_CONTROL: Final = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_CONTROL_KEEP_NL: Final = _CONTROL
_CONTROL_ALL: Final = "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
# (patterns as text: re compiles and caches one on first use, so importing this module on the preflight's
# click-free path costs no compilation of a pattern it does not use)


def bound(text: str, limit: int = MAX_SERVER_TEXT) -> str:
    """The first ``limit`` characters of ``text`` (an ellipsis marks the cut)."""
    if len(text) <= limit:
        return text
    return text[:limit] + _ELLIPSIS


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control character shown as ``\\xNN`` (TAB and, when ``newlines``, LF kept), and lone
    surrogates (from ``surrogateescape``) replaced: safe to print on a terminal and valid UTF-8."""
    pattern = _CONTROL_KEEP_NL if newlines else _CONTROL_ALL
    out = re.sub(pattern, _escape, text)
    if not out.isascii():
        out = out.encode("utf-8", "replace").decode("utf-8")
    return out


def server_text(raw: bytes | str, limit: int = MAX_SERVER_TEXT) -> str:
    """Bytes or text from a server, bounded first (never decoded past ``4 * limit`` bytes), then decoded."""
    if isinstance(raw, bytes):
        raw = raw[: 4 * limit + 4].decode("utf-8", errors="replace")
    return bound(raw, limit)


def require_utf8(text: str, what: str = "the connection string") -> None:
    """Raise TargetParseError when ``text`` holds bytes that were not UTF-8 (lone surrogates from the command
    line's surrogateescape): no driver could read it, and its encoding would raise deep in a parser."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        from dbdoctor.errors import TargetParseError

        raise TargetParseError(
            f"{what} holds bytes that are not valid UTF-8",
            "write it in UTF-8; percent-encode other bytes in a URL (%XX)",
        ) from None
