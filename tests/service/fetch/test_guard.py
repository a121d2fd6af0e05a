"""The SSRF guard: allow-listed hosts only, public addresses only unless explicit."""

from __future__ import annotations

import ipaddress

import pytest

from service.fetch.guard import (
    UnsafeURLError,
    check_url,
    embedded_ipv4,
    host_matches,
    pinned_request,
)


def test_host_patterns() -> None:
    assert host_matches("api.twilio.com", ["api.twilio.com"])
    assert host_matches("API.Twilio.com.", ["api.twilio.com"])
    assert host_matches("media.eu.nexmo.com", ["*.nexmo.com"])
    assert not host_matches("nexmo.com", ["*.nexmo.com"])
    assert not host_matches("evilnexmo.com", ["*.nexmo.com"])
    assert not host_matches("api.twilio.com.evil.net", ["api.twilio.com"])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/x.wav", "scheme 'http' not allowed"),  # not a private host here
        ("https://127.0.0.1/x.wav", "non-public address 127.0.0.1"),
        ("https://localhost/x.wav", "non-public address"),
        ("https://10.1.2.3/x.wav", "non-public address 10.1.2.3"),
        ("https://169.254.169.254/latest/meta-data", "non-public address"),  # cloud metadata
        ("https://[::1]/x.wav", "non-public address ::1"),
        ("https://user:pw@127.0.0.1/x.wav", "credentials in the URL"),
        ("file:///etc/passwd", "scheme 'file' not allowed"),
        ("not a url", "scheme"),
    ],
)
def test_private_and_odd_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason):
        check_url(url, allowed_hosts=None, private_hosts=[])


def test_allow_list_is_enforced_before_resolution() -> None:
    with pytest.raises(UnsafeURLError, match="not in the allowed download hosts"):
        check_url("https://example.org/x.wav", allowed_hosts=["api.twilio.com"], private_hosts=[])


def test_explicit_private_host_is_allowed_and_pinned() -> None:
    checked = check_url(
        "http://127.0.0.1:8123/rec.wav?a=1",
        allowed_hosts=["127.0.0.1"],
        private_hosts=["127.0.0.1"],
    )
    assert checked.address == "127.0.0.1"
    url, headers, extensions = pinned_request(checked)
    assert str(url) == "http://127.0.0.1:8123/rec.wav?a=1"
    assert headers == {"Host": "127.0.0.1:8123"}
    assert extensions == {"sni_hostname": "127.0.0.1"}


def test_allowed_name_resolving_to_private_address_is_refused() -> None:
    # "localhost" is allowed by name, but it resolves to loopback and is not listed as a
    # private-network host: a DNS answer must not turn an allowed name into an SSRF.
    with pytest.raises(UnsafeURLError, match="non-public address"):
        check_url("https://localhost/x.wav", allowed_hosts=["localhost"], private_hosts=[])


@pytest.mark.parametrize(
    ("address", "carries"),
    [
        ("64:ff9b::7f00:1", "127.0.0.1 through NAT64 (RFC 6052 well-known prefix)"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254 (cloud metadata) through NAT64"),
        ("64:ff9b:1::7f00:1", "127.0.0.1 through a NAT64 local-use prefix, /96 layout"),
        ("64:ff9b:1:7f00:0:100::", "127.0.0.1 through a NAT64 local-use prefix, /48 layout"),
        ("2002:7f00:1::", "127.0.0.1 in a 6to4 prefix"),
        ("2002:a01:203::1", "10.1.2.3 in a 6to4 prefix"),
        ("::7f00:1", "127.0.0.1 IPv4-compatible"),
        ("::ffff:0:7f00:1", "127.0.0.1 IPv4-translated (SIIT)"),
        ("::ffff:7f00:1", "127.0.0.1 IPv4-mapped"),
        ("fec0::1", "a site-local address"),
    ],
)
def test_ipv6_forms_of_private_addresses_are_refused(address: str, carries: str) -> None:
    with pytest.raises(UnsafeURLError, match="non-public address"):
        check_url(f"https://[{address}]/x.wav", allowed_hosts=None, private_hosts=[])


@pytest.mark.parametrize(
    ("address", "ipv4"),
    [
        ("64:ff9b::7f00:1", "127.0.0.1"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254"),
        ("64:ff9b:1:7f00:0:100::", "127.0.0.1"),
        ("2002:7f00:1::", "127.0.0.1"),
        ("::7f00:1", "127.0.0.1"),
        ("::ffff:0:7f00:1", "127.0.0.1"),
    ],
)
def test_embedded_ipv4_is_decoded(address: str, ipv4: str) -> None:
    assert ipaddress.IPv4Address(ipv4) in embedded_ipv4(ipaddress.IPv6Address(address))


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700::1111"])
def test_ipv6_forms_of_public_addresses_pass(address: str) -> None:
    checked = check_url(f"https://[{address}]/x.wav", allowed_hosts=None, private_hosts=[])
    assert checked.address == address
