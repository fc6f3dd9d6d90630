"""An engine serving HTTPS / WSS with certificates from `mohawk-engine certs`, plain and mutual TLS."""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from mohawk_engine.client import EngineClient, EngineClientError, EngineStream
from mohawk_engine.schemas import SessionSpec, SessionState
from mohawk_engine.security.certs import write_bundle
from mohawk_gui.services.config import TlsSettings, WorkerSettings
from mohawk_gui.services.probe import probe_worker
from mohawk_gui.services.tls import days_until_expiry, ssl_context
from tests.support.engine_process import EngineProcess

DAYS = 30


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("certs")
    write_bundle(folder, ("localhost", "127.0.0.1"), days=DAYS, client="console")
    return folder


def _engine(tmp_path_factory, demo_repo: Path, certs: Path, *extra: str):
    process = EngineProcess(
        demo_repo,
        tmp_path_factory.mktemp("state"),
        "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server-key.pem"), *extra,
    )  # fmt: skip
    process.start()
    return process


@pytest.fixture(scope="module")
def tls_engine(tmp_path_factory, demo_repo, certs):
    process = _engine(tmp_path_factory, demo_repo, certs)
    yield process
    process.kill()


@pytest.fixture(scope="module")
def mtls_engine(tmp_path_factory, demo_repo, certs):
    process = _engine(tmp_path_factory, demo_repo, certs, "--tls-client-ca", str(certs / "ca.pem"))
    yield process
    process.kill()


def _context(certs: Path, client_cert: bool = False) -> ssl.SSLContext:
    if client_cert:
        return ssl_context(TlsSettings(ca=certs / "ca.pem", cert=certs / "client.pem", key=certs / "client-key.pem"))
    return ssl_context(TlsSettings(ca=certs / "ca.pem"))


async def test_https_control_api_and_v2_infer_with_the_real_client(tls_engine, certs):
    assert tls_engine.url.startswith("https://127.0.0.1:")
    banner = tls_engine.output()
    assert "TLS certificate:  CN=localhost, expires" in banner
    payload = {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 512], "data": [0.5] * 512}]}
    async with EngineClient(tls_engine.url, verify=_context(certs)) as client:
        info = await client.server_info()
        certificate = x509.load_pem_x509_certificate((certs / "server.pem").read_bytes())
        assert info.tls_not_after == certificate.not_valid_after_utc and info.tls_subject == "CN=localhost"
        assert DAYS - 0.01 < days_until_expiry(info) <= DAYS
        await client.create_session(SessionSpec(name="tls-tiny", model="mlp-tiny"))
        assert (await client.wait_for_state("tls-tiny")).state is SessionState.READY
        response = await client._http.post("/v2/models/tls-tiny/infer", json=payload)
        assert response.status_code == 200 and response.json()["outputs"][0]["shape"] == [1, 10]
    async with EngineClient(tls_engine.url) as untrusting:  # the system CAs do not know the local CA
        with pytest.raises(EngineClientError, match="CERTIFICATE_VERIFY_FAILED"):
            await untrusting.server_info()


async def test_wss_stream(tls_engine, certs):
    async with EngineStream(tls_engine.url, ssl=_context(certs)) as stream:
        assert stream.url.startswith("wss://")
        await stream.subscribe("health")
        topics = [(m.topic, m.type) async for m in _first(stream, 2)]
    assert topics == [("control", "subscribed"), ("health", "snapshot")]


async def test_mutual_tls_refuses_a_client_without_certificate(mtls_engine, certs):
    assert "mutual TLS:" in mtls_engine.output()
    async with EngineClient(mtls_engine.url, verify=_context(certs)) as without:
        with pytest.raises(EngineClientError) as refused:
            await without.server_info()
    assert refused.value.status == 0
    async with EngineClient(mtls_engine.url, verify=_context(certs, client_cert=True)) as with_cert:
        assert (await with_cert.server_info()).tls_subject == "CN=localhost"
    async with EngineStream(mtls_engine.url, ssl=_context(certs, client_cert=True)) as stream:
        await stream.subscribe("metrics", rate_hz=20)
        assert [m async for m in _first(stream, 1)]


async def test_console_services_connect_with_ca_and_client_certificate(tls_engine, mtls_engine, certs):
    ca = TlsSettings(ca=certs / "ca.pem")
    mutual = TlsSettings(ca=certs / "ca.pem", cert=certs / "client.pem", key=certs / "client-key.pem")
    plain = await probe_worker(WorkerSettings(name="tls", url=tls_engine.url, tls=ca), timeout_s=5)
    assert plain.ok, plain.message
    with_cert = await probe_worker(WorkerSettings(name="mtls", url=mtls_engine.url, tls=mutual), timeout_s=5)
    assert with_cert.ok, with_cert.message
    without = await probe_worker(WorkerSettings(name="mtls", url=mtls_engine.url, tls=ca), timeout_s=5)
    assert not without.ok


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--tls-cert", "{c}/missing.pem", "--tls-key", "{c}/server-key.pem"], "cannot read TLS certificate"),
        (["--tls-cert", "{c}/server.pem", "--tls-key", "{c}/client-key.pem"], "does not match the certificate"),
        (["--tls-cert", "{c}/server.pem"], "cert_file and key_file go together"),
    ],
)
def test_bad_tls_files_stop_serve_with_one_line(certs, tmp_path, flags, expected):
    args = [f.format(c=certs) for f in flags]
    result = subprocess.run(
        [sys.executable, "-m", "mohawk_engine", "serve", "--port", "0", "--model-repo", str(tmp_path),
         "--state-dir", str(tmp_path / "state"), *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


async def _first(stream: EngineStream, count: int):
    """The first `count` messages of the stream."""
    seen = 0
    async for message in stream:
        yield message
        seen += 1
        if seen == count:
            return


@pytest.mark.parametrize(
    ("tls_table", "expected"),
    [
        ('tuning_cert_file = "{c}/client.pem"\ntuning_key_file = "{c}/client-key.pem"\n', "it needs client_ca_file"),
        ('client_ca_file = "{c}/ca.pem"\ntuning_cert_file = "{c}/client.pem"\n', "go together"),
        (
            'client_ca_file = "{c}/ca.pem"\n'
            'tuning_cert_file = "{o}/client.pem"\ntuning_key_file = "{o}/client-key.pem"\n',
            "was not signed by the client CA",
        ),
        (
            'client_ca_file = "{c}/ca.pem"\n'
            'tuning_cert_file = "{c}/client.pem"\ntuning_key_file = "{c}/server-key.pem"\n',
            "does not match the certificate",
        ),
    ],
    ids=["without-mutual-tls", "without-key", "other-ca", "wrong-key"],
)
def test_bad_tuning_certificate_stops_serve_with_one_line(certs, tmp_path, tls_table, expected):
    other = tmp_path / "other"
    write_bundle(other, ("localhost",), days=DAYS, client="stranger")
    config = tmp_path / "engine.toml"
    serving = f'cert_file = "{certs}/server.pem"\nkey_file = "{certs}/server-key.pem"\n'
    config.write_text("[tls]\n" + serving + tls_table.format(c=certs, o=other))
    result = subprocess.run(
        [sys.executable, "-m", "mohawk_engine", "serve", "--port", "0", "--model-repo", str(tmp_path),
         "--state-dir", str(tmp_path / "state"), "--config", str(config)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
