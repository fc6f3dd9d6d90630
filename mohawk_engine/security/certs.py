"""A local certificate authority for TLS serving, and checks of the files the engine serves with.

`write_bundle` makes a CA, a server certificate for the given host names / addresses and,
optionally, a client certificate for mutual TLS. Keys are ECDSA P-256 (fast to make, small),
written unencrypted with mode 0600. `serving_identity` checks the files `serve` is given
before uvicorn sees them, so a typo or a mismatched key is one clear line, not a traceback.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")
CA_FILES = ("ca.pem", "ca-key.pem")
SERVER_FILES = ("server.pem", "server-key.pem")
CLIENT_FILES = ("client.pem", "client-key.pem")
_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
_CLIENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_RESERVED_NAMES = frozenset(("ca", "server"))


class CertificateError(ValueError):
    """A certificate or key file is missing, unreadable, or does not fit; the message says which."""


@dataclass(frozen=True)
class Identity:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class ServingIdentity:
    """What the console shows about a worker's serving certificate."""

    subject: str
    not_after: dt.datetime


def make_ca(common_name: str = "Mohawk local CA", days: int = 3650) -> Identity:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    usage = x509.KeyUsage(
        digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    builder = (
        _builder(name, name, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
    )
    return Identity(builder.sign(key, hashes.SHA256()), key)


def issue(ca: Identity, common_name: str, days: int, *, hosts: tuple[str, ...] = (), client: bool = False) -> Identity:
    """A leaf certificate signed by `ca`: a server one naming `hosts`, or a client one."""
    key = ec.generate_private_key(ec.SECP256R1())
    usage = x509.KeyUsage(
        digital_signature=True, key_cert_sign=False, crl_sign=False, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    purpose = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (
        _builder(subject, ca.certificate.subject, key.public_key(), days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if hosts:
        builder = builder.add_extension(x509.SubjectAlternativeName([_san(h) for h in hosts]), critical=False)
    return Identity(builder.sign(ca.key, hashes.SHA256()), key)


def write_bundle(
    directory: Path,
    hosts: tuple[str, ...] = DEFAULT_HOSTS,
    days: int = 825,
    ca_days: int = 3650,
    client: str | None = None,
    force: bool = False,
) -> list[Path]:
    """Write ca, server (and client) certificates and keys into `directory`; returns the files written.

    Refuses, before writing anything, when one of the files exists and `force` is false.
    """
    if not hosts:
        raise CertificateError("a server certificate needs at least one host name or address (--hosts)")
    names = CA_FILES + SERVER_FILES + (CLIENT_FILES if client else ())
    existing = [name for name in names if (directory / name).exists()]
    if existing and not force:
        raise CertificateError(f"{', '.join(existing)} already exist in {directory}; pass --force to replace them")
    directory.mkdir(parents=True, exist_ok=True)
    ca = make_ca(days=ca_days)
    identities = [(CA_FILES, ca), (SERVER_FILES, issue(ca, hosts[0], days, hosts=hosts))]
    if client:
        identities.append((CLIENT_FILES, issue(ca, client, days, client=True)))
    written = []
    for (cert_name, key_name), identity in identities:
        certificate = identity.certificate.public_bytes(serialization.Encoding.PEM)
        written.append(_write(directory / cert_name, certificate, 0o644))
        written.append(_write(directory / key_name, _key_pem(identity.key), 0o600))
    return written


def add_client(directory: Path, name: str, days: int = 825, force: bool = False) -> list[Path]:
    """Issue one more client certificate from the CA already in `directory` (ca.pem, ca-key.pem):
    writes `<name>.pem` and `<name>-key.pem` beside it and touches nothing else."""
    if not _CLIENT_NAME.fullmatch(name) or name in _RESERVED_NAMES:
        raise CertificateError(
            f"client name {name!r} cannot name its files; use letters, digits, '.', '-' or '_', "
            f"and none of {', '.join(sorted(_RESERVED_NAMES))}"
        )
    ca = load_ca(directory)
    files = (f"{name}.pem", f"{name}-key.pem")
    existing = [file for file in files if (directory / file).exists()]
    if existing and not force:
        raise CertificateError(f"{', '.join(existing)} already exist in {directory}; pass --force to replace them")
    identity = issue(ca, name, days, client=True)
    return [
        _write(directory / files[0], identity.certificate.public_bytes(serialization.Encoding.PEM), 0o644),
        _write(directory / files[1], _key_pem(identity.key), 0o600),
    ]


def load_ca(directory: Path) -> Identity:
    """The CA `write_bundle` left in `directory`: its certificate and private key."""
    cert_file, key_file = (directory / name for name in CA_FILES)
    missing = [path.name for path in (cert_file, key_file) if not path.is_file()]
    if missing:
        raise CertificateError(
            f"no CA in {directory} ({', '.join(missing)} missing); `mohawk-engine certs {directory}` makes one"
        )
    certificate, key = _certificate_and_key(cert_file, key_file)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertificateError(f"CA key {key_file} is not an EC key as `mohawk-engine certs` writes them")
    return Identity(certificate, key)


def serving_identity(cert_file: Path, key_file: Path, client_ca_file: Path | None = None) -> ServingIdentity:
    """Check the files the engine serves TLS with; raises CertificateError naming the problem."""
    certificate, _ = _certificate_and_key(cert_file, key_file)
    if client_ca_file is not None:
        load_certificate(client_ca_file, "client CA")
    return ServingIdentity(subject=certificate.subject.rfc4514_string(), not_after=certificate.not_valid_after_utc)


def check_client_certificate(cert_file: Path, key_file: Path, ca_file: Path) -> None:
    """Check a client certificate the engine presents itself: its key matches and `ca_file` issued it."""
    certificate, _ = _certificate_and_key(cert_file, key_file)
    authority = load_certificate(ca_file, "client CA")
    try:
        certificate.verify_directly_issued_by(authority)
    except (ValueError, TypeError, InvalidSignature):
        raise CertificateError(
            f"TLS client certificate {cert_file} (issuer {certificate.issuer.rfc4514_string()}) was not signed "
            f"by the client CA {ca_file}"
        ) from None


def _certificate_and_key(cert_file: Path, key_file: Path) -> tuple[x509.Certificate, PrivateKeyTypes]:
    """The certificate and its private key, checked to belong together."""
    certificate = load_certificate(cert_file, "certificate")
    try:
        key = serialization.load_pem_private_key(_read(key_file, "private key"), password=None)
    except (ValueError, TypeError) as exc:
        raise CertificateError(f"TLS private key {key_file} is not an unencrypted PEM private key: {exc}") from exc
    if key.public_key().public_bytes(*_SPKI) != certificate.public_key().public_bytes(*_SPKI):
        raise CertificateError(f"TLS private key {key_file} does not match the certificate {cert_file}")
    return certificate, key


def load_certificate(path: Path, what: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(_read(path, what))
    except ValueError as exc:
        raise CertificateError(f"TLS {what} {path} is not a PEM certificate: {exc}") from exc



def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read TLS {what} {path}: {exc.strerror or exc}") from exc


def _builder(subject: x509.Name, issuer: x509.Name, public_key, days: int) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # tolerate small clock differences
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    pem, pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    return key.private_bytes(pem, pkcs8, serialization.NoEncryption())


def _write(path: Path, data: bytes, mode: int) -> Path:
    """Create `path` with `mode` from the start (a key is never readable by others, not even briefly)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)  # the umask may have narrowed a certificate's mode
    return path
