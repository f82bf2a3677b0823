"""HTTP signature verification rate of the exchange kernel, on one core.

This is the signature-checking share of the "inbound federation" figure: how many signed
ActivityPub POSTs per second `cybercommons.exchange.kernel.httpsig` verifies (parsing the
headers, loading the PEM public key, checking the signature, the date window and the body
digest). Requests are typical Create activities of about 1.5 KB, signed the way Mastodon
signs (draft-cavage, rsa-sha256, RSA-2048) and in RFC 9421 (rsa-v1_5-sha256 and ed25519).

Usage: python bench/exch_httpsig_verify.py [--requests 500]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cybercommons.exchange.kernel import httpsig

NOW = 1_767_225_600.0
URL = "https://museum.example/inbox"


def private_pem(key: object) -> str:
    """PKCS#8 PEM text of a private key."""
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def activity(number: int) -> bytes:
    """A Create activity carrying a work, about 1.5 KB of JSON."""
    return json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"https://social.example/activities/{number}",
            "type": "Create",
            "actor": "https://social.example/users/alice",
            "object": {
                "id": f"https://social.example/works/{number}",
                "type": "Image",
                "name": "Dhow at Lamu",
                "content": "<p>" + "A photograph of a dhow under sail. " * 30 + "</p>",
                "license": "https://creativecommons.org/licenses/by/4.0/",
            },
        }
    ).encode()


def measure(label: str, signer, public: str, count: int) -> None:
    """Sign `count` requests with `signer`, then time verifying them all."""
    requests = []
    for number in range(count):
        body = activity(number)
        headers = {"Content-Type": "application/activity+json"}
        headers.update(signer(body, headers))
        requests.append((headers, body))
    start, start_cpu = time.perf_counter(), time.process_time()
    for headers, body in requests:
        httpsig.verify_request("POST", URL, headers, body, public_key=public, now=NOW)
    cpu = time.process_time() - start_cpu
    wall = time.perf_counter() - start
    print(
        f"{label:<38} {count / cpu:7.0f} verifications per CPU-second "
        f"({cpu / count * 1e6:4.0f} µs each; wall {wall / count * 1e6:5.0f} µs)"
    )


def main() -> None:
    """Run the three cases and print their rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    count = parser.parse_args().requests

    rsa_key = private_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ed_key = private_pem(ed25519.Ed25519PrivateKey.generate())
    rsa_public = httpsig.public_key_pem(rsa_key)
    ed_public = httpsig.public_key_pem(ed_key)
    key_id = "https://social.example/users/alice#main-key"

    print(f"HTTP signature verification, {count} signed POSTs per case, one thread")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    measure(
        "draft-cavage rsa-sha256 (RSA-2048)",
        lambda body, headers: httpsig.sign_cavage(
            "POST", URL, headers, body, key_id=key_id, private_key=rsa_key, now=NOW
        ),
        rsa_public,
        count,
    )
    measure(
        "RFC 9421 rsa-v1_5-sha256 (RSA-2048)",
        lambda body, headers: httpsig.sign_rfc9421(
            "POST", URL, headers, body, key_id=key_id, private_key=rsa_key, now=NOW
        ),
        rsa_public,
        count,
    )
    measure(
        "RFC 9421 ed25519",
        lambda body, headers: httpsig.sign_rfc9421(
            "POST",
            URL,
            headers,
            body,
            key_id=key_id,
            private_key=ed_key,
            algorithm="ed25519",
            now=NOW,
        ),
        ed_public,
        count,
    )


if __name__ == "__main__":
    main()
