"""Validators for the identifiers and contact details recorded on a case.

Each ``validate_*`` function takes the value as entered and raises
:class:`django.core.exceptions.ValidationError` (with a ``code``) when it is not
acceptable, so it can be used directly in a model field's or form field's
``validators`` list. Each ``normalise_*`` function validates the value and returns
the canonical form to store; it raises the same ``ValidationError`` when the value
is invalid, so it suits a form's ``clean_<field>()`` method.

Nothing here needs configured settings or a database.
"""

import re

from django.core.exceptions import ValidationError

__all__ = [
    "CHECK_LETTERS",
    "normalise_nhs_number",
    "normalise_uk_phone",
    "normalise_uk_postcode",
    "normalise_upn",
    "upn_check_letter",
    "validate_nhs_number",
    "validate_uk_phone",
    "validate_uk_postcode",
    "validate_upn",
]


def _as_text(value) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------
# Unique Pupil Number (UPN)
# ---------------------------------------------------------------------------

#: The 23 letters used for UPN check letters, in value order (A = 0 ... Z = 22).
#: I, O and S are never used. Source: DfE, "Unique pupil numbers (UPN)" guidance.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

_UPN_SHAPE = re.compile(rf"[{CHECK_LETTERS}][0-9]{{11}}[0-9{CHECK_LETTERS}]")

UPN_LENGTH_MESSAGE = "A UPN is 13 characters long (a letter followed by 12 more characters); this one has %(length)d."
UPN_CHARACTERS_MESSAGE = (
    "A UPN is a letter followed by 11 digits and then a final digit (or, for a temporary UPN, "
    "a letter). The letters I, O and S are never used."
)
UPN_CHECK_LETTER_MESSAGE = "The UPN's check letter does not match: check it was copied correctly."


def _upn_compact(value) -> str:
    return "".join(_as_text(value).split()).upper()


def upn_check_letter(body: str) -> str:
    """Return the check letter for the 12 characters that follow it in a UPN.

    DfE "Unique pupil numbers (UPN)" guidance: multiply characters 2 to 13 by
    weights 2 to 13 (a letter in position 13 of a temporary UPN counts as its
    value in the check-letter table), sum the products, divide by 23 and map the
    remainder 0-22 to A B C D E F G H J K L M N P Q R T U V W X Y Z.
    """
    body = body.upper()
    if len(body) != 12 or not body[:11].isdigit() or not (body[11].isdigit() or body[11] in CHECK_LETTERS):
        raise ValueError("expected 11 digits followed by a digit or check-table letter")
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += weight * value
    return CHECK_LETTERS[total % 23]


def normalise_upn(value) -> str:
    """Return the UPN in upper case without spaces, or raise ``ValidationError``."""
    upn = _upn_compact(value)
    if len(upn) != 13:
        raise ValidationError(UPN_LENGTH_MESSAGE, code="upn_length", params={"length": len(upn)})
    if not _UPN_SHAPE.fullmatch(upn):
        raise ValidationError(UPN_CHARACTERS_MESSAGE, code="upn_characters")
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(UPN_CHECK_LETTER_MESSAGE, code="upn_check_letter")
    return upn


def validate_upn(value) -> None:
    """Validate an English Unique Pupil Number (permanent or temporary).

    Lower case and surrounding or internal spaces are accepted; see
    :func:`normalise_upn` for the stored form. The local-authority number in
    characters 2-4 is not checked against the list of LA codes.
    """
    normalise_upn(value)


# ---------------------------------------------------------------------------
# NHS number
# ---------------------------------------------------------------------------

_NHS_SEPARATORS = re.compile(r"[\s-]+")

NHS_CHARACTERS_MESSAGE = "An NHS number contains only digits (spaces or hyphens between them are fine)."
NHS_LENGTH_MESSAGE = "An NHS number has 10 digits; this one has %(length)d."
NHS_CHECK_DIGIT_MESSAGE = (
    "This is not a valid NHS number: the last digit does not match the others. Check it was copied correctly."
)
NHS_REPEATED_MESSAGE = "This is not a real NHS number: all ten digits are the same."


def normalise_nhs_number(value) -> str:
    """Return the NHS number in "943 476 5919" (3-3-4) form, or raise ``ValidationError``.

    NHS Data Dictionary, "NHS number": the tenth digit is a modulus 11 check
    digit. Multiply the first nine digits by weights 10 down to 2, sum, take the
    remainder on dividing by 11 and subtract it from 11; a result of 11 gives a
    check digit of 0 and a result of 10 means the number is not valid.
    """
    digits = _NHS_SEPARATORS.sub("", _as_text(value).strip())
    if digits and not (digits.isascii() and digits.isdigit()):
        raise ValidationError(NHS_CHARACTERS_MESSAGE, code="nhs_number_characters")
    if len(digits) != 10:
        raise ValidationError(NHS_LENGTH_MESSAGE, code="nhs_number_length", params={"length": len(digits)})
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValidationError(NHS_CHECK_DIGIT_MESSAGE, code="nhs_number_check_digit")
    # Numbers such as 0000000000 or 1111111111 satisfy the check digit but are never issued.
    if len(set(digits)) == 1:
        raise ValidationError(NHS_REPEATED_MESSAGE, code="nhs_number_repeated")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def validate_nhs_number(value) -> None:
    """Validate an NHS number (10 digits with a modulus 11 check digit).

    Spaces and hyphens are accepted in the input, e.g. "943 476 5919" or
    "943-476-5919". Source: NHS Data Dictionary, "NHS number".
    """
    normalise_nhs_number(value)


# ---------------------------------------------------------------------------
# UK postcode
# ---------------------------------------------------------------------------

# Broad shape: outward code A9, A99, AA9, AA99, A9A or AA9A, then inward code 9AA.
_POSTCODE_SHAPE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")

# Royal Mail letter rules that a regular expression can express:
# position 1 never Q, V or X; position 2 (when a letter) never I, J or Z;
# the letter in A9A is one of A-H, J, K, P, S, T, U, W; the letter in AA9A is one
# of A, B, E, H, M, N, P, R, V, W, X, Y; the inward letters are never C, I, K, M, O, V.
_POSTCODE_STRICT = re.compile(
    r"""
    (?:
        [A-PR-UWYZ][0-9][0-9]?              # A9, A99
      | [A-PR-UWYZ][A-HK-Y][0-9][0-9]?      # AA9, AA99
      | [A-PR-UWYZ][0-9][A-HJKPSTUW]        # A9A
      | [A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]  # AA9A
    )
    [0-9][ABD-HJLNP-UW-Z]{2}                # inward code 9AA
    """,
    re.VERBOSE,
)

POSTCODE_FORMAT_MESSAGE = "Enter a full UK postcode, for example SW1A 1AA."
POSTCODE_LETTERS_MESSAGE = (
    "This is not a valid UK postcode: it has a letter in a position where postcodes never use it. "
    "Check it was copied correctly."
)


def normalise_uk_postcode(value) -> str:
    """Return the postcode in upper case with one space before the inward code ("SW1A 1AA").

    Raises ``ValidationError`` if the value is not a valid UK postcode.
    """
    compact = "".join(_as_text(value).split()).upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    if not compact.isascii() or not _POSTCODE_SHAPE.fullmatch(compact):
        raise ValidationError(POSTCODE_FORMAT_MESSAGE, code="postcode_format")
    if not _POSTCODE_STRICT.fullmatch(compact):
        raise ValidationError(POSTCODE_LETTERS_MESSAGE, code="postcode_letters")
    return f"{compact[:-3]} {compact[-3:]}"


def validate_uk_postcode(value) -> None:
    """Validate a UK postcode (case-insensitive, space optional; GIR 0AA accepted).

    Checks the Royal Mail postcode format (outward code A9, A99, AA9, AA99, A9A or
    AA9A; inward code 9AA) and the letters Royal Mail never uses in each position.
    It does not check that the postcode exists.
    """
    normalise_uk_postcode(value)


# ---------------------------------------------------------------------------
# UK telephone number
# ---------------------------------------------------------------------------

_PHONE_ALLOWED = re.compile(r"\+?[0-9\s()\-]+")
_PHONE_DECORATION = re.compile(r"[\s()\-]")

# Number ranges (by first two digits of the national form) that are always 11 digits long.
_ELEVEN_DIGIT_PREFIXES = {
    "02": "UK numbers beginning 02 (such as London numbers)",
    "03": "UK numbers beginning 03",
    "07": "UK mobile numbers (beginning 07)",
}
_UNUSED_PREFIXES = {"04", "06"}

PHONE_CHARACTERS_MESSAGE = "A phone number can contain only digits, spaces, hyphens, brackets and a + at the start."
PHONE_NOT_UK_MESSAGE = (
    "This looks like a number outside the UK. Enter a UK number starting 0 or +44, for example 020 7946 0018."
)
PHONE_FORMAT_MESSAGE = "Enter a UK number starting 0 or +44, for example 020 7946 0018 or 07700 900123."
PHONE_UNUSED_PREFIX_MESSAGE = "UK phone numbers never begin %(prefix)s: check it was copied correctly."
PHONE_LENGTH_MESSAGE = "A UK phone number has 10 or 11 digits including the first 0; this one has %(length)d."
PHONE_ELEVEN_DIGITS_MESSAGE = "%(kind)s have 11 digits including the first 0; this one has %(length)d."


def normalise_uk_phone(value) -> str:
    """Return a UK telephone number in E.164 form ("+447700900123").

    Accepts the national form starting 0 (10 or 11 digits, e.g. "020 7946 0018",
    "01632 960 001", "07700 900 123") and the international forms "+44 ..." and
    "0044 ...", including the common "+44 (0)20 ..." style. Spaces, hyphens and
    brackets are ignored. Numbers for other countries are refused. Raises
    ``ValidationError`` when the number is not acceptable.
    """
    text = " ".join(_as_text(value).split())
    if not text:
        raise ValidationError(PHONE_FORMAT_MESSAGE, code="phone_format")
    if not text.isascii() or not _PHONE_ALLOWED.fullmatch(text):
        raise ValidationError(PHONE_CHARACTERS_MESSAGE, code="phone_characters")
    digits = _PHONE_DECORATION.sub("", text)

    if digits.startswith("+"):
        if not digits.startswith("+44"):
            raise ValidationError(PHONE_NOT_UK_MESSAGE, code="phone_not_uk")
        national = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("00"):
        if not digits.startswith("0044"):
            raise ValidationError(PHONE_NOT_UK_MESSAGE, code="phone_not_uk")
        national = "0" + digits[4:].removeprefix("0")
    elif digits.startswith("0"):
        national = digits
    else:
        raise ValidationError(PHONE_FORMAT_MESSAGE, code="phone_format")

    if len(national) < 2 or national[1] == "0":
        raise ValidationError(PHONE_FORMAT_MESSAGE, code="phone_format")
    prefix = national[:2]
    if prefix in _UNUSED_PREFIXES:
        raise ValidationError(PHONE_UNUSED_PREFIX_MESSAGE, code="phone_prefix", params={"prefix": prefix})
    if len(national) not in (10, 11):
        raise ValidationError(PHONE_LENGTH_MESSAGE, code="phone_length", params={"length": len(national)})
    if prefix in _ELEVEN_DIGIT_PREFIXES and len(national) != 11:
        raise ValidationError(
            PHONE_ELEVEN_DIGITS_MESSAGE,
            code="phone_length",
            params={"kind": _ELEVEN_DIGIT_PREFIXES[prefix], "length": len(national)},
        )
    return "+44" + national[1:]


def validate_uk_phone(value) -> None:
    """Validate a UK telephone number; see :func:`normalise_uk_phone` for what is accepted.

    Premium-rate (09) and other non-geographic UK numbers are accepted. Lengths
    follow the Ofcom National Telephone Numbering Plan.
    """
    normalise_uk_phone(value)
