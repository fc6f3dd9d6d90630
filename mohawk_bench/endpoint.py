"""Where requests go: host, port, TLS, and the path of a model's infer route."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit


@dataclass(frozen=True)
class Endpoint:
    """Where requests go: host, port, TLS or not, and the base path before /v2."""

    host: str
    port: int
    tls: bool
    base_path: str

    @classmethod
    def from_url(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        return cls(parts.hostname or "", parts.port or (443 if tls else 80), tls, parts.path.rstrip("/"))

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def infer_path(self, model: str, version: str | None) -> str:
        path = f"{self.base_path}/v2/models/{quote(model, safe='')}"
        if version:
            path += f"/versions/{quote(version, safe='')}"
        return path + "/infer"
