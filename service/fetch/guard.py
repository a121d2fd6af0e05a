"""Server-side request forgery guard for URLs the service fetches or posts to.

A URL passes when its scheme is https (http only for hosts explicitly allowed on
private networks), its host matches the allow-list (exact names or ``*.`` suffix
patterns; ``None`` allows any public host, for team callbacks), and every address it
resolves to is public, unless the host is explicitly listed as a private-network host.
The caller then connects to the address checked here (see :func:`pinned_url`), so a
DNS answer that changes between check and connect (rebinding) cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import httpx


class UnsafeURLError(Exception):
    """The URL is not one the service may fetch (the message says why)."""

    code = "url_not_allowed"


@dataclass(frozen=True)
class CheckedURL:
    url: httpx.URL
    host: str
    address: str  # the resolved address to connect to


def host_matches(host: str, patterns: Sequence[str]) -> bool:
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().rstrip(".")
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052
_NAT64_LOCAL_USE = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")  # RFC 3056
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291, deprecated
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 (SIIT)


def _rfc6052_ipv4(value: int, prefix_len: int) -> ipaddress.IPv4Address:
    """The IPv4 address embedded after a ``prefix_len`` NAT64 prefix (bits 64-71 skipped)."""
    bits = f"{value:0128b}"
    tail = (bits[prefix_len:64] + bits[72:])[:32] if prefix_len < 96 else bits[96:]
    return ipaddress.IPv4Address(int(tail, 2))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, translated, compatible, NAT64, 6to4).

    Traffic to such an address reaches the IPv4 host on a network that translates or
    tunnels it, so the IPv4 address decides whether it is public. NAT64 local-use
    prefixes may be any length up to /96: every layout is decoded.
    """
    value = int(ip)
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in _IPV4_TRANSLATED or ip in _IPV4_COMPATIBLE or ip in _NAT64_WELL_KNOWN:
        return [ipaddress.IPv4Address(value & 0xFFFFFFFF)]
    if ip in _NAT64_LOCAL_USE:
        return [_rfc6052_ipv4(value, length) for length in (48, 56, 64, 96)]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    return []


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:  # fec0::/10: deprecated, but still routed inside some networks
            return False
        embedded = embedded_ipv4(ip)
        if embedded:
            return all(v4.is_global and not v4.is_multicast for v4 in embedded)
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeURLError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(
    url: str | httpx.URL,
    *,
    allowed_hosts: Sequence[str] | None,
    private_hosts: Sequence[str],
) -> CheckedURL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeURLError(f"not a valid URL: {exc}") from None
    if parsed.scheme not in ("https", "http"):
        raise UnsafeURLError(f"scheme {parsed.scheme!r} not allowed: use https")
    host = parsed.host
    if not host:
        raise UnsafeURLError("URL has no host")
    private_ok = host_matches(host, [h for h in private_hosts if not h.startswith("*.")])
    if parsed.scheme == "http" and not private_ok:
        raise UnsafeURLError("scheme 'http' not allowed: use https")
    if parsed.userinfo:
        raise UnsafeURLError("credentials in the URL are not accepted")
    if allowed_hosts is not None and not host_matches(host, allowed_hosts):
        raise UnsafeURLError(f"host {host!r} is not in the allowed download hosts")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not private_ok:
        blocked = [a for a in addresses if not _is_public(a)]
        if blocked:
            raise UnsafeURLError(
                f"host {host!r} resolves to non-public address {blocked[0]}; "
                "list it in private_network_hosts to allow it"
            )
    if not addresses:
        raise UnsafeURLError(f"host {host!r} has no addresses")
    return CheckedURL(url=parsed, host=host, address=addresses[0])


def pinned_request(checked: CheckedURL) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """(URL with the checked address, extra headers, request extensions) to connect there.

    The Host header and the TLS server name (SNI, certificate check) stay the original host.
    """
    url = checked.url.copy_with(host=checked.address.split("%", 1)[0])
    return url, {"Host": checked.url.netloc.decode()}, {"sni_hostname": checked.host}
