"""Fetch a STIX bundle or MISP event from a URL, within size and time limits.

A URL typed by a user makes the server connect somewhere, so the fetch refuses what would
turn it into a probe of the site's own network: only http and https, no credentials in
the URL, and every address the host name resolves to must be a public one unless the
site sets ``CYBERCOMMONS_ALLOW_PRIVATE_FETCH``. The connection goes to the address that
was checked (the name is not resolved a second time, so a changing DNS answer cannot slip
a private address in), with TLS still verified against the host name. Redirects are
followed by hand, each checked the same way.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from cybercommons.core.errors import ServiceError

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024


class FetchError(ServiceError):
    """The URL was refused or could not be read; the message says which and why."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    address: str
    path: str


def _allow_private() -> bool:
    return bool(getattr(settings, "CYBERCOMMONS_ALLOW_PRIVATE_FETCH", False))


def check_url(url: str) -> None:
    """Refuse a URL by its form alone (scheme, host, credentials, port), without DNS.

    Called where an import is asked for, so an unusable URL is a 400 at once; the address
    checks run again at fetch time, when the name is resolved.
    """
    _parts(url)


def _parts(url: str) -> tuple[SplitResult, str, int]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise FetchError(_("Only http:// and https:// URLs can be imported."), field="url")
    if not parts.hostname:
        raise FetchError(_("The URL names no host."), field="url")
    if parts.username or parts.password:
        raise FetchError(_("The URL must not carry a user name or password."), field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(_("The URL has an invalid port."), field="url") from None
    return parts, parts.hostname, port


def _target(url: str) -> _Target:
    """Check a URL and resolve its host to one address the fetch may connect to."""
    parts, hostname, port = _parts(url)
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(_("The host %(host)s cannot be resolved.")
                         % {"host": hostname}, field="url") from None
    addresses = [str(info[4][0]) for info in infos]
    if not _allow_private():
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global:
                raise FetchError(
                    _("The host %(host)s resolves to the non-public address %(address)s; "
                      "imports only fetch from public addresses.")
                    % {"host": hostname, "address": address}, field="url")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return _Target(parts.scheme, hostname, port, addresses[0], path)


def _pool(target: _Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address, target.port, timeout=timeout, retries=False,
            server_hostname=target.host, assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED")
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout,
                                      retries=False)


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS,
          accept: str = "application/json") -> bytes:
    """The body at ``url``: at most ``max_bytes`` bytes, read within ``timeout`` seconds.

    Raises ``FetchError`` for a refused URL, an HTTP error status, a body over the limit,
    or a server slower than the limit (the limit covers connecting, redirects and reading).
    """
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = _target(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(_("The URL took longer than %(s)s seconds.") % {"s": timeout})
        pool = _pool(target, urllib3.Timeout(connect=remaining, read=remaining))
        host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
        try:
            response = pool.urlopen("GET", target.path, redirect=False, preload_content=False,
                                    headers={"Host": host_header, "Accept": accept,
                                             "User-Agent": "Cybercommons-import"})
        except urllib3.exceptions.TimeoutError:
            raise FetchError(_("The URL took longer than %(s)s seconds.")
                             % {"s": timeout}) from None
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(_("The URL could not be read: %(error)s")
                             % {"error": type(exc).__name__}) from None
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(_("The server redirected without a Location."))
                current = urljoin(current, location)
                continue
            if response.status != 200:
                raise FetchError(_("The server answered HTTP %(status)s.")
                                 % {"status": response.status})
            return _read_limited(response, max_bytes, deadline, timeout)
        finally:
            response.release_conn()
    raise FetchError(_("Too many redirects (more than %(n)s).") % {"n": MAX_REDIRECTS})


def _read_limited(response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float,
                  timeout: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    too_big = _("The document is larger than %(n)s bytes.") % {"n": max_bytes}
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(too_big)
    body = bytearray()
    try:
        for chunk in response.stream(_CHUNK):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise FetchError(too_big)
            if time.monotonic() > deadline:
                raise FetchError(_("The URL took longer than %(s)s seconds.") % {"s": timeout})
    except urllib3.exceptions.TimeoutError:
        raise FetchError(_("The URL took longer than %(s)s seconds.") % {"s": timeout}) from None
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(_("The URL could not be read: %(error)s")
                         % {"error": type(exc).__name__}) from None
    return bytes(body)
