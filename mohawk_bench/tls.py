"""The SSL context for https endpoints, built the same way for the metadata read and the workers."""

from __future__ import annotations

import ssl

from mohawk_bench.spec import TlsOptions


def ssl_context(options: TlsOptions) -> ssl.SSLContext:
    """Verify against `ca_file` (or the system store), or not at all; present a client certificate if given."""
    context = ssl.create_default_context(cafile=str(options.ca_file) if options.ca_file else None)
    if not options.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if options.cert_file:
        context.load_cert_chain(str(options.cert_file), str(options.key_file) if options.key_file else None)
    return context
