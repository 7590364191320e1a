"""What the test provider says about a user: standard claims from userinfo, groups in the ID token."""


def userinfo(claims, user):
    claims["name"] = user.get_full_name()
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["email"] = user.email
    claims["email_verified"] = True
    claims["preferred_username"] = user.username
    return claims


def add_groups(id_token, user, **kwargs):
    """As Microsoft Entra ID does with groupMembershipClaims: the user's groups, in the ID token."""
    id_token["groups"] = sorted(user.groups.values_list("name", flat=True))
    return id_token
