"""Core's JSON API: countries, organisations and their members, the current user, tokens.

Operations only parse, ask policy for what the caller may see, call a service for any
change, and shape the answer; errors raised on the way become problem documents (see
:mod:`cybercommons.core.lib.api_problems`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from cybercommons.core import policy, services
from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.api_auth import (
    PUBLIC,
    PUBLIC_OPENAPI,
    SIGNED_IN,
    scopes_of,
    signed_in,
    viewer,
)
from cybercommons.core.lib.api_rows import plain_models
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.core.models import ApiToken, Country, Organisation
from cybercommons.core.schemas import (
    CountryFilters,
    CountryOut,
    CountryPage,
    MemberPage,
    MeOut,
    OrganisationFilters,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrganisationPatch,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    TokenPage,
)

router = Router(tags=["core"])

# Path parameters: anything else is simply not found, and never reaches the database
# (a 30-digit id would overflow SQLite's integers).
COUNTRY_CODE = r"^[A-Za-z]{2,3}$"
SLUG = r"^[-a-zA-Z0-9_]{1,80}$"
MAX_ID = 2**63 - 1


def _country_or_error(request: HttpRequest, code: str | None) -> Country | None:
    if code is None:
        return None
    country = policy.countries(viewer(request)).filter(code=code.upper()).first()
    if country is None:
        raise ServiceError(_("Unknown country code: %(code)s") % {"code": code},
                           field="country")
    return country


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = policy.organisations(viewer(request)).filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("No organisation has the short name %(slug)s.") % {"slug": slug})
    return organisation


# --- Countries ------------------------------------------------------------------------


@router.get("/countries", response=CountryPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="countries_list", summary="List countries and territories")
def list_countries(request: HttpRequest, response: HttpResponse,
                   filters: Query[CountryFilters], page: Query[PageParams]) -> CountryPage:
    qs: QuerySet[Country] = policy.countries(viewer(request))
    for name, value in (("region", filters.region), ("subregion", filters.subregion)):
        if value:
            field = f"{name}_code" if value.isdigit() else f"{name}__iexact"
            qs = qs.filter(**{field: value})
    for param, field in (("ldc", "is_ldc"), ("lldc", "is_lldc"), ("sids", "is_sids"),
                         ("un_member", "un_member")):
        value = getattr(filters, param)
        if value is not None:
            qs = qs.filter(**{field: value})
    if filters.un_regional_group is not None:
        qs = qs.filter(un_regional_group=filters.un_regional_group.value)
    if filters.income_group is not None:
        qs = qs.filter(income_group=filters.income_group.value)
    result = paginate(request, response, qs, page=page, key="name", name="countries")
    # A country is plain columns: built directly, ninja only serialises the page.
    return CountryPage.model_construct(items=plain_models(CountryOut, result["items"]),
                                       next=result["next"])


@router.get("/countries/{code}", response=CountryOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="countries_get",
            summary="One country by ISO 3166-1 alpha-2 or alpha-3 code")
def get_country(request: HttpRequest,
                code: str = Path(..., pattern=COUNTRY_CODE)) -> Country:
    field = "code" if len(code) == 2 else "alpha3"
    country = policy.countries(viewer(request)).filter(**{field: code.upper()}).first()
    if country is None:
        raise Http404(_("No country has the code %(code)s.") % {"code": code})
    return country


# --- Organisations --------------------------------------------------------------------


@router.get("/organisations", response=OrganisationPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="organisations_list",
            summary="The directory of organisations")
def list_organisations(request: HttpRequest, response: HttpResponse,
                       filters: Query[OrganisationFilters],
                       page: Query[PageParams]) -> dict[str, Any]:
    qs: QuerySet[Organisation] = policy.organisations(viewer(request))
    if filters.type is not None:
        qs = qs.filter(stakeholder_type=filters.type.value)
    if filters.country:
        qs = qs.filter(country__code=filters.country.upper())
    if filters.q:
        words = Q()
        for word in filters.q.split():
            words &= Q(name__icontains=word)
        qs = qs.filter(words)
    return paginate(request, response, qs, page=page, key="name", name="organisations")


@router.get("/organisations/{slug}", response=OrganisationOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="organisations_get",
            summary="One organisation")
def get_organisation(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Organisation:
    return _organisation(request, slug)


@router.post("/organisations", response={201: OrganisationOut}, auth=SIGNED_IN,
             operation_id="organisations_create",
             summary="Found an organisation (you become its administrator)")
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    organisation = services.create_organisation(
        signed_in(request),
        name=payload.name,
        stakeholder_type=payload.stakeholder_type.value,
        country=_country_or_error(request, payload.country),
        slug=payload.slug,
        description=payload.description,
        website=payload.website,
    )
    return Status(201, organisation)


@router.patch("/organisations/{slug}", response=OrganisationOut, auth=SIGNED_IN,
              operation_id="organisations_update",
              summary="Change an organisation's details (its administrators)")
def update_organisation(request: HttpRequest, payload: OrganisationPatch,
                        slug: str = Path(..., pattern=SLUG)) -> Organisation:
    organisation = _organisation(request, slug)
    fields: dict[str, Any] = payload.model_dump(exclude_unset=True)
    if "country" in fields:
        fields["country"] = _country_or_error(request, fields["country"])
    if "stakeholder_type" in fields:
        fields["stakeholder_type"] = payload.stakeholder_type.value
    return services.update_organisation(signed_in(request), organisation, **fields)


@router.get("/organisations/{slug}/members", response=MemberPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="organisations_members",
            summary="Members and their roles (visible to the organisation's members only)")
def list_members(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                 slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    # The directory is public, so the organisation's existence is no secret: outsiders get
    # an empty list (what policy shows them), not a 404 that would pretend it is absent.
    organisation = _organisation(request, slug)
    qs = policy.memberships(viewer(request), organisation)
    return paginate(request, response, qs, page=page, key="user__username",
                    name=f"members:{organisation.pk}")


# --- The current user and their tokens -------------------------------------------------


@router.get("/me", response=MeOut, auth=SIGNED_IN, operation_id="me",
            summary="Who the credentials belong to and what they allow")
def me(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    memberships = policy.own_memberships(user).order_by("organisation__name")
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "country": user.country_id,
        "language": user.language,
        "is_staff": user.is_staff,
        "memberships": list(memberships),
        "authenticated_by": "token" if getattr(request, "api_token", None) else "session",
        "scopes": scopes_of(request),
    }


@router.get("/tokens", response=TokenPage, auth=SIGNED_IN, operation_id="tokens_list",
            summary="Your API tokens (never their secrets)")
def list_tokens(request: HttpRequest, response: HttpResponse,
                page: Query[PageParams]) -> dict[str, Any]:
    user = signed_in(request)
    return paginate(request, response, policy.tokens(user), page=page, key="-created_at",
                    name=f"tokens:{user.pk}")


@router.post("/tokens", response={201: TokenCreatedOut}, auth=SIGNED_IN,
             operation_id="tokens_create",
             summary="Make a token; its secret is in this answer and never again")
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, secret = services.create_token(
        signed_in(request), name=payload.name, scopes=list(payload.scopes),
        expires_at=payload.expires_at,
    )
    token.secret = secret  # type: ignore[attr-defined]  # in this answer only, never stored
    return Status(201, token)


@router.delete("/tokens/{token_id}", response=TokenOut, auth=SIGNED_IN,
               operation_id="tokens_revoke", summary="Revoke one of your tokens")
def revoke_token(request: HttpRequest,
                 token_id: int = Path(..., ge=1, le=MAX_ID)) -> ApiToken:
    user = signed_in(request)
    token = policy.tokens(user).filter(pk=token_id).first()
    if token is None:
        raise Http404(_("You have no token with this id."))
    return services.revoke_token(user, token)
