"""Our Twilio signature check agrees with twilio's own RequestValidator."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from service.webhooks.twilio import compute_signature, is_valid, recording_download_url

TOKEN = "12345"
PARAMS = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+12349013030"),
    ("Digits", "1234"),
    ("From", "+12349013030"),
    ("To", "+18005551212"),
]


@pytest.mark.parametrize(
    "url",
    [
        "https://mycompany.com/myapp.php?foo=1&bar=2",
        "https://mycompany.com:443/myapp.php?foo=1&bar=2",
        "http://127.0.0.1:8000/v1/webhooks/twilio",
        "https://Example.COM/v1/webhooks/twilio",
    ],
)
def test_matches_twilio_validator(url: str) -> None:
    validator = RequestValidator(TOKEN)
    expected = validator.compute_signature(url, dict(PARAMS))
    assert compute_signature(TOKEN, url, PARAMS) == expected
    assert is_valid(TOKEN, url, PARAMS, expected)
    assert not is_valid("other", url, PARAMS, expected)
    assert not is_valid(TOKEN, url, [*PARAMS, ("Extra", "x")], expected)
    assert not is_valid(TOKEN, url, PARAMS, None)


def test_port_variants_like_twilio() -> None:
    signed_without = RequestValidator(TOKEN).compute_signature("https://a.example/x", dict(PARAMS))
    assert is_valid(TOKEN, "https://a.example:443/x", PARAMS, signed_without)
    signed_with = RequestValidator(TOKEN).compute_signature("https://a.example:443/x", dict(PARAMS))
    assert is_valid(TOKEN, "https://a.example/x", PARAMS, signed_with)


def test_repeated_parameters_sorted_like_twilio() -> None:
    class MultiDict(dict[str, str]):
        def getall(self, name: str) -> list[str]:
            return ["b", "a", "b"] if name == "Tag" else [self[name]]

    params = [("Tag", "b"), ("Tag", "a"), ("Tag", "b"), ("X", "1")]
    expected = RequestValidator(TOKEN).compute_signature(
        "https://a.example/x", MultiDict({"Tag": "b", "X": "1"})
    )
    assert compute_signature(TOKEN, "https://a.example/x", params) == expected


def test_sha256_shared_key_signatures() -> None:
    header = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"
    expected = RequestValidator(TOKEN).compute_signature(
        "https://a.example/x", dict(PARAMS), "HMAC_SHA256"
    )
    assert is_valid(TOKEN, "https://a.example/x", PARAMS, expected, header)
    assert not is_valid(TOKEN, "https://a.example/x", PARAMS, expected)


def test_download_url() -> None:
    base = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    assert recording_download_url(base, "2") == base + ".wav?RequestedChannels=2"
    assert recording_download_url(base, "1") == base + ".wav"
    assert recording_download_url(base + ".mp3", None) == base + ".mp3"
