"""The SSRF guard: allow-listed hosts only, public addresses only unless explicit."""

from __future__ import annotations

import pytest

from service.fetch.guard import UnsafeURLError, check_url, host_matches, pinned_request


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
