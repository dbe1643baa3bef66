"""dbdoctor.tls: chain verdicts checked against OpenSSL itself (Python's ssl module doing a real handshake in
memory with the same certificates), name matching against libpq's rules, CA file loading."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import pytest

from dbdoctor import tls
from fix_certs import DAY, NOW, Issued, Pki, issue, make_pki


@pytest.fixture(scope="module")
def chain_pki() -> Pki:
    return make_pki()


# --- OpenSSL as the oracle ---------------------------------------------------------------------------------

#: X509_V_ERR_* codes (openssl/x509_vfy.h) → the problem dbdoctor must name
OPENSSL_CODES = {
    18: {"self_signed"},  # DEPTH_ZERO_SELF_SIGNED_CERT
    19: {"untrusted"},  # SELF_SIGNED_CERT_IN_CHAIN
    20: {"untrusted", "chain_incomplete"},  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    2: {"untrusted", "chain_incomplete"},  # UNABLE_TO_GET_ISSUER_CERT
    10: {"expired"},  # CERT_HAS_EXPIRED
    9: {"not_yet_valid"},  # CERT_NOT_YET_VALID
}


def openssl_verify(tmp: Path, sent: list[Issued], key_of: Issued, ca: list[Issued]) -> int | None:
    """Handshake in memory: a server presenting ``sent`` (leaf first), a client trusting ``ca`` with
    CERT_REQUIRED and no host check (what verify-ca asks of OpenSSL). Returns None on success, else the
    X509 verify code."""
    chain = tmp / "server-chain.pem"
    chain.write_bytes(b"".join(c.pem for c in sent))
    keyf = tmp / "server.key"
    keyf.write_bytes(key_of.key_pem())
    cafile = tmp / "ca.pem"
    cafile.write_bytes(b"".join(c.pem for c in ca))
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(chain, keyf)
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_REQUIRED
    cctx.load_verify_locations(cafile)
    c_in, c_out, s_in, s_out = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    client = cctx.wrap_bio(c_in, c_out, server_hostname=None)
    server = sctx.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(20):
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLCertVerificationError as exc:
                return int(exc.verify_code)
            except ssl.SSLError:
                if side is server:
                    continue
                raise
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        try:
            client.do_handshake()
            return None
        except ssl.SSLWantReadError:
            continue
        except ssl.SSLCertVerificationError as exc:
            return int(exc.verify_code)
    raise AssertionError("handshake did not finish")


def ours(tmp: Path, sent: list[Issued], ca: list[Issued], host: str | None = None) -> tls.ChainAnalysis:
    cafile = tmp / "ours-ca.pem"
    cafile.write_bytes(b"".join(c.pem for c in ca))
    return tls.analyze_chain([c.der for c in sent], ca_file=cafile, ca_source="file", host=host)


def _cases(p: Pki) -> dict[str, tuple[list[Issued], Issued, list[Issued], str | None]]:
    """name → (chain sent, key owner, CA file content, expected problem)."""
    expired_leaf = issue("db.example.test", issuer=p.intermediate, dns=["db.example.test"],
                         not_before=NOW - 100 * DAY, not_after=NOW - 2 * DAY)
    future_leaf = issue("db.example.test", issuer=p.intermediate, dns=["db.example.test"],
                        not_before=NOW + 5 * DAY, not_after=NOW + 100 * DAY)
    self_signed = issue("db.example.test", dns=["db.example.test"])
    other_leaf = issue("db.example.test", issuer=p.other_root, org="Another Org", dns=["db.example.test"])
    expired_inter = issue("dbdoctor expired intermediate", issuer=p.root, ca=True,
                          not_before=NOW - 100 * DAY, not_after=NOW - 1 * DAY)
    leaf_of_expired = issue("db.example.test", issuer=expired_inter, dns=["db.example.test"])
    direct_leaf = issue("db.example.test", issuer=p.root, dns=["db.example.test"])
    return {
        "full": ([p.leaf, p.intermediate], p.leaf, [p.root], None),
        "full_with_root": ([p.leaf, p.intermediate, p.root], p.leaf, [p.root], None),
        "no_intermediate": ([p.leaf], p.leaf, [p.root], "chain_incomplete"),
        "intermediate_in_ca_file": ([p.leaf], p.leaf, [p.root, p.intermediate], None),
        "direct_from_root": ([direct_leaf], direct_leaf, [p.root], None),
        "self_signed": ([self_signed], self_signed, [p.root], "self_signed"),
        "self_signed_trusted": ([self_signed], self_signed, [self_signed], None),
        "other_ca": ([other_leaf], other_leaf, [p.root], "untrusted"),
        "other_ca_root_sent": ([other_leaf, p.other_root], other_leaf, [p.root], "untrusted"),
        "wrong_ca_file": ([p.leaf, p.intermediate], p.leaf, [p.other_root], "untrusted"),
        "expired_leaf": ([expired_leaf, p.intermediate], expired_leaf, [p.root], "expired"),
        "future_leaf": ([future_leaf, p.intermediate], future_leaf, [p.root], "not_yet_valid"),
        "expired_intermediate": ([leaf_of_expired, expired_inter], leaf_of_expired, [p.root], "expired"),
        "intermediate_only_in_ca": ([p.leaf, p.intermediate], p.leaf, [p.intermediate], "untrusted"),
    }


CASE_NAMES = list(_cases(make_pki()).keys())


@pytest.mark.parametrize("case", CASE_NAMES)
def test_chain_verdict_agrees_with_openssl(case: str, chain_pki: Pki, tmp_path: Path) -> None:
    sent, owner, ca, expected = _cases(chain_pki)[case]
    code = openssl_verify(tmp_path, sent, owner, ca)
    analysis = ours(tmp_path, sent, ca)
    # OpenSSL decides; our problem must be one OpenSSL's code allows, and our expectation must agree too
    if code is None:
        assert analysis.trusted, (case, analysis.problem, analysis.problem_detail)
        assert analysis.problem is None
    else:
        assert not analysis.trusted
        assert analysis.problem in OPENSSL_CODES[code], (case, code, analysis.problem)
    assert analysis.problem == expected


def test_expired_intermediate_is_named(chain_pki: Pki, tmp_path: Path) -> None:
    sent, _, ca, _ = _cases(chain_pki)["expired_intermediate"]
    a = ours(tmp_path, sent, ca)
    assert a.problem == "expired"
    assert a.problem_subject is not None and "expired intermediate" in a.problem_subject
    assert a.days_left is not None and a.days_left > 0  # the leaf itself is fine


def test_no_intermediate_names_the_missing_link(chain_pki: Pki, tmp_path: Path) -> None:
    a = ours(tmp_path, [chain_pki.leaf], [chain_pki.root])
    assert a.missing_issuer == chain_pki.intermediate.cert.subject.rfc4514_string()
    assert a.top_issuer == a.missing_issuer
    assert "intermediate" in (a.problem_detail or "")


def test_leaf_summary(chain_pki: Pki, tmp_path: Path) -> None:
    a = ours(tmp_path, [chain_pki.leaf, chain_pki.intermediate], [chain_pki.root], host="db.example.test")
    assert a.trusted and a.name_matched and a.verify_full_ok
    assert a.dns_names == ("db.example.test", "localhost")
    assert a.ip_addresses == ("127.0.0.1",)
    assert a.common_name == "db.example.test"
    assert a.key_type == "EC secp256r1"
    assert len(a.chain) == 2 and a.chain[1].is_ca and not a.chain[0].is_ca
    assert a.fingerprint == chain_pki.leaf.cert.fingerprint(__import__("cryptography.hazmat.primitives.hashes",
                                                                 fromlist=["SHA256"]).SHA256()).hex()
    assert 88 <= (a.days_left or 0) <= 90
    assert a.serial == format(chain_pki.leaf.cert.serial_number, "x")
    assert "db.example.test" in a.describe()


def test_no_ca_source_means_no_verdict(chain_pki: Pki) -> None:
    a = tls.analyze_chain([chain_pki.leaf.der], ca_file=None, ca_source="none", host="localhost")
    assert not a.trusted and a.problem is None and a.name_matched


def test_missing_and_invalid_ca_file(chain_pki: Pki, tmp_path: Path) -> None:
    a = tls.analyze_chain([chain_pki.leaf.der], ca_file=tmp_path / "nope.crt", ca_source="file", host=None)
    assert a.problem == "ca_file_missing"
    junk = tmp_path / "junk.crt"
    junk.write_text("not a certificate\n")
    assert tls.analyze_chain([chain_pki.leaf.der], ca_file=junk, ca_source="file", host=None).problem == "ca_file_invalid"


def test_garbage_chain() -> None:
    assert tls.analyze_chain([], ca_file=None, ca_source="none", host=None).problem == "no_certificate"
    assert tls.analyze_chain([b"\x30\x03junk"], ca_file=None, ca_source="none", host=None).problem == (
        "invalid_certificate"
    )


def test_system_source_uses_given_bundle(chain_pki: Pki) -> None:
    a = tls.analyze_chain([chain_pki.leaf.der, chain_pki.intermediate.der], ca_file=None, ca_source="system",
                          host="localhost", ca_certificates=[chain_pki.root.der])
    assert a.trusted


def test_fixed_clock(chain_pki: Pki, tmp_path: Path) -> None:
    later = NOW + 200 * DAY
    a = tls.analyze_chain([chain_pki.leaf.der, chain_pki.intermediate.der], ca_file=tmp_path / "ca.pem"
                          if (tmp_path / "ca.pem").write_bytes(chain_pki.root.pem) else None,
                          ca_source="file", host=None, now=later)
    assert a.problem == "expired" and a.days_left is not None and a.days_left < 0


# --- names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("*.example.com", "db.example.com", True),
        ("*.example.com", "DB.Example.COM", True),
        ("*.example.com", "a.b.example.com", False),  # one label only
        ("*.example.com", "example.com", False),
        ("*.example.com", ".example.com", False),
        ("db*.example.com", "db1.example.com", False),  # only the whole leftmost label
        ("*", "localhost", False),
        ("*.", "a.", False),
        ("db.example.com", "db.example.com", False),  # not a wildcard at all
    ],
)
def test_wildcard(pattern: str, host: str, expected: bool) -> None:
    assert tls.wildcard_match(pattern, host) is expected


def _leaf(cn: str | None, dns: list[str] = [], ips: list[str] = []) -> Issued:  # noqa: B006
    return issue(cn, dns=dns, ips=ips)


@pytest.mark.parametrize(
    ("cn", "dns", "ips", "host", "matched", "by"),
    [
        ("db.example.test", ["db.example.test"], [], "db.example.test", True, "dns"),
        ("db.example.test", ["other.example.test"], [], "db.example.test", False, None),  # CN ignored: DNS SAN
        ("db.example.test", [], [], "db.example.test", True, "cn"),  # no SAN: CN
        ("db.example.test", [], ["10.0.0.1"], "db.example.test", True, "cn"),  # SAN of another type only
        ("x", ["*.example.test"], [], "db.example.test", True, "dns"),
        ("x", [], ["127.0.0.1"], "127.0.0.1", True, "ip"),
        ("x", ["localhost"], ["127.0.0.1"], "127.0.0.2", False, None),
        ("127.0.0.1", ["localhost"], [], "127.0.0.1", True, "cn"),  # IP host, no IP SAN: CN fallback (libpq)
        ("127.0.0.1", ["localhost"], ["10.0.0.1"], "127.0.0.1", False, None),  # IP SAN present: no CN
        ("x", [], ["::1"], "::1", True, "ip"),
        ("x", [], ["::1"], "0:0:0:0:0:0:0:1", True, "ip"),
        ("x", ["127.0.0.1"], [], "127.0.0.1", True, "dns"),  # libpq compares DNS SANs as strings too
        (None, [], [], "db.example.test", False, None),
    ],
)
def test_name_match_like_libpq(
    cn: str | None, dns: list[str], ips: list[str], host: str, matched: bool, by: str | None
) -> None:
    check = tls.match_host(_leaf(cn, dns, ips).cert, host)
    assert check.matched is matched
    assert check.matched_by == by


def test_names_present_reported() -> None:
    check = tls.match_host(_leaf("cn.example", ["a.example", "b.example"], ["10.1.2.3"]).cert, "c.example")
    assert not check.matched
    assert check.names == ("a.example", "b.example", "10.1.2.3")


# --- CA files ----------------------------------------------------------------------------------------------


def test_load_ca_file(chain_pki: Pki, tmp_path: Path) -> None:
    good = chain_pki.write_ca(tmp_path / "ca.pem", chain_pki.root, chain_pki.intermediate)
    ca = tls.load_ca_file(good)
    assert ca.error is None and ca.certificates == (chain_pki.root.der, chain_pki.intermediate.der)
    assert tls.load_ca_file(tmp_path / "missing.pem").error == "missing"
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"")
    assert tls.load_ca_file(empty).error == "no_certificate"
    assert tls.load_ca_file(tmp_path).error == "unreadable"
    der = tmp_path / "root.der"
    der.write_bytes(chain_pki.root.der)
    assert tls.load_ca_file(der).certificates == (chain_pki.root.der,)


def test_default_root_cert() -> None:
    assert tls.default_root_cert("/home/app") == Path("/home/app/.postgresql/root.crt")


def test_system_bundle_follows_ssl_cert_file(chain_pki: Pki, tmp_path: Path) -> None:
    bundle_file = chain_pki.write_ca(tmp_path / "bundle.pem", chain_pki.root)
    b = tls.system_ca_bundle({"SSL_CERT_FILE": str(bundle_file), "SSL_CERT_DIR": str(tmp_path / "none")})
    assert b.usable and b.certificates == (chain_pki.root.der,) and b.cafile == str(bundle_file)
    missing = tls.system_ca_bundle({"SSL_CERT_FILE": str(tmp_path / "no.pem"), "SSL_CERT_DIR": str(tmp_path / "x")})
    assert not missing.usable and not missing.cafile_exists


def test_system_bundle_here_matches_openssl() -> None:
    """What OpenSSL's default store loads here versus what we read: both empty or both not."""
    ctx = ssl.create_default_context()
    openssl_count = len(ctx.get_ca_certs())
    ours_bundle = tls.system_ca_bundle()
    if openssl_count:
        assert ours_bundle.usable
    # the capath-only case cannot be counted through get_ca_certs (lazy lookup); only the file case is compared


def test_now_naive_is_utc(chain_pki: Pki) -> None:
    a = tls.analyze_chain([chain_pki.leaf.der], ca_file=None, ca_source="none", host=None,
                          now=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    assert a.days_left is not None


# --- intermediate missing, or another CA? (a presumption; OpenSSL says "unable to get local issuer" for both)


def test_same_org_other_root_named_root_is_untrusted(tmp_path: Path) -> None:
    ours_root = issue("Acme Root CA 1", org="Acme", ca=True)
    theirs = issue("Acme Root CA 2", org="Acme", ca=True)
    leaf = issue("db.acme.test", issuer=theirs, org="Acme", dns=["db.acme.test"])
    assert ours(tmp_path, [leaf], [ours_root]).problem == "untrusted"


def test_issuing_ca_missing_is_incomplete(tmp_path: Path) -> None:
    root = issue("Acme Root", org="Acme", ca=True)
    issuing = issue("Acme Issuing CA 7", issuer=root, org="Acme", ca=True)
    leaf = issue("db.acme.test", issuer=issuing, org="Acme", dns=["db.acme.test"])
    assert openssl_verify(tmp_path, [leaf], leaf, [root]) == 20
    assert ours(tmp_path, [leaf], [root]).problem == "chain_incomplete"


def test_unnamed_issuer_of_another_org_is_untrusted(tmp_path: Path) -> None:
    root = issue("R1", org="Acme", ca=True)
    other = issue("X9", org="Globex", ca=True)
    leaf = issue("db.acme.test", issuer=other, org="Globex", dns=["db.acme.test"])
    assert ours(tmp_path, [leaf], [root]).problem == "untrusted"


def test_unnamed_issuer_of_same_org_is_incomplete(tmp_path: Path) -> None:
    root = issue("R1", org="Acme", ca=True)
    inter = issue("R10", issuer=root, org="Acme", ca=True)
    leaf = issue("db.acme.test", issuer=inter, org="Acme", dns=["db.acme.test"])
    assert ours(tmp_path, [leaf], [root]).problem == "chain_incomplete"
    # with the intermediate sent and the wrong root trusted: what is missing is a root
    other = issue("Z1", org="Acme", ca=True)
    assert ours(tmp_path, [leaf, inter], [other]).problem == "untrusted"


def test_system_bundle_reads_the_directory_too(chain_pki: Pki, tmp_path: Path) -> None:
    """OpenSSL consults SSL_CERT_DIR's <hash>.<n> files as well as SSL_CERT_FILE."""
    bundle_file = chain_pki.write_ca(tmp_path / "bundle.pem", chain_pki.other_root)
    certdir = tmp_path / "certs"
    certdir.mkdir()
    (certdir / "0123abcd.0").write_bytes(chain_pki.root.pem)
    (certdir / "README").write_text("ignored")
    b = tls.system_ca_bundle({"SSL_CERT_FILE": str(bundle_file), "SSL_CERT_DIR": str(certdir)})
    assert b.certificates == (chain_pki.other_root.der, chain_pki.root.der)
