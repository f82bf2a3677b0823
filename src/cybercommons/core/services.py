"""Every change to core's state: permission check, transaction, audit entry, event.

Views, the API, the CLI and other modules all call these functions, so a change behaves
the same whichever door it comes through.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cybercommons.core import audit, events, policy
from cybercommons.core.audit import CoreAction
from cybercommons.core.errors import Conflict, NotFound, ServiceError
from cybercommons.core.lib.secrets import hash_secret, new_secret
from cybercommons.core.models import (
    ApiToken,
    Country,
    Invitation,
    Membership,
    Organisation,
    Role,
    StakeholderType,
    User,
)

INVITATION_LIFETIME = timedelta(days=14)


def register_user(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    country: Country | None = None,
) -> User:
    """Create an account; the password must pass the configured validators."""
    username = username.strip()
    if not username:
        raise ServiceError(_("A user name is required."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("That user name is taken."), field="username")
    if email and User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("An account with that e-mail address exists."), field="email")
    candidate = User(username=username, email=email, display_name=display_name, country=country)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages), field="password") from None
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        audit.record(CoreAction.USER_REGISTERED, actor=candidate, obj=candidate,
                     data={"username": username})
        events.publish("core.user.registered", {"user_id": candidate.pk}, source="core")
    return candidate


def update_profile(actor: User, user: User, **fields: Any) -> User:
    """Change one's own display name, country or language."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise policy.PermissionDenied(_("You may change only your own profile."))
    allowed = {"display_name", "country", "language", "email"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("Unknown profile fields: %s") % ", ".join(sorted(unknown)))
    with transaction.atomic():
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
        audit.record(CoreAction.USER_UPDATED, actor=actor, obj=user,
                     data={"fields": sorted(fields)})
    return user


def _unique_slug(name: str, wanted: str = "") -> str:
    base = slugify(wanted or name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def create_organisation(
    actor: User,
    *,
    name: str,
    stakeholder_type: str,
    country: Country | None = None,
    slug: str = "",
    description: str = "",
    website: str = "",
) -> Organisation:
    """Found an organisation; its founder becomes its first admin."""
    if not policy.can_create_organisation(actor):
        raise policy.PermissionDenied(_("You must be signed in to create an organisation."))
    name = name.strip()
    if not name:
        raise ServiceError(_("A name is required."), field="name")
    if stakeholder_type not in StakeholderType.values:
        raise ServiceError(_("Unknown stakeholder type: %s") % stakeholder_type,
                           field="stakeholder_type")
    if slug and Organisation.objects.filter(slug=slug).exists():
        raise Conflict(_("That short name is taken."), field="slug")
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint, so the conflict leaves nothing behind
                organisation = Organisation.objects.create(
                    name=name, slug=_unique_slug(name, slug), stakeholder_type=stakeholder_type,
                    country=country, description=description, website=website,
                )
        except IntegrityError:
            # Two founders chose the same short name at the same moment.
            raise Conflict(_("That short name is taken."), field="slug") from None
        Membership.objects.create(user=actor, organisation=organisation, role=Role.ADMIN)
        audit.record(CoreAction.ORGANISATION_CREATED, actor=actor, obj=organisation,
                     data={"name": name, "stakeholder_type": stakeholder_type,
                           "country": country.code if country else None})
        events.publish("core.organisation.created",
                       {"organisation_id": organisation.pk, "slug": organisation.slug},
                       source="core")
    return organisation


def update_organisation(actor: User, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's details; admins only."""
    policy.require_role(actor, organisation, Role.ADMIN)
    allowed = {"name", "description", "website", "country", "stakeholder_type"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("Unknown organisation fields: %s") % ", ".join(sorted(unknown)))
    if "stakeholder_type" in fields and fields["stakeholder_type"] not in StakeholderType.values:
        raise ServiceError(_("Unknown stakeholder type."), field="stakeholder_type")
    with transaction.atomic():
        for name, value in fields.items():
            setattr(organisation, name, value)
        organisation.save(update_fields=list(fields))
        audit.record(CoreAction.ORGANISATION_UPDATED, actor=actor, obj=organisation,
                     data={"fields": sorted(fields)})
    return organisation


def invite_member(
    actor: User, organisation: Organisation, *, email: str, role: str = Role.MEMBER,
    accept_url: str = "",
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and its one-time secret.

    ``accept_url`` is the absolute address of the acceptance page without the token; the
    e-mail carries it with the token appended.
    """
    policy.require_role(actor, organisation, Role.ADMIN)
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ServiceError(_("A valid e-mail address is required."), field="email")
    if role not in Role.values:
        raise ServiceError(_("Unknown role: %s") % role, field="role")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise Conflict(_("That person is already a member."), field="email")
    secret = new_secret(24)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, token_hash=hash_secret(secret),
            invited_by=actor, expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        audit.record(CoreAction.MEMBER_INVITED, actor=actor, obj=invitation,
                     data={"organisation": organisation.slug, "email": email, "role": role})
        link = accept_url + secret if accept_url else secret
        transaction.on_commit(lambda: send_mail(
            _("Invitation to join %s on Cybercommons") % organisation.name,
            _("%(who)s invites you to join %(org)s as %(role)s.\n\nAccept: %(link)s\n")
            % {"who": actor, "org": organisation.name, "role": Role(role).label, "link": link},
            settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True,
        ))
    return invitation, secret


def accept_invitation(user: User, secret: str) -> Membership:
    """Join the organisation an invitation is for."""
    policy.require_signed_in(user)
    invitation = Invitation.objects.filter(token_hash=hash_secret(secret)).first()
    if invitation is None:
        raise NotFound(_("This invitation does not exist."))
    if not invitation.is_open:
        raise Conflict(_("This invitation has expired or was already used."))
    with transaction.atomic():
        try:
            membership = Membership.objects.create(
                user=user, organisation=invitation.organisation, role=invitation.role
            )
        except IntegrityError:
            raise Conflict(_("You are already a member of this organisation.")) from None
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(CoreAction.MEMBER_JOINED, actor=user, obj=membership,
                     data={"organisation": invitation.organisation.slug,
                           "role": invitation.role})
        events.publish("core.member.joined", {"organisation_id": invitation.organisation_id,
                                              "user_id": user.pk}, source="core")
    return membership


def _admins_left(organisation: Organisation, excluding: Membership) -> int:
    return (Membership.objects.filter(organisation=organisation, role=Role.ADMIN)
            .exclude(pk=excluding.pk).count())


def change_role(actor: User, membership: Membership, role: str) -> Membership:
    """Give a member another role; an organisation always keeps one admin."""
    policy.require_role(actor, membership.organisation, Role.ADMIN)
    if role not in Role.values:
        raise ServiceError(_("Unknown role: %s") % role, field="role")
    if membership.role == Role.ADMIN and role != Role.ADMIN and \
            _admins_left(membership.organisation, membership) == 0:
        raise Conflict(_("An organisation must keep at least one administrator."))
    with transaction.atomic():
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(CoreAction.MEMBER_ROLE_CHANGED, actor=actor, obj=membership,
                     data={"from": old, "to": role})
    return membership


def remove_member(actor: User, membership: Membership) -> None:
    """Remove a member (admins, or the member leaving); the last admin cannot leave."""
    if actor.pk != membership.user_id:
        policy.require_role(actor, membership.organisation, Role.ADMIN)
    if membership.role == Role.ADMIN and _admins_left(membership.organisation, membership) == 0:
        raise Conflict(_("An organisation must keep at least one administrator."))
    with transaction.atomic():
        audit.record(CoreAction.MEMBER_REMOVED, actor=actor, obj=membership,
                     data={"organisation": membership.organisation.slug,
                           "user": membership.user.username})
        membership.delete()


def create_token(
    actor: User, *, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a personal API token. The secret is returned once and never stored."""
    policy.require_signed_in(actor)
    name = name.strip()
    if not name:
        raise ServiceError(_("A token name is required."), field="name")
    unknown = set(scopes) - set(ApiToken.SCOPES)
    if not scopes or unknown:
        raise ServiceError(_("Scopes must be chosen among: read, write."), field="scopes")
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError(_("The expiry date must be in the future."), field="expires_at")
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=secret[:10], key_hash=hash_secret(secret),
            scopes=sorted(set(scopes)), expires_at=expires_at,
        )
        audit.record(CoreAction.TOKEN_CREATED, actor=actor, obj=token,
                     data={"name": name, "scopes": token.scopes})
    return token, secret


def revoke_token(actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of one's own tokens (or any, for a superuser)."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise NotFound(_("No such token."))
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(CoreAction.TOKEN_REVOKED, actor=actor, obj=token, data={"name": token.name})
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """The active token with this secret, or None. Records when it was last used."""
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_secret(secret)).first())
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        # Written at most once a minute: a busy client must not turn every read into a write.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def record_two_factor_change(actor: User, *, enabled: bool, device_name: str) -> None:
    """Audit the enrolment or removal of a second factor (the device is saved by django-otp)."""
    with transaction.atomic():
        audit.record(CoreAction.TWO_FACTOR_ENABLED if enabled else CoreAction.TWO_FACTOR_DISABLED,
                     actor=actor, obj=actor, data={"device": device_name})


def record_account_security_event(actor: User, action: str) -> None:
    """Audit a password change or reset, or the end of one's other sessions.

    Django's own views make these changes; this records them like every other change.
    """
    allowed = {CoreAction.PASSWORD_CHANGED, CoreAction.PASSWORD_RESET,
               CoreAction.OTHER_SESSIONS_ENDED}
    if action not in allowed:
        raise ServiceError(f"not an account security action: {action}")
    with transaction.atomic():
        audit.record(action, actor=actor, obj=actor)
