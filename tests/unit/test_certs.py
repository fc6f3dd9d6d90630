"""`mohawk-engine certs`: a CA, a server certificate naming its hosts, an optional client one."""

from __future__ import annotations

import ipaddress
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from mohawk_engine.cli import main
from mohawk_engine.config import ConfigError, load_config
from mohawk_engine.security.certs import (
    CertificateError,
    add_client,
    check_client_certificate,
    serving_identity,
    write_bundle,
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("certs")
    assert main(["certs", str(directory), "--hosts", "localhost,127.0.0.1,::1", "--days", "30", "--client", "gui"]) == 0
    return directory


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_keys_are_private_and_certificates_readable(bundle):
    names = {p.name for p in bundle.iterdir()}
    assert names == {"ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "client.pem", "client-key.pem"}
    for key in ("ca-key.pem", "server-key.pem", "client-key.pem"):
        assert stat.S_IMODE((bundle / key).stat().st_mode) == 0o600
    assert stat.S_IMODE((bundle / "server.pem").stat().st_mode) == 0o644


def test_server_certificate_names_the_hosts_and_is_signed_by_the_ca(bundle):
    server, ca = _cert(bundle / "server.pem"), _cert(bundle / "ca.pem")
    sans = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["localhost"]
    assert sans.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    server.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = server.not_valid_after_utc - server.not_valid_before_utc
    assert 29 < lifetime.days <= 30
    usage = _cert(bundle / "client.pem").extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]


def test_python_ssl_accepts_the_chain(bundle):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(bundle / "server.pem", bundle / "server-key.pem")
    client = ssl.create_default_context(cafile=str(bundle / "ca.pem"))
    client.load_cert_chain(bundle / "client.pem", bundle / "client-key.pem")
    assert client.verify_mode is ssl.CERT_REQUIRED


def test_serving_identity_reports_expiry_and_catches_a_wrong_key(bundle):
    identity = serving_identity(bundle / "server.pem", bundle / "server-key.pem", bundle / "ca.pem")
    assert identity.subject == "CN=localhost"
    assert identity.not_after == _cert(bundle / "server.pem").not_valid_after_utc
    with pytest.raises(CertificateError, match="does not match the certificate"):
        serving_identity(bundle / "server.pem", bundle / "client-key.pem")
    with pytest.raises(CertificateError, match="cannot read TLS certificate .*missing.pem"):
        serving_identity(bundle / "missing.pem", bundle / "server-key.pem")
    with pytest.raises(CertificateError, match="not an unencrypted PEM private key"):
        serving_identity(bundle / "server.pem", bundle / "ca.pem")


def test_existing_files_are_kept_without_force(tmp_path, capsys):
    write_bundle(tmp_path, ("localhost",), days=1, ca_days=2)
    before = (tmp_path / "ca.pem").read_bytes()
    assert main(["certs", str(tmp_path)]) == 2
    assert "ca.pem, ca-key.pem, server.pem, server-key.pem already exist" in capsys.readouterr().err
    assert (tmp_path / "ca.pem").read_bytes() == before
    assert main(["certs", str(tmp_path), "--force", "--hosts", "example.test"]) == 0
    assert (tmp_path / "ca.pem").read_bytes() != before
    assert _cert(tmp_path / "server.pem").subject.rfc4514_string() == "CN=example.test"


def test_bad_arguments_are_refused(tmp_path, capsys):
    with pytest.raises(CertificateError, match="at least one host"):
        write_bundle(tmp_path, ())
    with pytest.raises(SystemExit):
        main(["certs", str(tmp_path), "--days", "0"])
    assert "must be at least 1 day" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["certs", str(tmp_path), "--client", "gui", "--add-client", "tuning"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_tls_config_paths_resolve_against_the_file_and_must_come_in_pairs(tmp_path):
    path = tmp_path / "engine.toml"
    path.write_text('[tls]\ncert_file = "certs/server.pem"\nkey_file = "certs/server-key.pem"\nclient_ca_file = ""\n')
    tls = load_config(path).tls
    assert tls.cert_file == tmp_path / "certs" / "server.pem" and tls.client_ca_file is None
    path.write_text('[tls]\nclient_ca_file = "ca.pem"\n')
    with pytest.raises(ConfigError, match="needs cert_file and key_file"):
        load_config(path)


def test_add_client_issues_from_the_existing_ca_and_touches_nothing_else(tmp_path, capsys):
    bundle = tmp_path
    write_bundle(bundle, ("localhost",), days=1, ca_days=2, client="console")
    before = {path.name: path.read_bytes() for path in bundle.iterdir()}
    assert main(["certs", str(bundle), "--add-client", "tuning", "--days", "10"]) == 0
    assert capsys.readouterr().out.split() == [str(bundle / "tuning.pem"), str(bundle / "tuning-key.pem")]
    assert {name: (bundle / name).read_bytes() for name in before} == before
    certificate = _cert(bundle / "tuning.pem")
    certificate.verify_directly_issued_by(_cert(bundle / "ca.pem"))
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert certificate.subject.rfc4514_string() == "CN=tuning"
    assert stat.S_IMODE((bundle / "tuning-key.pem").stat().st_mode) == 0o600
    check_client_certificate(bundle / "tuning.pem", bundle / "tuning-key.pem", bundle / "ca.pem")
    assert main(["certs", str(bundle), "--add-client", "tuning"]) == 2
    assert "tuning.pem, tuning-key.pem already exist" in capsys.readouterr().err


def test_add_client_needs_a_ca_and_a_file_name(tmp_path, capsys):
    assert main(["certs", str(tmp_path), "--add-client", "tuning"]) == 2
    assert "no CA in" in capsys.readouterr().err and not any(tmp_path.iterdir())
    write_bundle(tmp_path, ("localhost",), days=1, ca_days=2)
    for name in ("../escape", "server", ""):
        with pytest.raises(CertificateError, match="cannot name its files"):
            add_client(tmp_path, name)
