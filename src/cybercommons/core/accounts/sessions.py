"""Ending every other session of a person, whatever session store the site uses.

Django ties each session to a hash of the password; saving the same password again under a
new salt changes that hash, so every other session stops being valid at its next request,
while this one is carried over. Nothing has to list or search the session store.
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cybercommons.core import services
from cybercommons.core.audit import CoreAction
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User


def end_other_sessions(request: HttpRequest, user: User, password: str) -> None:
    """Log the user out everywhere but here; the current password proves the owner asks."""
    if not user.check_password(password):
        raise ServiceError(_("The password is not right."), field="password")
    with transaction.atomic():
        user.set_password(password)  # same password, new salt, new session hash
        user.save(update_fields=["password"])
        services.record_account_security_event(user, CoreAction.OTHER_SESSIONS_ENDED)
    update_session_auth_hash(request, user)
