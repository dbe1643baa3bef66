"""Password policy checks and generation."""

from __future__ import annotations

import string

import pytest

from dbdoctor import passwords
from dbdoctor.passwords import Policy, check_password, generate_password, meets


@pytest.mark.parametrize(
    ("pw", "failing"),
    [
        ("", {"length", "lower", "upper", "digit", "special"}),
        ("abcdefgh", {"upper", "digit", "special"}),
        ("Abcdefg1", {"special"}),
        ("Abcdef1$", set()),
        ("ABCDEF1$", {"lower"}),
        ("abcdef1$", {"upper"}),
        ("Abcdefg$", {"digit"}),
        ("Abc1$", {"length"}),
        ("Abcdef1\\", set()),
        ("Abcdef1`", set()),
        ('Abcdef1"', set()),
        ("Abcdef1!", {"special"}),  # ! is not in the platform's list
    ],
)
def test_which_rule_fails(pw: str, failing: set[str]) -> None:
    got = {r.rule for r in check_password(pw) if not r.ok}
    assert got == failing


def test_every_listed_special_counts() -> None:
    for c in ",&*[]:'$\\`\"":
        assert meets("Abcdef1" + c), c


def test_policy_is_configurable() -> None:
    relaxed = Policy(min_length=4, upper=False, specials="")
    assert meets("abc1", relaxed)
    assert {r.rule for r in check_password("abc1", relaxed)} == {"length", "lower", "digit"}
    assert not meets("abc1", Policy(min_length=5, upper=False, specials=""))
    assert not meets("Abcdefg1!", Policy(specials="#"))
    assert meets("Abcdefg1#", Policy(specials="#"))


def test_results_never_contain_the_password() -> None:
    pw = "Zq7$UniqueSecretValue"
    assert all(pw not in r.text for r in check_password(pw))


def test_generated_passwords_meet_the_policy_and_differ() -> None:
    seen = set()
    for _ in range(300):
        pw = generate_password()
        assert len(pw) == passwords.DEFAULT_GENERATED_LENGTH
        assert meets(pw), pw
        seen.add(pw)
    assert len(seen) == 300
    # every class turns up in every position over many draws (the required ones are not always first)
    firsts = {generate_password(8)[0] for _ in range(400)}
    assert firsts & set(string.ascii_lowercase) and firsts & set(string.ascii_uppercase)
    assert firsts & set(string.digits) and firsts & set(passwords.DEFAULT_SPECIALS)


def test_generate_honours_a_custom_policy() -> None:
    policy = Policy(min_length=12, specials="#-")
    for _ in range(100):
        pw = generate_password(6, policy)  # raised to the minimum length
        assert len(pw) == 12 and meets(pw, policy)
        assert set(pw) <= set(string.ascii_letters + string.digits + "#-")


def test_url_encoded_form_decodes_back_through_libpq() -> None:
    from psycopg.conninfo import conninfo_to_dict

    for _ in range(100):
        pw = generate_password()
        enc = passwords.url_encoded(pw)
        assert set(enc) <= set(string.ascii_letters + string.digits + "%-._~")
        assert conninfo_to_dict(f"postgresql://u:{enc}@h/db")["password"] == pw
