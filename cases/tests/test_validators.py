"""Tests for cases.validators: no database or configured settings needed."""

import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    CHECK_LETTERS,
    normalise_nhs_number,
    normalise_uk_phone,
    normalise_uk_postcode,
    normalise_upn,
    upn_check_letter,
    validate_nhs_number,
    validate_uk_phone,
    validate_uk_postcode,
    validate_upn,
)


def refusal(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


# ---------------------------------------------------------------------------
# UPN
# ---------------------------------------------------------------------------

# Known-valid UPNs, with the check letter worked by hand (weights 2..13, sum mod 23):
KNOWN_VALID_UPNS = [
    # Published example (python-stdnum gb.upn): 8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 mod 23 = 1 -> B
    "B801200005001",
    # 8*2 + 2*3 + 1*5 + 5*6 + 1*9 + 2*10 + 3*11 + 4*12 + 5*13 = 232; 232 mod 23 = 2 -> C
    "C820150012345",
    # Temporary UPN ending in T (value 16 in the letter table):
    # 9*2 + 3*3 + 2*5 + 4*6 + 6*7 + 1*11 + 2*12 + 16*13 = 346; 346 mod 23 = 1 -> B
    "B93024600012T",
]


def test_check_letters_are_the_23_letters_without_i_o_and_s():
    assert CHECK_LETTERS == "ABCDEFGHJKLMNPQRTUVWXYZ"
    assert len(CHECK_LETTERS) == 23
    assert not set("IOS") & set(CHECK_LETTERS)


@pytest.mark.parametrize("upn", KNOWN_VALID_UPNS)
def test_known_valid_upn_is_accepted(upn):
    validate_upn(upn)
    assert normalise_upn(upn) == upn


@pytest.mark.parametrize("upn", KNOWN_VALID_UPNS)
def test_upn_check_letter_matches_hand_calculation(upn):
    assert upn_check_letter(upn[1:]) == upn[0]


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("b801200005001", "B801200005001"),
        ("  B801200005001  ", "B801200005001"),
        ("B 8012 0000 5001", "B801200005001"),
        ("b93024600012t", "B93024600012T"),
    ],
)
def test_upn_is_normalised_to_upper_case_without_spaces(entered, stored):
    validate_upn(entered)
    assert normalise_upn(entered) == stored


@pytest.mark.parametrize("upn", KNOWN_VALID_UPNS)
def test_upn_with_wrong_check_letter_is_refused(upn):
    for letter in CHECK_LETTERS.replace(upn[0], ""):
        error = refusal(validate_upn, letter + upn[1:])
        assert error.code == "upn_check_letter"


@pytest.mark.parametrize("upn", KNOWN_VALID_UPNS)
def test_changing_any_single_digit_of_a_upn_makes_it_invalid(upn):
    for position in range(1, 13):
        original = upn[position]
        replacements = "0123456789"
        if position == 12 and not original.isdigit():
            replacements = CHECK_LETTERS  # a temporary UPN's final letter
        for replacement in replacements.replace(original, ""):
            altered = upn[:position] + replacement + upn[position + 1 :]
            error = refusal(validate_upn, altered)
            assert error.code == "upn_check_letter", altered


@pytest.mark.parametrize(
    "value",
    ["", "B80120000500", "B8012000050011", "801200005001", "B801-2000-05001", None],
)
def test_upn_of_wrong_length_is_refused(value):
    assert refusal(validate_upn, value).code == "upn_length"


@pytest.mark.parametrize(
    "value",
    [
        "8801200005001",  # first character must be a letter
        "I801200005001",  # I is never used
        "O801200005001",  # O is never used
        "S801200005001",  # S is never used
        "B80120000A001",  # characters 2-12 must be digits
        "B8012000050-1",
        "B80120000500I",  # a temporary UPN's letter is never I, O or S
        "B80120000500.",
    ],
)
def test_upn_with_wrong_characters_is_refused(value):
    assert refusal(validate_upn, value).code == "upn_characters"


def test_upn_error_messages_are_clear():
    assert refusal(validate_upn, "A801200005001").messages == [
        "The UPN's check letter does not match: check it was copied correctly."
    ]
    assert refusal(validate_upn, "B80120000500").messages == [
        "A UPN is 13 characters long (a letter followed by 12 more characters); this one has 12."
    ]
    assert refusal(validate_upn, "B80120000A001").messages == [
        "A UPN is a letter followed by 11 digits and then a final digit (or, for a temporary UPN, "
        "a letter). The letters I, O and S are never used."
    ]


@pytest.mark.parametrize("body", ["80120000500", "8012000050011", "80120000A001", "80120000500I"])
def test_upn_check_letter_rejects_a_malformed_body(body):
    with pytest.raises(ValueError):
        upn_check_letter(body)


# ---------------------------------------------------------------------------
# NHS number
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("9434765919", "943 476 5919"),
        ("943 476 5919", "943 476 5919"),
        ("943-476-5919", "943 476 5919"),
        (" 943 476 5919 ", "943 476 5919"),
        ("4010232137", "401 023 2137"),
        ("401 023 2137", "401 023 2137"),
        (9434765919, "943 476 5919"),
        # 1*9 + 1*2 = 11; 11 mod 11 = 0; 11 - 0 = 11, which gives check digit 0
        ("0100000010", "010 000 0010"),
    ],
)
def test_valid_nhs_number_is_accepted_and_normalised_to_3_3_4(entered, stored):
    validate_nhs_number(entered)
    assert normalise_nhs_number(entered) == stored


@pytest.mark.parametrize("value", ["9434765918", "9434765910", "4010232136", "4010232173", "0100000011"])
def test_nhs_number_with_wrong_check_digit_is_refused(value):
    assert refusal(validate_nhs_number, value).code == "nhs_number_check_digit"


@pytest.mark.parametrize("last_digit", "0123456789")
def test_nhs_number_whose_check_digit_would_be_10_is_refused(last_digit):
    # 1*10 + 2*9 + 3*8 + 4*7 + 5*6 + 6*5 + 7*4 + 8*3 + 9*2 = 210; 210 mod 11 = 1; 11 - 1 = 10
    assert refusal(validate_nhs_number, "123456789" + last_digit).code == "nhs_number_check_digit"


def test_changing_any_single_digit_of_an_nhs_number_makes_it_invalid():
    for position in range(10):
        for replacement in "0123456789".replace("9434765919"[position], ""):
            altered = "9434765919"[:position] + replacement + "9434765919"[position + 1 :]
            with pytest.raises(ValidationError):
                validate_nhs_number(altered)


@pytest.mark.parametrize("value", ["0000000000", "1111111111", "999 999 9999", "555-555-5555"])
def test_nhs_number_with_all_digits_the_same_is_refused(value):
    assert refusal(validate_nhs_number, value).code == "nhs_number_repeated"


@pytest.mark.parametrize("value", ["943476591", "94347659190", "", "943 476", None])
def test_nhs_number_of_wrong_length_is_refused(value):
    assert refusal(validate_nhs_number, value).code == "nhs_number_length"


@pytest.mark.parametrize(
    "value",
    [
        "943476591A",
        "943.476.5919",
        "943/476/5919",
        "NHS 9434765919",
        "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",
    ],
)
def test_nhs_number_with_wrong_characters_is_refused(value):
    assert refusal(validate_nhs_number, value).code == "nhs_number_characters"


def test_nhs_number_error_messages_are_clear():
    assert refusal(validate_nhs_number, "9434765918").messages == [
        "This is not a valid NHS number: the last digit does not match the others. Check it was copied correctly."
    ]
    assert refusal(validate_nhs_number, "0000000000").messages == [
        "This is not a real NHS number: all ten digits are the same."
    ]
    assert refusal(validate_nhs_number, "943 476 591").messages == ["An NHS number has 10 digits; this one has 9."]


# ---------------------------------------------------------------------------
# UK postcode
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("SW1A 1AA", "SW1A 1AA"),  # AA9A
        ("sw1a1aa", "SW1A 1AA"),
        ("  ec1a 1bb ", "EC1A 1BB"),  # AA9A
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("n1c4ag", "N1C 4AG"),  # A9A
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("WC1B 3DG", "WC1B 3DG"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_valid_uk_postcode_is_accepted_and_normalised(entered, stored):
    validate_uk_postcode(entered)
    assert normalise_uk_postcode(entered) == stored


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "SW1A",
        "SW1A 1A",
        "SW1A 1AAA",
        "SWA1 1AA",
        "ABC 1AA",
        "1AA 1AA",
        "SW1A-1AA",
        "SW1A 11A",
        "SW1A 1A1",
        "M1 1ÄE",
    ],
)
def test_text_not_shaped_like_a_uk_postcode_is_refused(value):
    assert refusal(validate_uk_postcode, value).code == "postcode_format"


@pytest.mark.parametrize(
    "value",
    [
        "QA1 1AA",  # first letter never Q, V or X
        "V1 1AA",
        "XA1 1AA",
        "AI1 1AA",  # second letter never I, J or Z
        "AJ1 1AA",
        "AZ11 1AA",
        "W1I 1AA",  # letter in A9A never I, L, M, N, O, Q, R, V, X, Y, Z
        "W1Z 1AA",
        "EC1C 1AA",  # letter in AA9A only A B E H M N P R V W X Y
        "EC1D 1AA",
        "M1 1CA",  # inward letters never C, I, K, M, O, V
        "M1 1AI",
        "M1 1KA",
        "M1 1AM",
        "M1 1OA",
        "M1 1AV",
    ],
)
def test_uk_postcode_with_a_letter_royal_mail_never_uses_there_is_refused(value):
    assert refusal(validate_uk_postcode, value).code == "postcode_letters"


def test_uk_postcode_error_messages_are_clear():
    assert refusal(validate_uk_postcode, "SW1A").messages == ["Enter a full UK postcode, for example SW1A 1AA."]
    assert refusal(validate_uk_postcode, "M1 1CA").messages == [
        "This is not a valid UK postcode: it has a letter in a position where postcodes never use it. "
        "Check it was copied correctly."
    ]


# ---------------------------------------------------------------------------
# UK telephone number
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("020 7946 0018", "+442079460018"),
        ("(020) 7946 0018", "+442079460018"),
        ("020-7946-0018", "+442079460018"),
        ("01632 960 001", "+441632960001"),
        ("01632 960001", "+441632960001"),
        ("016977 3456", "+44169773456"),  # 10-digit geographic number
        ("07700 900 123", "+447700900123"),
        ("07700900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("+447700900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("+44 (0)20 7946 0018", "+442079460018"),
        ("0044 (0)20 7946 0018", "+442079460018"),
        ("0300 123 4567", "+443001234567"),
        ("0800 123 456", "+44800123456"),  # 10-digit freephone number
        ("0808 157 0192", "+448081570192"),
        ("0909 879 0000", "+449098790000"),  # premium rate is accepted
        ("  07700\u00a0900123 ", "+447700900123"),  # non-breaking space pasted from a document
    ],
)
def test_valid_uk_phone_number_is_accepted_and_normalised_to_e164(entered, stored):
    validate_uk_phone(entered)
    assert normalise_uk_phone(entered) == stored


@pytest.mark.parametrize(
    "value",
    [
        "020 7946 0018 ext 12",
        "020.7946.0018",
        "phone me",
        "020 7946 0018+",
        "++44 7700 900123",
        "07700 9OO123",
    ],
)
def test_uk_phone_with_wrong_characters_is_refused(value):
    assert refusal(validate_uk_phone, value).code == "phone_characters"


@pytest.mark.parametrize(
    "value",
    ["+33 1 23 45 67 89", "0033 1 23 45 67 89", "+1 202 555 0100", "001 202 555 0100", "+353 1 234 5678"],
)
def test_phone_number_outside_the_uk_is_refused(value):
    assert refusal(validate_uk_phone, value).code == "phone_not_uk"


@pytest.mark.parametrize("value", ["", None, "7700 900123", "44 7700 900123", "+44", "0044", "0", "+44 00 7700 9001"])
def test_uk_phone_not_starting_0_or_44_is_refused(value):
    assert refusal(validate_uk_phone, value).code == "phone_format"


@pytest.mark.parametrize("value", ["0412 345 6789", "0612 345 678", "+44 412 345 6789"])
def test_uk_phone_in_an_unused_number_range_is_refused(value):
    assert refusal(validate_uk_phone, value).code == "phone_prefix"


@pytest.mark.parametrize(
    "value",
    [
        "0161 496 00000",  # 12 digits
        "0161 49",
        "+44 1632 9600011",
        "020 7946 001",  # 02 numbers have 11 digits
        "0300 123 456",  # 03 numbers have 11 digits
        "07700 90012",  # mobile numbers have 11 digits
        "+44 7700 90012",
    ],
)
def test_uk_phone_of_wrong_length_is_refused(value):
    assert refusal(validate_uk_phone, value).code == "phone_length"


def test_uk_phone_error_messages_are_clear():
    assert refusal(validate_uk_phone, "07700 90012").messages == [
        "UK mobile numbers (beginning 07) have 11 digits including the first 0; this one has 10."
    ]
    assert refusal(validate_uk_phone, "0161 496 00000").messages == [
        "A UK phone number has 10 or 11 digits including the first 0; this one has 12."
    ]
    assert refusal(validate_uk_phone, "+33 1 23 45 67 89").messages == [
        "This looks like a number outside the UK. Enter a UK number starting 0 or +44, for example 020 7946 0018."
    ]
    assert refusal(validate_uk_phone, "0612 345 678").messages == [
        "UK phone numbers never begin 06: check it was copied correctly."
    ]
