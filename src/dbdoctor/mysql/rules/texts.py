"""The docs text of every MySQL/MariaDB finding code (DD801-DD804, DD810-DD834, DD840): one page per cause.

Each text has the four sections a rule's doc must have (*What it checks*, *Why it matters*, *How to fix*,
*Example*; see dbdoctor.rules.base). ``scripts/gen_rule_docs.py`` writes ``docs/rules/<CODE>.md`` from them
and ``dbdoctor explain CODE`` prints them. Data only: the rules in ``check.py`` and ``static.py`` read
``DOCS[code]``.

Error texts are quoted as the servers and drivers print them: MariaDB 10.11 (server and Connector/C, the
``mariadb`` client), MySQL 8 (server and ``mysql`` client), PyMySQL, Connector/J. Where a text depends on the
version, the page says which one. Passwords in examples are always ``****``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

_DD801 = """
What it checks
--------------
Whether the MySQL/MariaDB connection settings can be used at all, before anything touches the network: a port
that is not a number from 1 to 65535, an ``ssl-mode`` that is not one of ``DISABLED``, ``PREFERRED``,
``REQUIRED``, ``VERIFY_CA``, ``VERIFY_IDENTITY``, an unknown SQLAlchemy driver in ``mysql+<driver>://``, an
``sslMode`` value MariaDB Connector/J does not take (``disable``, ``trust``, ``verify-ca``, ``verify-full``),
and ``ssl_mode`` handed to a driver that has no such argument.

Why it matters
--------------
The app fails on start-up with an error that names no server: PyMySQL raises ``TypeError: __init__() got an
unexpected keyword argument 'ssl_mode'``, mysql-connector-python ``AttributeError: Unsupported argument
'ssl_mode'``, mysqlclient ``NotSupportedError: Unknown ssl_mode specification`` for anything but the five
upper-case values. Nothing is wrong with the database or the network, so time spent there is lost; no
connection is attempted, and dbdoctor does not probe.

How to fix
----------
Write the setting the way the app's driver reads it. The MySQL client: ``--ssl-mode`` with one of the five
values; mysqlclient: ``ssl_mode`` with one of them, spelt exactly so, in capitals. PyMySQL
(``mysql+pymysql://``, also aiomysql and asyncmy): no ``ssl_mode``; in a SQLAlchemy URL ``ssl_ca=<file>``
turns on TLS with the chain and the host name verified, and ``ssl_check_hostname=false`` drops the name check
(called directly, ``pymysql.connect(ssl_ca=...)`` verifies nothing unless ``ssl_verify_identity=True`` is
passed too). mysql-connector-python: ``ssl_verify_cert=true``, ``ssl_verify_identity=true``,
``ssl_disabled=true``. MariaDB Connector/J: ``sslMode=verify-full``. A port is a number from 1 to 65535 (3306
by default).

Example
-------
``mysql+pymysql://app:****@db.example.test/app?ssl_mode=REQUIRED`` raises TypeError inside PyMySQL. Write
``mysql+pymysql://app:****@db.example.test/app?ssl_ca=/etc/ssl/certs/provider-ca.pem``.
"""

_DD802 = """
What it checks
--------------
Query parameters that the URL's driver does not know, read as that driver reads them: ``sslmode`` (libpq's
spelling) or ``ssl=true`` in a ``mysql://`` URL, ``sslmode`` for Connector/J (its key is ``sslMode``, and the
case matters), ``ssl-mode`` in a SQLAlchemy URL whose driver takes ``ssl_*`` keyword arguments.

Why it matters
--------------
Most MySQL drivers drop keys they do not know without a word, so the connection runs with the driver's
default, which for the MySQL client, Connector/J and most drivers is ``PREFERRED``: TLS without any
certificate check when the server offers it, plain text when it does not. The URL says ``VERIFY_IDENTITY`` and
the app does not verify anything. Connector/J ignores ``sslmode=REQUIRED`` silently; node's mysql2 prints
``Ignoring invalid configuration option passed to Connection`` and goes on; the Go driver sends unknown
parameters to the server as ``SET`` statements after login.

How to fix
----------
Use the names of the driver the app uses. dbdoctor's own ``mysql://`` URLs and the MySQL client: ``ssl-mode``,
``ssl-ca``, ``ssl-cert``, ``ssl-key``. Connector/J: ``sslMode=VERIFY_IDENTITY`` (with
``trustCertificateKeyStoreUrl`` or the JVM trust store). SQLAlchemy with PyMySQL or mysqlclient: ``ssl_ca``,
``ssl_cert``, ``ssl_key``. Run ``dbdoctor parse --driver <name> URL`` to see how a given driver reads the URL.

Example
-------
``jdbc:mysql://db.example.test:3306/app?user=app&password=****&sslmode=VERIFY_IDENTITY``: Connector/J does not
know ``sslmode`` and connects with ``PREFERRED``. Write ``...&sslMode=VERIFY_IDENTITY``.
"""

_DD803 = """
What it checks
--------------
TLS settings that look safe and are not: a CA file (``ssl-ca``) or a client certificate (``ssl-cert``) with an
``ssl-mode`` of ``PREFERRED`` or ``REQUIRED``, neither of which checks the server's certificate; and, as
information, ``PREFERRED`` on its own, the default of the MySQL client and most drivers.

Why it matters
--------------
In ``REQUIRED`` the connection is encrypted, but to whoever answers: anyone who can intercept the traffic can
present their own certificate and read the password exchange and every query. ``PREFERRED`` is weaker still:
when the server (or something in the path) offers no TLS, the client continues in plain text and reports
nothing. A CA file does not change the mode: the MariaDB client with ``--ssl-ca`` and mysql-connector-python
with ``ssl_ca`` (its ``ssl_verify_cert`` defaults to false) connect without verifying, and fall back to plain
text when the server has no TLS; PyMySQL called as ``pymysql.connect(ssl_ca=<file>)`` encrypts but accepts a
certificate from any CA, as long as neither ``ssl_verify_cert`` nor ``ssl_verify_identity`` is set. Only the
verifying modes make a bad certificate or a missing TLS an error.

How to fix
----------
Set ``ssl-mode=VERIFY_IDENTITY`` with ``ssl-ca=<the provider's CA file>``; use ``VERIFY_CA`` only when the
server's certificate cannot carry the host name the app connects to. In drivers: PyMySQL ``ssl={'ca':
<file>}``, or ``ssl_ca=<file>, ssl_verify_identity=True``, or ``?ssl_ca=<file>`` in a SQLAlchemy URL (each
verifies the chain and the host name); mysqlclient ``ssl_mode=VERIFY_IDENTITY``; mysql-connector-python
``ssl_verify_cert=True, ssl_verify_identity=True``; Connector/J ``sslMode=VERIFY_IDENTITY``; MariaDB
Connector/J ``sslMode=verify-full``; the MariaDB client ``--ssl-verify-server-cert``.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=REQUIRED&ssl-ca=/etc/ssl/certs/provider-ca.pem`` encrypts but
accepts any certificate. Write
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/provider-ca.pem``.
"""

_DD804 = """
What it checks
--------------
A password in a MySQL URL that holds ``@``, ``/``, ``?``, ``#``, ``:``, ``%`` or a space without
percent-encoding. It is an error when the raw character makes the URL read as another host, port, user,
database or password; a warning when the URL happens to read right here but other parsers would cut it
elsewhere.

Why it matters
--------------
The server then receives the wrong password or the client dials the wrong host, and the error says nothing
about the URL: ``(1045, "Access denied for user 'app'@'10.0.0.7' (using password: YES)")``, ``Unknown MySQL
server host`` followed by a piece of the password, or an invalid port. Parsers disagree on where a raw
character ends the password: SQLAlchemy's ``make_url`` ends it at the first ``@``; Python's ``urllib``, node's
``URL`` and JDBC end the user part at the first ``/``, ``?`` or ``#``. So a URL that works in one tool fails
in another, and part of the password can end up in the host name, and from there in logs, error messages and
DNS queries.

How to fix
----------
Percent-encode the password: ``@`` is ``%40``, ``/`` is ``%2F``, ``?`` is ``%3F``, ``#`` is ``%23``, ``:`` is
``%3A``, ``%`` is ``%25``, a space is ``%20``. In Python, ``urllib.parse.quote(password, safe="")``; in
SQLAlchemy, build the URL with ``URL.create(...)``, which encodes for you. Alternatively, keep the password
out of the URL (``MYSQL_PWD`` is deprecated; use an option file or the driver's ``password`` argument).

Example
-------
``mysql://app:****@db.example.test/app`` where ``****`` stands for a password holding a raw ``@`` and ``/``:
the URL reads the text after the password's ``@`` as the host, and the client looks up a host name made of a
piece of the password. Written with ``%40`` for ``@`` and ``%2F`` for ``/`` in place of ``****``, the URL
reads as intended.
"""

_DD810 = """
What it checks
--------------
That the server refuses this login because it did not come over TLS: MySQL 5.7.8 and later with
``require_secure_transport=ON`` say so after authentication, ``ERROR 3159 (HY000): Connections using insecure
transport are prohibited while --require_secure_transport=ON.``; MariaDB 10.11 with the same setting, and any
account created ``REQUIRE SSL`` or ``REQUIRE X509``, answer a plain-text login with ``ERROR 1045 (28000):
Access denied for user 'app'@'10.0.0.7' (using password: YES)``, word for word the wrong-password message.
dbdoctor tells the two apart with one attempt over TLS with the same credentials, made only when the app's own
settings had already sent them without TLS (and over TLS verified against the app's own CA when it has one).

Why it matters
--------------
With MariaDB, everybody reads the 1045 as a wrong password: the password gets reset, the secret rotated, the
user recreated, and the login still fails, because the client never encrypted. Typical sources are an
``ssl-mode=DISABLED`` left from local development, a driver that needs an explicit option to use TLS at all
(PyMySQL before 1.2, mysql2, the Go driver), or a ``PREFERRED`` client talking through a proxy that offers no
TLS.

How to fix
----------
Connect with TLS and verify the server: ``ssl-mode=VERIFY_IDENTITY`` with ``ssl-ca=<the provider's CA file>``.
In drivers: PyMySQL ``ssl={'ca': <file>}`` (``?ssl_ca=<file>`` in a SQLAlchemy URL); mysqlclient
``ssl_mode=VERIFY_IDENTITY``; Connector/J ``sslMode=VERIFY_IDENTITY``; mysql2 ``ssl: { ca }``; Go
``tls=true``; the MariaDB client ``--ssl --ssl-verify-server-cert --ssl-ca=<file>``. For an account created
``REQUIRE X509``, also pass the client certificate and key (``ssl-cert``, ``ssl-key``). Turning
``require_secure_transport`` off on the server is not a fix: it sends passwords and data in the clear again.

Example
-------
MariaDB with ``require_secure_transport=ON`` and ``mysql://app:****@db.example.test/app?ssl-mode=DISABLED``:
PyMySQL says ``(1045, "Access denied for user 'app'@'10.0.0.7' (using password: YES)")``; the same credentials
with ``ssl-mode=REQUIRED`` are accepted, so the cause is TLS, not the password.
"""

_DD811 = """
What it checks
--------------
That the server refused the user name and password themselves: ``ERROR 1045 (28000): Access denied for user
'app'@'10.0.0.7' (using password: YES)`` (``using password: NO`` when the client sent none), and, when the
first login had been plain text, a second login over TLS with the same credentials was refused the same way,
so TLS is not what is missing.

Why it matters
--------------
1045 covers more than a mistyped password: an account that does not exist, an account that exists only for
another host part (``'app'@'localhost'`` but not ``'app'@'%'``, so a login from 10.0.0.7 matches no row), a
password read from a different source than the one you edited (a ``.env`` file, ``MYSQL_PWD``, an option
file), or special characters that the URL mangled. On MariaDB, an account created ``REQUIRE X509`` that logs
in without a client certificate gets the same text; nothing outside the server tells those two apart.

How to fix
----------
Check where the password comes from (the report's provenance names the source) and that it is percent-encoded
in a URL. As an administrator, ``SELECT user, host FROM mysql.user WHERE user = 'app'`` shows which host parts
exist; ``SHOW CREATE USER 'app'@'%'`` shows the authentication plugin and any ``REQUIRE`` clause; ``ALTER USER
'app'@'%' IDENTIFIED BY '...'`` sets a new password. If the account says ``REQUIRE X509``, pass ``ssl-cert``
and ``ssl-key``.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/provider-ca.pem`` with a
password from an old ``.env`` file: ``(1045, "Access denied for user 'app'@'10.0.0.7' (using password:
YES)")`` over TLS as well; the account exists only as ``'app'@'localhost'``, or the password differs.
"""

_DD812 = """
What it checks
--------------
That the ``ssl-mode`` demands TLS (``REQUIRED``, ``VERIFY_CA`` or ``VERIFY_IDENTITY``) and the server's
greeting does not offer it: the capability flags of the handshake packet lack ``CLIENT_SSL``. Clients say
``ERROR 2026 (HY000): SSL connection error: SSL is required but the server doesn't support it`` (the MySQL
client), ``(2026, "SSL is required but the server doesn't support it")`` (PyMySQL), ``TLS/SSL error: SSL is
required, but the server does not support it`` (the MariaDB client with ``--ssl-verify-server-cert``), ``SSL
Connection required, but not provided by server.`` (Connector/J), ``TLS requested but server does not support
TLS`` (Go).

Why it matters
--------------
The client is right to stop: the only other way is plain text. The server has no ``ssl_cert``/``ssl_key``
configured (MariaDB before 11.4 and self-built MySQL start without TLS then; MySQL 8 generates its own
certificate only when it can write the data directory), the TLS library failed to load the files (see the
server's error log), or the client reached another endpoint: a proxy, a load balancer or a local port-forward
that does not do TLS.

How to fix
----------
Enable TLS on the server: ``ssl_cert=/etc/mysql/server-cert.pem``, ``ssl_key=/etc/mysql/server-key.pem`` (and
``ssl_ca`` for client certificates) in the ``[mysqld]`` or ``[mariadb]`` section, then restart (MySQL 8 can
also ``ALTER INSTANCE RELOAD TLS``); ``SHOW GLOBAL VARIABLES LIKE 'have_ssl'`` says ``YES`` once it works. Or
connect to the endpoint that has TLS (on managed services, the direct endpoint rather than a proxy). Do not
lower the ``ssl-mode``.

Example
-------
``mysql://app:****@127.0.0.1:3307/app?ssl-mode=REQUIRED`` through a TCP port-forward to a MariaDB 10.11
without ``ssl_cert``: the greeting lacks ``CLIENT_SSL`` and PyMySQL says ``(2026, "SSL is required but the
server doesn't support it")``.
"""

_DD813 = """
What it checks
--------------
That the certificate chain the server sends over TLS holds a certificate whose validity ended (its
``notAfter`` is in the past), checked by dbdoctor's own probe against the CA the app uses, without
credentials. Clients that verify say ``certificate verify failed: certificate has expired``: PyMySQL as
``(2003, "Can't connect to MySQL server on 'db.example.test' ([SSL: CERTIFICATE_VERIFY_FAILED] certificate
verify failed: certificate has expired (_ssl.c:1006))")``, the MySQL client as ``ERROR 2026 (HY000): SSL
connection error: error:0A000086:SSL routines::certificate verify failed``, Connector/J as
``CertPathValidatorException: validity check failed``.

Why it matters
--------------
Every client that verifies is locked out at the same moment, and the ones that still connect
(``PREFERRED``/``REQUIRED``) do so because they check nothing. The usual causes: a server certificate that
nobody renewed (short-lived ones, such as 90-day ACME certificates, run out first), a renewed file that the
server never reloaded, or an expired intermediate still configured next to a renewed leaf.

How to fix
----------
Renew the server certificate (and its intermediate, if that is the expired one), install it as ``ssl_cert``,
and make the server use it: MySQL 8 ``ALTER INSTANCE RELOAD TLS``, MariaDB 10.4 and later ``FLUSH SSL``, or a
restart. Verify with ``openssl s_client -starttls mysql -connect db.example.test:3306 -showcerts`` (OpenSSL
1.1.1 and later). Do not work around it by dropping to ``REQUIRED``.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/provider-ca.pem``
against a server whose certificate ran out on the first of the month: the chain shows ``notAfter`` in the
past, and PyMySQL says ``certificate verify failed: certificate has expired``.
"""

_DD814 = """
What it checks
--------------
That a certificate in the server's chain is not valid yet: its ``notBefore`` lies in the future by the clock
of the machine that runs the check. Verifying clients say ``certificate verify failed: certificate is not yet
valid`` (Python's ssl module under PyMySQL, inside a ``2003 Can't connect to MySQL server`` error), or ``ERROR
2026 (HY000): SSL connection error: error:0A000086:SSL routines::certificate verify failed`` (the MySQL
client), ``CertificateNotYetValidException`` (Connector/J).

Why it matters
--------------
Either the certificate was issued with a start date ahead of now (a freshly generated certificate whose
issuing machine runs fast, or a start date set on purpose), or this machine's clock is behind: containers and
VMs restored from a snapshot, machines without NTP. The same certificate then works from one host and fails
from another, which looks random.

How to fix
----------
Compare the certificate's ``notBefore`` (``openssl x509 -noout -dates -in server-cert.pem``) with ``date -u``
on the client. If the client clock is wrong, fix time synchronisation (``timedatectl``, chrony, the host's
NTP). If the certificate starts in the future, reissue it with a start date in the past (a few minutes of
margin) and reload it on the server (``ALTER INSTANCE RELOAD TLS``, ``FLUSH SSL`` or a restart).

Example
-------
A server certificate issued at 09:00 UTC by a machine whose clock runs 40 minutes fast, checked at 08:45 UTC
with ``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_CA&ssl-ca=/etc/ssl/certs/provider-ca.pem``:
``certificate verify failed: certificate is not yet valid``.
"""

_DD815 = """
What it checks
--------------
That the server presents a self-signed certificate (its issuer is itself) which is not in the CA file or store
the client trusts. Python's ssl module says ``certificate verify failed: self-signed certificate`` (OpenSSL 3;
``self signed certificate`` before), or ``self-signed certificate in certificate chain`` when the chain ends
in a self-signed root the client does not trust; the MariaDB client says ``TLS/SSL error: self-signed
certificate in certificate chain``.

Why it matters
--------------
Self-signed certificates come from quick set-ups (``openssl req -x509 ...``) and from MariaDB 11.4 and later,
which creates one at start when no certificate is configured; MySQL 8's own generated certificate is signed by
a CA it generates next to it (issuer ``MySQL_Server_<version>_Auto_Generated_CA_Certificate``, file ``ca.pem``
in the data directory). They encrypt, but a client can only verify one by trusting that exact certificate or
its generated CA. Clients in ``REQUIRED`` mode connect and verify nothing, so the problem shows only when
someone turns verification on, or when the server regenerated its certificate.

How to fix
----------
Give the client the certificate that signed the server's (for a self-signed one, the certificate itself; for
MySQL's generated certificates, ``ca.pem`` from the server's data directory) and put it in ``ssl-ca``. Better,
issue the server a certificate from a CA you control or from the provider, with the host name in the subject
alternative names, and set ``ssl-mode=VERIFY_IDENTITY``. With MariaDB 11.4's generated certificate, the
MariaDB client can also verify through the password-derived fingerprint it checks by default.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_CA&ssl-ca=/etc/ssl/certs/ca-certificates.crt`` against
a server whose certificate was made with ``openssl req -x509``: PyMySQL says ``certificate verify failed:
self-signed certificate``. Copy that certificate to the client and use ``ssl-ca=/etc/mysql/db-cert.pem``.
"""

_DD816 = """
What it checks
--------------
That the server's chain verifies up to a root, but not to a CA the client trusts: the CA file in ``ssl-ca``
holds a different CA than the one that issued the server certificate. OpenSSL calls it ``unable to get local
issuer certificate``; PyMySQL shows it inside ``(2003, "Can't connect to MySQL server on 'db.example.test'
([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate ...")``;
Connector/J says ``PKIX path building failed ... unable to find valid certification path to requested
target``.

Why it matters
--------------
This is the usual failure after switching a working ``REQUIRED`` setup to ``VERIFY_CA`` or
``VERIFY_IDENTITY``: the CA file is an old one, another region's, the system bundle when the provider uses its
own CA, or the client certificate's CA instead of the server's. It also appears when a provider rotates its CA
(AWS RDS from ``rds-ca-2019`` to ``rds-ca-rsa2048-g1``, for example) and the app still ships the previous
bundle.

How to fix
----------
Download the provider's current CA bundle for this instance's region and point ``ssl-ca`` at it; check which
CA issued the server certificate with ``openssl s_client -starttls mysql -connect db.example.test:3306
-showcerts`` and look at the ``issuer`` line. For Connector/J, import that CA into the trust store named by
``trustCertificateKeyStoreUrl``. Keep the verifying mode.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/app/certs/rds-ca-2019-root.pem`` after
the instance moved to a new CA: ``unable to get local issuer certificate``. Replace the file with the
provider's current bundle.
"""

_DD817 = """
What it checks
--------------
That the server sends its leaf certificate without the intermediate CA certificate that signed it, and the
client's ``ssl-ca`` holds only the root: the chain stops at an issuer nobody provides. OpenSSL reports it as
``unable to get local issuer certificate`` (or ``unable to verify the first certificate``), the same words as
an unknown CA; dbdoctor tells the two apart by looking at what the server sent and what the CA file contains.

Why it matters
--------------
Browsers often fill the gap by fetching the missing intermediate themselves, and ``openssl s_client`` may find
it in a system store, so the certificate "works" everywhere except in the database client. MySQL and MariaDB
send exactly what ``ssl_cert`` contains: a file with only the leaf means a chain with only the leaf. Clients
in ``REQUIRED`` mode never notice; every verifying client fails.

How to fix
----------
On the server, make ``ssl_cert`` hold the leaf followed by the intermediate(s), in that order (``cat
server.crt intermediate.crt > server-chain.pem``), and reload TLS (``ALTER INSTANCE RELOAD TLS`` on MySQL 8,
``FLUSH SSL`` on MariaDB, or a restart). When the server is not yours, add the intermediate to the client's CA
file next to the root.

Example
-------
A certificate issued by an intermediate CA, with ``ssl_cert=/etc/mysql/server.crt`` holding only the leaf, and
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/root-ca.pem``: the
server sends one certificate, and PyMySQL says ``unable to get local issuer certificate``.
"""

_DD818 = """
What it checks
--------------
That the chain is trusted but the certificate does not carry the host name the client connected to, which
``VERIFY_IDENTITY`` requires: the name is in neither the subject alternative names nor (for clients that still
look there) the common name. PyMySQL says ``certificate verify failed: Hostname mismatch, certificate is not
valid for 'db.example.test'``; the MySQL client ``ERROR 2026 (HY000): SSL connection error: SSL certificate
validation failure``; the MariaDB client ``TLS/SSL error: Validation of SSL server certificate failed``;
Connector/J ``Server certificate identity check failed. The certificate Common Name '...' does not match with
'db.example.test'``.

Why it matters
--------------
The app connects by a name the certificate was not made for: a CNAME or private DNS alias, a load balancer, a
read replica or cluster endpoint, ``localhost`` through a tunnel, or a certificate issued for the machine's
internal name only. This check is what stops an interceptor holding any valid certificate from the same CA, so
it should not be switched off.

How to fix
----------
Connect with a name the certificate carries (``openssl x509 -noout -ext subjectAltName -in server-cert.pem``
lists them), or reissue the server certificate with the name the apps use in its subject alternative names.
When neither is possible (a tunnel to ``127.0.0.1``), ``VERIFY_CA`` still checks the chain; with PyMySQL that
is ``ssl={'ca': <file>, 'check_hostname': False}`` (``&ssl_check_hostname=false`` in a SQLAlchemy URL).

Example
-------
``mysql://app:****@mysql.internal.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/provider-ca.pem``
where the certificate names only ``db.example.test``: ``Hostname mismatch, certificate is not valid for
'mysql.internal.example.test'``.
"""

_DD819 = """
What it checks
--------------
That the client connected by IP address (``127.0.0.1``, ``10.0.0.5``, ``::1``) with a verifying mode, and the
certificate carries no IP address entry for it. Python's ssl module says ``certificate verify failed: IP
address mismatch, certificate is not valid for '10.0.0.5'``; node's mysql2 never checks an IP address at all,
even with ``verifyIdentity``.

Why it matters
--------------
Host names in a certificate do not cover IP addresses: a certificate for ``db.example.test`` does not match a
connection to its address, and few certificates carry ``IP:`` entries. Apps end up with an address in the URL
after a DNS problem, in Docker or Kubernetes setups, or through a tunnel, and then either fail like this or
switch verification off altogether.

How to fix
----------
Connect by a DNS name the certificate carries (add it to ``/etc/hosts`` or the private DNS if the address is
all you have). If you issue the certificate yourself, add the address as a subject alternative name
(``IP:10.0.0.5``). For a local tunnel, ``VERIFY_CA`` still verifies the chain.

Example
-------
``mysql://app:****@10.0.0.5/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/certs/provider-ca.pem`` with a
certificate for ``db.example.test`` only: ``IP address mismatch, certificate is not valid for '10.0.0.5'``.
Use ``mysql://app:****@db.example.test/app?...``.
"""

_DD820 = """
What it checks
--------------
That the file named by ``ssl-ca`` (``ssl_ca`` in drivers, ``serverSslCert`` in MariaDB Connector/J) does not
exist at that path for the process that checks. PyMySQL fails before connecting with ``FileNotFoundError:
[Errno 2] No such file or directory``; the MySQL client with ``ERROR 2026 (HY000): SSL connection error:
SSL_CTX_set_default_verify_paths failed``; the MariaDB client with a ``TLS/SSL error``.

Why it matters
--------------
The path is usually right somewhere else: on the developer's laptop, in another container image, relative to a
different working directory, or in a secret volume that is mounted under another name. Some clients do not
fail on it in non-verifying modes, so the mistake waits until someone turns verification on.

How to fix
----------
Use an absolute path to a file that exists where the app runs, and ship the CA with the app (copy it into the
image, mount the secret at that path). Check with ``ls -l`` from inside the app's container or as the app's
user.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=certs/provider-ca.pem`` started from
``/`` instead of ``/app``: the relative path points nowhere. Write ``ssl-ca=/app/certs/provider-ca.pem``.
"""

_DD821 = """
What it checks
--------------
That the ``ssl-ca`` file exists but holds no certificate a TLS library can read: empty, HTML saved from a
download page, a DER (binary) file where PEM is expected, a private key, or a PEM block cut short. Python's
ssl module under PyMySQL says ``ssl.SSLError: [X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl
found``; the MySQL client ``ERROR 2026 (HY000): SSL connection error: SSL_CTX_set_default_verify_paths
failed``.

Why it matters
--------------
The file name looks right, so people look for the problem everywhere else. Secrets stored in environment
variables or CI settings often lose their line breaks or get their ``-----BEGIN CERTIFICATE-----`` line
trimmed, which produces exactly this.

How to fix
----------
Check the file: ``openssl x509 -noout -subject -issuer -in provider-ca.pem`` must print a subject. Convert a
DER file with ``openssl x509 -inform der -in ca.der -out ca.pem``; download the bundle again from the
provider's documentation (not the page around it); when the CA comes from a secret, write it to the file with
its line breaks intact.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_CA&ssl-ca=/app/certs/provider-ca.pem`` where the file
is the provider's download page: ``[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found``.
"""

_DD822 = """
What it checks
--------------
That the client is told to verify (``VERIFY_CA`` or ``VERIFY_IDENTITY``) without an ``ssl-ca``, so it verifies
against the system's CA store, and that store is missing or empty where the client looks for it.

Why it matters
--------------
Slim container images (``python:*-slim``, distroless, Alpine without ``ca-certificates``) ship no CA bundle.
Every verification then fails with ``unable to get local issuer certificate`` although the server's
certificate is fine and comes from a public CA. Many providers use their own CA, which no system store holds,
so even a complete store would not help them.

How to fix
----------
Install the system store (``apt-get install ca-certificates``, ``apk add ca-certificates``) when the server's
certificate is from a public CA; otherwise, and in general, name the CA explicitly with ``ssl-ca=<the
provider's CA file>``, which works the same in every image.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY`` in a distroless image without
``/etc/ssl/certs/ca-certificates.crt``: every verification fails. Add ``&ssl-ca=/app/certs/provider-ca.pem``.
"""

_DD823 = """
What it checks
--------------
That the server offered TLS in its greeting (``CLIENT_SSL``) and took the client's SSLRequest, but the TLS
handshake that follows broke off: no shared protocol version or cipher, an alert from the server, or the
connection closed. The MySQL client reports ``ERROR 2026 (HY000): SSL connection error: error:0A000102:SSL
routines::unsupported protocol`` (or ``wrong version number``, ``no protocols available``); PyMySQL ``(2003,
"Can't connect to MySQL server on 'db.example.test' ([SSL: UNSUPPORTED_PROTOCOL] ...)")`` or ``(2013, 'Lost
connection to MySQL server during query')``; older yaSSL servers answer with a MySQL error packet ``#08S01 Bad
handshake``.

Why it matters
--------------
The usual cause is an old server that speaks only TLS 1.0 or 1.1 (MySQL 5.6, MySQL 5.7 before 5.7.28 built
with yaSSL, old MariaDB builds) against a current OpenSSL, whose default minimum is TLS 1.2; or the reverse, a
server restricted to TLS 1.3 (``tls_version=TLSv1.3``) and an old client. Another is a proxy that passes the
greeting and then cannot carry TLS.

How to fix
----------
Upgrade the server (or its TLS library) so that it speaks TLS 1.2 or later: MySQL 5.7.28 and later and MySQL 8
do, as does any MariaDB built with a current OpenSSL; ``SHOW GLOBAL VARIABLES LIKE 'tls_version'`` shows what
the server allows. Lowering the client's minimum (``tls-version=TLSv1.1``, OpenSSL ``@SECLEVEL=0``) only buys
time with protocols that are broken. Check the handshake with ``openssl s_client -starttls mysql -connect
db.example.test:3306``.

Example
-------
``mysql://app:****@legacy-db.example.test/app?ssl-mode=REQUIRED`` against MySQL 5.6 (TLS 1.0 only) from a
client with OpenSSL 3: ``SSL connection error: error:0A000102:SSL routines::unsupported protocol``.
"""

_DD824 = """
What it checks
--------------
That the server (or a TLS proxy in front of it) asked for a client certificate during the TLS handshake and
the connection failed because the client sent none: ``ssl-cert`` and ``ssl-key`` are not set. It also covers
accounts created ``REQUIRE X509``, ``REQUIRE SUBJECT '...'`` or ``REQUIRE ISSUER '...'``, which MySQL and
MariaDB check after the handshake and refuse with ``ERROR 1045 (28000): Access denied for user 'app'@'...'
(using password: YES)``, the wrong-password text.

Why it matters
--------------
With a certificate-checking account the password can be right and the login still fails, and the message
points at the password. A server or TLS proxy that enforces client certificates in the handshake itself breaks
it off instead, which reads like a TLS failure.

How to fix
----------
Pass the client certificate and its key:
``ssl-cert=/app/certs/client-cert.pem&ssl-key=/app/certs/client-key.pem`` (PyMySQL ``ssl_cert``/``ssl_key``;
Connector/J ``clientCertificateKeyStoreUrl``; mysql2 ``ssl: { cert, key }``), issued by the CA the server
trusts (its ``ssl_ca``) and, for ``REQUIRE SUBJECT`` or ``ISSUER``, with exactly that subject or issuer.
``SHOW CREATE USER 'app'@'%'`` shows the account's ``REQUIRE`` clause.

Example
-------
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/app/certs/server-ca.pem`` to an
instance that requires trusted client certificates: the handshake ends with an alert. Add
``&ssl-cert=/app/certs/client-cert.pem&ssl-key=/app/certs/client-key.pem``.
"""

_DD825 = """
What it checks
--------------
That a client certificate is configured but cannot be used: the ``ssl-cert`` or ``ssl-key`` file is missing or
unreadable, the key does not belong to the certificate, the key is encrypted and no passphrase is given, or
the file is not PEM. The MySQL client says ``ERROR 2026 (HY000): SSL connection error: Unable to get
certificate``, ``Unable to get private key`` or ``Private key does not match the certificate public key``;
Python's ssl module under PyMySQL raises ``FileNotFoundError``, ``[SSL] PEM lib`` or ``[X509:
KEY_VALUES_MISMATCH] key values mismatch`` before anything is sent.

Why it matters
--------------
The connection fails before the server is involved, yet the error is often reported as an SSL or connection
problem, and people look at the server. Typical causes: certificate and key from different issuances after a
rotation, the key in PKCS#8 encrypted form, the files mounted with permissions the app's user cannot read.

How to fix
----------
Check that the pair belongs together: ``openssl x509 -noout -pubkey -in client-cert.pem`` and ``openssl pkey
-pubout -in client-key.pem`` must print the same key. Use absolute paths readable by the app's user (the key
with mode 600). Remove a passphrase (``openssl pkey -in enc.key -out client-key.pem``) or pass it (PyMySQL
``ssl_key_password``, from a secret, not the URL).

Example
-------
After a rotation, ``ssl-cert=/app/certs/client-cert.pem`` holds the new certificate and
``ssl-key=/app/certs/client-key.pem`` still the old key, in
``mysql://app:****@db.example.test/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/app/certs/ca.pem&ssl-cert=...&ssl-key=...``:
the MySQL client says ``Private key does not match the certificate public key``, PyMySQL ``[X509:
KEY_VALUES_MISMATCH] key values mismatch``.
"""

_DD826 = """
What it checks
--------------
That the host name of the target does not resolve to any address where the check runs. The MySQL client says
``ERROR 2005 (HY000): Unknown MySQL server host 'db.example.test' (-2)`` (the MariaDB client: ``Unknown server
host``); PyMySQL ``(2003, "Can't connect to MySQL server on 'db.example.test' ([Errno -2] Name or service not
known)")`` (``-3`` is a temporary resolver failure, ``-5`` a name with no address).

Why it matters
--------------
No TLS or password setting plays any role yet. The name is misspelt, belongs to a private DNS zone that this
network cannot see (a VPC-only endpoint queried from a laptop or a CI runner), was deleted with the instance,
or is a Docker Compose service name used outside the Compose network. A URL with an unencoded ``@`` in the
password can also make part of the password the host name (see DD804).

How to fix
----------
Check the name (``getent hosts db.example.test`` or ``dig``) from where the app runs, not from your laptop;
use the endpoint the provider shows for this network (public or private), or run the app inside the network
that can resolve it.

Example
-------
``mysql://app:****@db.internal.example.test/app`` used from a CI runner outside the private network: ``(2003,
"Can't connect to MySQL server on 'db.internal.example.test' ([Errno -2] Name or service not known)")``.
"""

_DD827 = """
What it checks
--------------
That the address was reached and actively refused the TCP connection: nothing listens on that port, or a
firewall answers with a reset. The MySQL client says ``ERROR 2003 (HY000): Can't connect to MySQL server on
'db.example.test:3306' (111)``; the MariaDB client ``ERROR 2002 (HY000): Can't connect to server on
'127.0.0.1' (115)``; PyMySQL ``(2003, "Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection
refused)")``; Connector/J ``Communications link failure ... Connection refused``.

Why it matters
--------------
The host is up, but the server is not there: it is stopped or restarting, it listens on another port, or on
another interface only (``bind-address=127.0.0.1``, MariaDB's ``skip-networking`` in some packaged configs),
or the app uses the wrong port (3306 for MySQL, another one for a proxy or a second instance). In containers,
``localhost`` is the container itself, not the database's container.

How to fix
----------
Check the port and that the server listens on it: ``SHOW GLOBAL VARIABLES LIKE 'port'`` and ``ss -ltnp`` on
the server; set ``bind-address=0.0.0.0`` (or the right interface) and turn off ``skip-networking`` when remote
clients must connect; in Docker Compose use the service name, not ``localhost``.

Example
-------
``mysql://app:****@localhost:3306/app`` from an app container while MariaDB runs in a container named ``db``:
``(2003, "Can't connect to MySQL server on 'localhost' ([Errno 111] Connection refused)")``. Write
``mysql://app:****@db:3306/app``.
"""

_DD828 = """
What it checks
--------------
That no answer came in time: the TCP connection was not accepted before the deadline, or the server accepted
it and then sent no greeting or never finished the TLS handshake. PyMySQL says ``(2003, "Can't connect to
MySQL server on 'db.example.test' (timed out)")`` or ``(2013, 'Lost connection to MySQL server during query
(timed out)')``; the MySQL client ``ERROR 2003 (HY000): Can't connect to MySQL server on
'db.example.test:3306' (110)``; Connector/J ``Communications link failure``.

Why it matters
--------------
Silence usually means a filter dropping packets: a cloud firewall or security group, a database allowlist
("authorized networks", "trusted sources") that does not include the app's outgoing address, a private address
reached from outside its network. When the TCP connection works and nothing follows, the server may be
overloaded or stuck, or a proxy holds the connection without a backend. Drivers bound these phases
differently: PyMySQL's ``connect_timeout`` covers only the TCP connection, so against a server that accepts
and never greets it waits forever unless ``read_timeout`` is set (checked with PyMySQL 1.2.4).

How to fix
----------
Add the app's outgoing address to the database's allowlist or firewall rules (platforms with changing
addresses need a private connection or a fixed egress address); check that the address is reachable from where
the app runs (``nc -vz db.example.test 3306``). If TCP connects but no greeting comes, look at the server's
load, ``max_connections`` and the proxy's backends. Raise ``connect_timeout`` only for a slow but working
path, and give PyMySQL a ``read_timeout`` so that a silent server cannot hang the app.

Example
-------
``mysql://app:****@db.example.test:3306/app`` from a new deployment region not on the instance's authorized
networks: ``(2003, "Can't connect to MySQL server on 'db.example.test' (timed out)")``.
"""

_DD829 = """
What it checks
--------------
That the operating system found no route to the server's address: ``ENETUNREACH`` (101, ``Network is
unreachable``) or ``EHOSTUNREACH`` (113, ``No route to host``). PyMySQL says ``(2003, "Can't connect to MySQL
server on 'db.example.test' ([Errno 101] Network is unreachable)")``; the MySQL client ``ERROR 2003 (HY000):
Can't connect to MySQL server on 'db.example.test:3306' (101)``.

Why it matters
--------------
The packet never leaves this machine, or a router says the destination does not exist: the name resolved to an
IPv6 address on a host without IPv6 connectivity, to a private address of another network (a VPC, a VPN that
is not up), or a firewall rejects with an ICMP "host unreachable". No server-side setting helps.

How to fix
----------
Look at which address was tried (the report lists each one) and whether this machine has a route to it (``ip
route get <address>``). Connect through the network that holds the database (VPN, VPC peering, a private
endpoint), or use the provider's public endpoint; when only IPv6 fails, use a name or address with IPv4.

Example
-------
``mysql://app:****@db.example.test/app`` where the name resolves to the private ``10.20.0.5`` and the VPN is
down: ``[Errno 101] Network is unreachable``.
"""

_DD830 = """
What it checks
--------------
That something accepted the TCP connection but did not speak MySQL: a MySQL or MariaDB server speaks first
with a handshake packet (protocol version 10) or an error packet, and this answer was neither, or nothing came
while another protocol waited for the client. PyMySQL then says ``Packet sequence number wrong - got 45
expected 0`` for an SSH banner (``SSH-2.0-...``: the fourth byte read as a sequence number), the MySQL client
``ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet'`` or ``ERROR
2007 (HY000): Protocol mismatch``. A service that waits for the client to speak first (PostgreSQL, HTTP)
leaves the client waiting until that service gives up; PyMySQL without ``read_timeout`` waits that long,
whatever its ``connect_timeout``.

Why it matters
--------------
The port belongs to another service: PostgreSQL on 5432 (which waits for the client), an HTTP server or admin
console, SSH, a TLS-only proxy that expects a TLS ClientHello first, or the X Protocol port 33060 of MySQL 8
instead of the classic 3306. Driver messages about sequence numbers or lost connections send people looking at
the network or the server's health instead of the port.

How to fix
----------
Use the port of the classic MySQL protocol (3306 unless the provider says otherwise), check which service
listens there (``ss -ltnp``, the provider's console), and for a TLS-terminating proxy use the driver or
endpoint it documents.

Example
-------
``mysql://app:****@db.example.test:33060/app`` (MySQL 8's X Protocol port): the first bytes are not a classic
greeting, and the MySQL client reports ``ERROR 2007 (HY000): Protocol mismatch; server version = 11, client
version = 10``. Write ``...:3306/app``.
"""

_DD831 = """
What it checks
--------------
That the server refused the client before any login, because no account matches connections from this host:
right after TCP it sends an error packet instead of its greeting, ``ERROR 1130 (HY000): Host '10.0.0.7' is not
allowed to connect to this MySQL server`` (MariaDB: ``... to this MariaDB server``). No password was sent.

Why it matters
--------------
MySQL accounts are ``'user'@'host'`` pairs: an account created as ``'app'@'localhost'`` or
``'app'@'10.0.1.%'`` does not exist for a client coming from ``10.0.0.7``. This is the server's allowlist, not
a TLS or password problem; it appears when an app moves to another host, subnet, container network or NAT
address, or when ``skip-name-resolve`` makes host names in accounts stop matching.

How to fix
----------
Create the account for the address the server sees (the error names it): ``CREATE USER 'app'@'10.0.0.%'
IDENTIFIED BY '...' REQUIRE SSL;`` and ``GRANT ... ON app.* TO 'app'@'10.0.0.%';``, or connect from an address
an existing account covers. Avoid ``'app'@'%'`` on servers reachable from the internet.

Example
-------
``mysql://app:****@db.example.test/app`` from a new container network ``172.18.0.0/16`` while the account is
``'app'@'10.0.0.%'``: ``Host '172.18.0.5' is not allowed to connect to this MariaDB server``.
"""

_DD832 = """
What it checks
--------------
That the server has no connection left for this client: ``ERROR 1040 (HY000): Too many connections`` when
``max_connections`` is reached (sent before authentication), ``ERROR 1203 (42000): User app already has more
than 'max_user_connections' active connections`` for the server-wide per-user limit, or ``ERROR 1226 (42000):
User 'app' has exceeded the 'max_user_connections' resource`` for an account created ``WITH
MAX_USER_CONNECTIONS n``.

Why it matters
--------------
The settings are right and the server is healthy; it is full. The usual cause is the app itself: a pool per
worker process or per request, connections that are never closed, a pool larger than the plan's limit (managed
plans set ``max_connections`` low), or a deployment that starts new instances before the old ones let go.
Raising the limit without finding the leak only delays the next failure and costs server memory.

How to fix
----------
Look at who holds the connections (``SHOW PROCESSLIST`` or ``performance_schema.threads``; ``SHOW GLOBAL
STATUS LIKE 'Max_used_connections'``); size each pool so that pools times instances stays below the limit;
close idle connections (``wait_timeout``, the pool's idle timeout); put a pooler (ProxySQL, MaxScale) in
front. Then, if the load needs it, raise ``max_connections`` or the account's ``MAX_USER_CONNECTIONS``
(``ALTER USER 'app'@'%' WITH MAX_USER_CONNECTIONS 50``).

Example
-------
``mysql://app:****@db.example.test/app`` from 12 workers with pools of 20 against ``max_connections=151``:
``(1040, 'Too many connections')`` under load.
"""

_DD833 = """
What it checks
--------------
That the server blocked this client's host after too many interrupted connection attempts, and refuses it
before any login: ``ERROR 1129 (HY000): Host '10.0.0.7' is blocked because of many connection errors; unblock
with 'mysqladmin flush-hosts'`` (MariaDB 10.11 says ``'mariadb-admin flush-hosts'``).

Why it matters
--------------
The counter behind it is ``max_connect_errors`` (100 by default in current MySQL and MariaDB releases):
attempts from one host that broke off before completing the handshake, such as load-balancer health checks
that open a TCP connection and close it, port scanners, or clients that time out mid-handshake. Once blocked,
every app behind that address (often a NAT or a load balancer) is locked out until someone clears the host
cache.

How to fix
----------
Clear the host cache on the server: ``FLUSH HOSTS`` (or ``mariadb-admin flush-hosts`` / ``mysqladmin
flush-hosts``); on MySQL 8.0.23 and later ``TRUNCATE TABLE performance_schema.host_cache``, as ``FLUSH HOSTS``
is deprecated there. Then remove the cause: make health checks complete the handshake or check another way,
and raise ``max_connect_errors`` if interrupted attempts are expected.

Example
-------
A TCP health check probing ``db.example.test:3306`` every few seconds through the same NAT address as the app:
after 100 broken handshakes, ``mysql://app:****@db.example.test/app`` gets ``Host '10.0.0.7' is blocked
because of many connection errors``.
"""

_DD834 = """
What it checks
--------------
That the login worked but the database named in the URL cannot be used: ``ERROR 1049 (42000): Unknown database
'app'`` when it does not exist, or ``ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'app'``
when the account has no privilege on it (the host part there is the account's, not the client's address).
MySQL and MariaDB also answer 1044 for a database that does not exist when the account could not see it
anyway, so 1044 does not prove the database is there.

Why it matters
--------------
Connection, TLS and password are all fine; only the name or the grants are wrong. A database name is
case-sensitive on Linux servers (``lower_case_table_names=0``) and not on Windows or macOS, so a name that
worked in development can fail in production; a database created by a migration that has not run yet, or a
grant given for ``'app'@'localhost'`` but not for the host the app connects from, look the same from outside.

How to fix
----------
List what the account may use: ``SHOW DATABASES`` and ``SHOW GRANTS`` as that user. Correct the database name
in the URL (the path after the host), create it (``CREATE DATABASE app``), or grant it: ``GRANT SELECT,
INSERT, UPDATE, DELETE ON app.* TO 'app'@'10.0.0.%';``.

Example
-------
``mysql://app:****@db.example.test/App`` on a Linux server where the database is ``app`` and the account was
granted ``app.*``: ``(1044, "Access denied for user 'app'@'%' to database 'App'")``; an account with rights on
every database would get ``(1049, "Unknown database 'App'")`` instead.
"""

_DD835 = """
What it checks
--------------
That the server refused the login with ``ERROR 1698 (28000): Access denied for user 'root'@'localhost'`` (or
``'x'@'127.0.0.1'`` over TCP): the account authenticates with a plugin that checks the operating-system user of
the client process, not a password. MariaDB's ``unix_socket`` (``IDENTIFIED VIA unix_socket``; Debian's and
Ubuntu's ``root@localhost`` is created so) and MySQL's ``auth_socket`` answer 1698 whatever password is sent,
over the Unix socket when the OS user differs, and always over TCP, where there is no OS user to check.

Why it matters
--------------
The message reads like a wrong password, so people reset the password, which changes nothing: the account
does not use one. It is the typical failure of an app or a container connecting as ``root`` to a freshly
installed server, where ``sudo mariadb`` works in a shell and every program fails.

How to fix
----------
Give the app an account of its own that uses a password: ``CREATE USER 'app'@'%' IDENTIFIED BY '...';``
``GRANT SELECT, INSERT, UPDATE, DELETE ON app.* TO 'app'@'%';``. To keep socket login for the administrator
and allow a password too (MariaDB 10.4+): ``ALTER USER root@localhost IDENTIFIED VIA unix_socket OR
mysql_native_password USING PASSWORD('...');``. Or run the client as the OS user the account names, over the
Unix socket.

Example
-------
``mysql://root:****@127.0.0.1/app`` against a Debian MariaDB: PyMySQL raises ``(1698, "Access denied for
user 'root'@'localhost'")`` in plain text and over TLS alike; ``mysql://app:****@127.0.0.1/app`` with the
account created above connects.
"""

_DD840 = """
What it checks
--------------
That the connection worked but without TLS, only because ``ssl-mode=PREFERRED`` (the default of the MySQL
client, the MariaDB client, mysql-connector-python and Connector/J) fell back to plain text: the server's
greeting did not offer TLS (no ``CLIENT_SSL``), and the client went on unencrypted without an error or a
warning.

Why it matters
--------------
The login exchange and every query and result travel in clear text: with ``mysql_native_password`` a captured
login can be attacked offline to recover the password, and nothing protects the data whatever the plugin.
Nobody notices: the app works, and the same settings would use TLS with a server that offers it. Any device in
the path that strips ``CLIENT_SSL`` from the greeting gets the same result on purpose.

How to fix
----------
Enable TLS on the server (``ssl_cert``, ``ssl_key``; ``require_secure_transport=ON`` to refuse plain text
entirely), then make the client insist: ``ssl-mode=VERIFY_IDENTITY`` with ``ssl-ca=<the CA file>``, so that a
server without TLS is an error instead of a silent downgrade. In drivers: PyMySQL ``ssl={'ca': <file>}``
(``?ssl_ca=<file>`` in a SQLAlchemy URL); Connector/J ``sslMode=VERIFY_IDENTITY``; mysql-connector-python
``ssl_verify_identity=True``.

Example
-------
``mysql://app:****@db.example.test/app`` (no ``ssl-mode``, so ``PREFERRED``) against a MariaDB 10.11 without
``ssl_cert``: the connection succeeds, ``SHOW STATUS LIKE 'Ssl_cipher'`` is empty.
"""

DOCS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "DD801": _DD801,
        "DD802": _DD802,
        "DD803": _DD803,
        "DD804": _DD804,
        "DD810": _DD810,
        "DD811": _DD811,
        "DD812": _DD812,
        "DD813": _DD813,
        "DD814": _DD814,
        "DD815": _DD815,
        "DD816": _DD816,
        "DD817": _DD817,
        "DD818": _DD818,
        "DD819": _DD819,
        "DD820": _DD820,
        "DD821": _DD821,
        "DD822": _DD822,
        "DD823": _DD823,
        "DD824": _DD824,
        "DD825": _DD825,
        "DD826": _DD826,
        "DD827": _DD827,
        "DD828": _DD828,
        "DD829": _DD829,
        "DD830": _DD830,
        "DD831": _DD831,
        "DD832": _DD832,
        "DD833": _DD833,
        "DD834": _DD834,
        "DD835": _DD835,
        "DD840": _DD840,
    }
)
