"""A second ActivityPub server for federation tests: a small live HTTP server on loopback
that publishes one actor with its own RSA key, records what is posted to its inboxes, and
signs the activities it sends to the server under test (sent through Django's test client).
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cybercommons.exchange.federation import outbound
from cybercommons.exchange.kernel import httpsig


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def activity(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Peer:
    """The other server. ``refuse_rfc9421`` makes it answer 401 to RFC 9421 signatures, as
    servers that know only draft-cavage do; ``status`` forces an answer (e.g. 503)."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse_rfc9421: bool = False
    status: int | None = None
    private_key: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    public_key: str = ""

    def __post_init__(self) -> None:
        self.private_key, self.public_key = outbound.new_key_pair()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def actor(self) -> str:
        return self.base + "/users/alice"

    @property
    def key_id(self) -> str:
        return self.actor + "#main-key"

    def actor_document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams",
                         "https://w3id.org/security/v1"],
            "id": self.actor, "type": "Person", "preferredUsername": "alice",
            "name": "Alice of the other server", "inbox": self.actor + "/inbox",
            "outbox": self.actor + "/outbox", "endpoints": {"sharedInbox": self.base + "/inbox"},
            "publicKey": {"id": self.key_id, "owner": self.actor,
                          "publicKeyPem": self.public_key},
        }

    def start(self) -> Peer:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/users/alice":
                    body = json.dumps(peer.actor_document()).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/activity+json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif self.path in peer.files:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(peer.files[self.path])))
                    self.end_headers()
                    self.wfile.write(peer.files[self.path])
                else:
                    self.send_response(404)
                    self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                headers = dict(self.headers.items())
                if peer.status is not None:
                    code = peer.status
                elif peer.refuse_rfc9421 and "Signature-Input" in headers:
                    code = 401
                else:
                    peer.received.append(Received(self.path, headers, body))
                    code = 202
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- sending to the server under test ------------------------------------------

    def activity(self, kind: str, obj: Any, **extra: Any) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{self.base}/activities/{uuid.uuid4().hex}", "type": kind,
                "actor": self.actor, "object": obj, **extra}

    def signed(self, url: str, activity: dict[str, Any], *, scheme: str = "rfc9421",
               key: str | None = None) -> tuple[bytes, dict[str, str]]:
        """Body and headers (as Django test client keyword arguments) of a signed POST."""
        body = json.dumps(activity).encode()
        host = url.split("/")[2]
        headers = {"Host": host, "Date": httpsig.http_date(__import__("time").time()),
                   "Content-Type": "application/activity+json"}
        signing_key = key or self.private_key
        if scheme == "cavage":
            headers["Digest"] = httpsig.digest_header(body)
            headers.update(httpsig.sign_cavage("POST", url, headers, body, key_id=self.key_id,
                                               private_key=signing_key))
        else:
            headers.update(httpsig.sign_rfc9421("POST", url, headers, body,
                                                key_id=self.key_id, private_key=signing_key))
        return body, {"HTTP_" + name.upper().replace("-", "_"): value
                      for name, value in headers.items() if name.lower() != "content-type"}
