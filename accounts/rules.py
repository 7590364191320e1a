"""Pure rules for signing in: no database, no clock, no settings (callers pass them in)."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

TOTP_DIGITS = 6
RECOVERY_CODE_COUNT = 10

# Browser and system names, checked in order: Edge and Opera carry "Chrome" in their user agent too, and
# Chrome carries "Safari"; iOS carries "Mac OS X" and Android carries "Linux".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def summarise_user_agent(user_agent: str) -> str:
    """'Chrome on Windows' from a browser's User-Agent header: enough for a person to recognise their device,
    without keeping the whole header (which can fingerprint a machine)."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def normalise_code(code: str) -> str:
    """A security code as typed, without spaces or hyphens (people copy recovery codes in groups), lower case."""
    return re.sub(r"[\s-]+", "", code).lower()


def is_totp_code(code: str) -> bool:
    """Six digits come from the authenticator app; anything else is tried as a recovery code."""
    return len(code) == TOTP_DIGITS and code.isdigit()


def group_for_reading(secret: str, size: int = 4) -> str:
    """'ABCD EFGH IJKL' from 'ABCDEFGHIJKL': a key typed by hand is easier to copy in groups."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def claim_values(claims: Mapping[str, Any], claim: str) -> set[str]:
    """The values of a groups or roles claim, which providers send as a list or as one space- or
    comma-separated string."""
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, str):
        return {item for item in re.split(r"[\s,]+", value) if item}
    if isinstance(value, Iterable):
        return {str(item) for item in value}
    return {str(value)}


def roles_from_claims(claims: Mapping[str, Any], *, claim: str, role_groups: Mapping[str, Iterable[str]]) -> set[str]:
    """The portal roles the claim's values give, under the configured mapping {role: [claim values]}."""
    held = claim_values(claims, claim)
    return {role for role, values in role_groups.items() if held & set(values)}


def id_token_problems(payload: Mapping[str, Any], *, issuer: str, client_id: str, now: float) -> list[str]:
    """What is wrong with an ID token's claims under OpenID Connect Core 3.1.3.7 (its signature and nonce are
    checked before this). An empty list means it is good."""
    problems = []
    if payload.get("iss") != issuer:
        problems.append("issuer does not match")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        problems.append("not issued to this portal")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        problems.append("authorised party is another client")
    expires = payload.get("exp")
    if not isinstance(expires, int | float) or expires <= now:
        problems.append("expired")
    if not payload.get("sub"):
        problems.append("no subject")
    return problems


def username_candidates(claims: Mapping[str, Any], *, subject_digest: str) -> list[str]:
    """Usernames to try, in order, for a council account signing in for the first time: the provider's
    preferred username (Entra ID's user principal name), the email address, then one made from the subject."""
    names = [claims.get("preferred_username"), claims.get("email")]
    candidates = [str(name)[:150] for name in names if name]
    candidates.append(f"sso-{subject_digest[:20]}")
    return candidates
