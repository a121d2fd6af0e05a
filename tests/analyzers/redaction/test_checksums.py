import pytest

from analyzers.redaction.checksums import (
    amka_ok,
    fodselsnummer_ok,
    iban_ok,
    luhn_ok,
    personnummer_ok,
)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (luhn_ok, "4539148803436467", "4539148803436468"),
        (luhn_ok, "378282246310005", "378282246310006"),
        (iban_ok, "SE4550000000058398257466", "SE4550000000058398257467"),
        (iban_ok, "GB29NWBK60161331926819", "GB29NWBK6016133192681"),  # one short
        (iban_ok, "NO9386011117947", "NO9386011117948"),
        (iban_ok, "GR1601101250000000012300695", "GR1601101250000000012300696"),
        (personnummer_ok, "8112189876", "8112189875"),
        (personnummer_ok, "198112189876", "178112189876"),  # century 17 does not exist
        (personnummer_ok, "8112789873", "8113189876"),  # samordningsnummer (day+60); month 13
        (fodselsnummer_ok, "01010750160", "01010750161"),
        (amka_ok, "01018012342", "32018012342"),
    ],
)
def test_check_accepts_the_valid_and_refuses_a_one_digit_change(check, good, bad) -> None:
    assert check(good)
    assert not check(bad)
