"""What the engine's own bench needs to get past the engine's auth and TLS while it measures.

With `[security] v2_auth` on, inference needs a key with the infer scope and the bench's
metadata GET (/v2/models/{name}) the read scope: each task gets an ephemeral key with those two
(never admin), kept only in the engine's memory (never in SQLite), handed to the bench through
its environment (never argv, which every local user can read) and revoked when the task ends.
With mutual TLS (`[tls] client_ca_file`) the bench needs a client certificate signed by that
CA. The engine holds only the CA's certificate, not its key, so it cannot make one: the
operator gives it one (`[tls] tuning_cert_file` / `tuning_key_file`). Without it, tasks are
refused up front with the reason rather than left to time out on handshakes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mohawk_engine.schemas.security import secret_prefix
from mohawk_engine.store.keys import KeyStore

log = logging.getLogger("mohawk.tuning")

INTERNAL_LABEL = "tuning (internal)"


class BenchAccess:
    def __init__(
        self,
        keys: KeyStore,
        v2_auth: bool,
        client_ca_file: Path | None,
        client_certificate: tuple[Path, Path] | None = None,
    ) -> None:
        """`v2_auth`: whether inference needs a key on this engine (auth on and [security] v2_auth);
        `client_certificate`: (certificate, key) the bench presents under mutual TLS."""
        self._keys = keys
        self._v2_auth = v2_auth
        self._client_ca_file = client_ca_file
        self.client_certificate = client_certificate

    def refusal(self) -> str | None:
        """Why this engine cannot measure itself, or None when it can."""
        if self._client_ca_file is None or self.client_certificate is not None:
            return None
        return (
            f"tuning needs a client certificate for its load generator when [tls] client_ca_file is set "
            f"(here {self._client_ca_file}), and the engine has none to present; set [tls] tuning_cert_file "
            "and tuning_key_file to one that CA signed (`mohawk-engine certs DIR --add-client tuning` writes one), "
            "or run the tuning task on an engine without mutual TLS and apply its best_spec here"
        )

    @contextmanager
    def token(self, task_id: int) -> Iterator[str | None]:
        """A read + infer key for the length of one task (None when inference needs no key)."""
        if not self._v2_auth:
            yield None
            return
        secret = self._keys.issue_ephemeral(["read", "infer"])
        log.info("task %s: key %s issued for the bench (%s, in memory only)", task_id, secret_prefix(secret),
                 INTERNAL_LABEL)  # fmt: skip
        try:
            yield secret
        finally:
            self._keys.revoke_ephemeral(secret)
            log.info("task %s: key %s revoked (%s)", task_id, secret_prefix(secret), INTERNAL_LABEL)
