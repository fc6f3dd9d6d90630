"""https workers: CA verification, mutual TLS and the API token, through a TLS front to a real engine."""

from __future__ import annotations

import ssl

import pytest

from mohawk_gui.services.config import TlsSettings, WorkerSettings
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.listener import OFFLINE
from mohawk_gui.services.probe import probe_worker
from tests.gui_services.recording_listener import RecordingListener
from tests.gui_services.front_proxy import FrontProxy


@pytest.fixture(scope="module")
def tls_files(certificate_authority, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    server = certificate_authority.issue_cert("localhost")
    client = certificate_authority.issue_cert("console@example.org")
    certificate_authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    client.private_key_and_cert_chain_pem.write_to_path(str(folder / "client.pem"))
    return {"folder": folder, "server": server}


def _server_context(certificate_authority, tls_files, require_client_cert: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_files["server"].configure_cert(context)
    if require_client_cert:
        certificate_authority.configure_trust(context)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


async def test_a_worker_behind_tls_with_its_ca_is_online_and_receives_the_token(
    shared_engine, certificate_authority, tls_files, fast_refresh
):
    context = _server_context(certificate_authority, tls_files, require_client_cert=False)
    async with FrontProxy(shared_engine.port, context) as proxy:
        listener = RecordingListener()
        manager = ConnectionManager(listener, fast_refresh)
        tls = TlsSettings(ca=tls_files["folder"] / "ca.pem")
        manager.add_worker(WorkerSettings(name="secure", url=proxy.url, token="s3cret", tls=tls))
        try:
            await listener.wait_for(lambda: listener.answering("secure"), what="online over TLS")
        finally:
            await manager.close()
    assert any(b"authorization: Bearer s3cret" in head.lower().replace(b"bearer", b"Bearer") for head in proxy.request_heads)


async def test_an_untrusted_certificate_keeps_the_worker_offline_with_a_tls_reason(
    shared_engine, certificate_authority, tls_files, fast_refresh
):
    context = _server_context(certificate_authority, tls_files, require_client_cert=False)
    async with FrontProxy(shared_engine.port, context) as proxy:
        listener = RecordingListener()
        manager = ConnectionManager(listener, fast_refresh)
        manager.add_worker(WorkerSettings(name="untrusted", url=proxy.url))
        try:
            await listener.wait_for(lambda: listener.state("untrusted") == OFFLINE, what="offline")
        finally:
            await manager.close()
    assert listener.reason("untrusted").startswith("TLS: certificate verify failed")


async def test_mutual_tls_needs_the_client_certificate(shared_engine, certificate_authority, tls_files):
    context = _server_context(certificate_authority, tls_files, require_client_cert=True)
    ca = tls_files["folder"] / "ca.pem"
    async with FrontProxy(shared_engine.port, context) as proxy:
        without = await probe_worker(WorkerSettings(name="m", url=proxy.url, tls=TlsSettings(ca=ca)), timeout_s=3)
        with_cert = await probe_worker(
            WorkerSettings(name="m", url=proxy.url, tls=TlsSettings(ca=ca, cert=tls_files["folder"] / "client.pem")),
            timeout_s=3,
        )
    assert not without.ok
    assert with_cert.ok, with_cert.message
    assert with_cert.version and with_cert.rtt_ms > 0


async def test_unreadable_certificate_files_are_reported_not_raised(tmp_path, fast_refresh):
    settings = WorkerSettings(name="bad", url="https://localhost:1", tls=TlsSettings(ca=tmp_path / "missing.pem"))
    result = await probe_worker(settings)
    assert not result.ok and result.message.startswith("TLS: cannot load the certificate files")

    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh)
    manager.add_worker(settings)
    try:
        await listener.wait_for(lambda: listener.state("bad") == OFFLINE, what="offline")
    finally:
        await manager.close()
    assert "cannot load the certificate files" in listener.reason("bad")


async def test_probe_reports_version_and_sessions_of_a_plain_http_worker(shared_engine):
    result = await probe_worker(WorkerSettings(name="p", url=shared_engine.url))
    assert result.ok, result.message
    assert result.message.startswith("Connected: mohawk")
    assert result.sessions is not None and result.worker_id
