"""Forms of the account pages. They parse and check shape only; services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import ApiToken, Country

# A TOTP code is six digits; a backup code is eight letters and digits (base32). Both are
# typed by hand, so spaces and dashes are forgiven.
CODE_MAX_LENGTH = 20


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only. Others see it."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Used to reset your password and to receive invitations."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        help_text=_("At least 10 characters; not a common password; not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    display_name = forms.CharField(
        label=_("Display name"), max_length=150, required=False,
        help_text=_("Optional. Shown instead of your user name."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False,
        empty_label=_("— not stated —"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


def language_choices() -> list[tuple[str, Any]]:
    """The UI languages, each named in itself so a reader finds their own, plus 'follow the
    browser' (read at call time, never at import)."""
    return [("", _("Follow my browser")),
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES)]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(),
                                     required=False, empty_label=_("— not stated —"))
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=language_choices,
        help_text=_("The pages switch to this language when you log in."),
    )


class CodeForm(forms.Form):
    """One field for a code from an authenticator app or a backup code."""

    code = forms.CharField(
        label=_("Code"), max_length=CODE_MAX_LENGTH,
        help_text=_("The six-digit code shown by your authenticator app, or one of your "
                    "backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        return "".join(ch for ch in code if ch.isalnum()).lower()


class EnrolmentForm(CodeForm):
    """Confirming a new authenticator takes a code from it, never a backup code."""

    code = forms.CharField(
        label=_("Code from the app"), max_length=CODE_MAX_LENGTH,
        help_text=_("Enter the six-digit code your app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = super().clean_code()
        if not code.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return code


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100,
        help_text=_("What the token is for, such as the script or server that uses it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), widget=forms.CheckboxSelectMultiple,
        choices=[(ApiToken.READ, _("Read")), (ApiToken.WRITE, _("Write (includes read)"))],
        initial=[ApiToken.READ],
        error_messages={"required": _("Choose at least one scope.")},
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False,
        help_text=_("Optional. The token stops working at the start of this day (UTC)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
