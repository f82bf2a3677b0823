"""Reads of the account pages, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet

from cybercommons.core import policy
from cybercommons.core.lib.secrets import hash_secret
from cybercommons.core.models import ApiToken, Invitation, Membership, User


def own_memberships(user: User) -> QuerySet[Membership]:
    """The organisations the user belongs to, with the role held in each."""
    return (Membership.objects.filter(user=user)
            .select_related("organisation", "organisation__country")
            .order_by("organisation__name"))


def own_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (through the policy, like the API)."""
    return policy.tokens(user).order_by("-created_at")


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation a link's secret opens; holding the link is what grants sight of it."""
    if not secret or len(secret) > 200:
        return None
    return (Invitation.objects.select_related("organisation", "organisation__country",
                                              "invited_by")
            .filter(token_hash=hash_secret(secret)).first())


def email_taken(email: str, *, excluding: User) -> bool:
    """True when another account already uses this address (addresses reset passwords)."""
    return User.objects.filter(email__iexact=email).exclude(pk=excluding.pk).exists()


def unrevoked_token_count(user: User) -> int:
    return own_tokens(user).filter(revoked_at__isnull=True).count()
