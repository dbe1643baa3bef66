"""Database passwords: check one against a platform's policy, and generate one that meets it.

The default policy is the one managed platforms publish for database passwords: at least 8 characters, a
lower-case letter, an upper-case letter, a digit, and one of ``, & * [ ] : ' $ \\ ` "``. Each rule can be
changed or switched off (:class:`Policy`). Checking says which rules fail, never the password.

Generation uses :mod:`secrets` only. The special characters the policy asks for are exactly the ones that
break URLs and shell commands, so a generated password comes with its percent-encoded form for URLs.
"""

from __future__ import annotations

import dataclasses
import secrets
import string
from typing import Final
from urllib.parse import quote

DEFAULT_SPECIALS: Final = ",&*[]:'$\\`\""
DEFAULT_MIN_LENGTH: Final = 8
DEFAULT_GENERATED_LENGTH: Final = 24


@dataclasses.dataclass(frozen=True, slots=True)
class Policy:
    min_length: int = DEFAULT_MIN_LENGTH
    lower: bool = True
    upper: bool = True
    digit: bool = True
    #: at least one of these is required; an empty string switches the rule off
    specials: str = DEFAULT_SPECIALS


@dataclasses.dataclass(frozen=True, slots=True)
class RuleResult:
    rule: str  # "length", "lower", "upper", "digit", "special"
    ok: bool
    text: str  # the rule in words, without the password


def check_password(password: str, policy: Policy = Policy()) -> tuple[RuleResult, ...]:
    """Every rule of the policy with whether the password meets it (rules switched off are left out)."""
    out = [
        RuleResult(
            "length",
            len(password) >= policy.min_length,
            f"at least {policy.min_length} characters (has {len(password)})",
        )
    ]
    if policy.lower:
        out.append(RuleResult("lower", any(c.islower() for c in password), "a lower-case letter"))
    if policy.upper:
        out.append(RuleResult("upper", any(c.isupper() for c in password), "an upper-case letter"))
    if policy.digit:
        out.append(RuleResult("digit", any(c in string.digits for c in password), "a digit (0-9)"))
    if policy.specials:
        shown = " ".join(policy.specials)
        out.append(RuleResult("special", any(c in policy.specials for c in password), f"one of {shown}"))
    return tuple(out)


def meets(password: str, policy: Policy = Policy()) -> bool:
    return all(r.ok for r in check_password(password, policy))


def generate_password(length: int = DEFAULT_GENERATED_LENGTH, policy: Policy = Policy()) -> str:
    """A random password of ``length`` characters meeting ``policy``: one character of each required class,
    the rest from all of them, shuffled with :mod:`secrets`. Raises ValueError when the length cannot meet
    the policy."""
    classes: list[str] = []
    if policy.lower:
        classes.append(string.ascii_lowercase)
    if policy.upper:
        classes.append(string.ascii_uppercase)
    if policy.digit:
        classes.append(string.digits)
    if policy.specials:
        classes.append(policy.specials)
    if not classes:
        classes.append(string.ascii_letters + string.digits)
    length = max(length, policy.min_length)
    if length < len(classes):
        raise ValueError(f"a password of {length} characters cannot hold one of each of {len(classes)} classes")
    alphabet = "".join(classes)
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    # Fisher-Yates with the secrets generator (random.shuffle would use a predictable one)
    for i in range(len(chars) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def url_encoded(password: str) -> str:
    """The password as it must appear inside a URL's user info (every reserved character percent-encoded)."""
    return quote(password, safe="")
