"""Who may do what on the mediation pathway. Code checks permissions, never group names."""


def can_manage_referrals(user) -> bool:
    return user.has_perm("referrals.manage_referrals")


def is_assigned_mediator(user, referral) -> bool:
    return (
        user.has_perm("referrals.act_as_mediator")
        and referral.mediator_id is not None
        and referral.mediator.user_id == user.pk
    )


def can_act_on_referral(user, referral) -> bool:
    """Officers manage every referral; a mediator acts only on referrals assigned to them."""
    return can_manage_referrals(user) or is_assigned_mediator(user, referral)


def can_issue_certificate(user, *, referral=None) -> bool:
    if not user.has_perm("referrals.issue_certificate"):
        return False
    if can_manage_referrals(user):
        return True
    return referral is not None and is_assigned_mediator(user, referral)


def can_manage_tribunal(user) -> bool:
    return user.has_perm("referrals.manage_tribunal")
