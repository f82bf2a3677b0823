"""Shapes of core's JSON API: what goes out, what comes in, and the list filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, StringConstraints

from cybercommons.core.lib.pagination import Page
from cybercommons.core.models import (
    ApiToken,
    Country,
    IncomeGroup,
    Membership,
    Organisation,
    Role,
    StakeholderType,
    UNRegionalGroup,
)


def _encodable(value: str) -> str:
    # A lone surrogate (legal in JSON escapes) cannot be stored as UTF-8 by any database.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text contains an unpaired surrogate code point") from None
    return value


# Text a database accepts on every backend: PostgreSQL refuses NUL characters outright.
NO_NUL = r"^[^\x00]*$"
PlainText = Annotated[str, StringConstraints(pattern=NO_NUL), AfterValidator(_encodable)]


class BodySchema(BaseModel):
    """A request body: a JSON object with these fields and no others.

    A plain pydantic model rather than ninja's Schema, which reads attributes of any
    object and so would take a JSON array or number for an object whose fields are all
    optional. Unknown fields are refused so that a misspelt one is not silently ignored.
    """

    model_config = ConfigDict(extra="forbid")


# --- Countries ------------------------------------------------------------------------


class CountryOut(Schema):
    """A country or territory of ISO 3166-1 and its UN and World Bank groupings."""

    code: str = Field(description="ISO 3166-1 alpha-2")
    alpha3: str = Field(description="ISO 3166-1 alpha-3")
    numeric: str = Field(description="ISO 3166-1 numeric")
    name: str
    official_name: str
    region_code: str = Field(description="UN M49 region code (empty when not classified)")
    region: str
    subregion_code: str
    subregion: str
    un_member: bool
    un_regional_group: str = Field(description="UN regional group, empty for non-members")
    is_ldc: bool = Field(description="on the UN list of least developed countries")
    is_lldc: bool = Field(description="on the UN list of landlocked developing countries")
    is_sids: bool = Field(description="on the UN list of small island developing states")
    income_group: str = Field(description="World Bank income group (L, LM, UM, H) or empty")

    @staticmethod
    def resolve_un_regional_group(obj: Country) -> str:
        return str(obj.un_regional_group)

    @staticmethod
    def resolve_income_group(obj: Country) -> str:
        return str(obj.income_group)


class CountryPage(Page[CountryOut]):
    pass



def optional(description: str = "") -> Any:
    """A field that may be left out but, when given, must not be null.

    Typed without "| None" so that the schema does not offer null (a query string cannot
    send one, and a null name is a mistake, not a deletion), and so that a wrong value is
    reported once rather than once per member of a union.
    """
    return Field(None, description=description or None)

Label = Annotated[str, StringConstraints(max_length=60, pattern=NO_NUL)]


class CountryFilters(Schema):
    """Filters of the country list; all given filters must hold (absent ones do not apply)."""

    region: Label = optional("UN M49 region, by code (002) or name (Africa)")
    subregion: Label = optional("UN M49 sub-region, by code (014) or name (Eastern Africa)")
    ldc: bool = optional("true: least developed countries only; false: all others")
    lldc: bool = optional("true: landlocked developing countries only")
    sids: bool = optional("true: small island developing states only")
    un_member: bool = optional("true: UN member states only")
    un_regional_group: UNRegionalGroup = optional()
    income_group: IncomeGroup = optional()


# --- Organisations --------------------------------------------------------------------


class OrganisationOut(Schema):
    """A stakeholder organisation as the public directory shows it."""

    slug: str
    name: str
    stakeholder_type: StakeholderType
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    description: str
    website: str
    created_at: datetime

    @staticmethod
    def resolve_country(obj: Organisation) -> str | None:
        return obj.country_id


class OrganisationPage(Page[OrganisationOut]):
    pass


CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]


class OrganisationFilters(Schema):
    type: StakeholderType = optional("stakeholder type")
    country: CountryCode = optional("ISO 3166-1 alpha-2 code")
    q: Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)] = optional(
        "words in the name")


Slug = Annotated[str, StringConstraints(max_length=80, pattern=r"^[-a-zA-Z0-9_]*$")]


def _check_url(value: str) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError("not an http or https URL") from None
    return value


WebsiteURL = Annotated[
    str, StringConstraints(max_length=200, pattern=NO_NUL), AfterValidator(_check_url)
]


class OrganisationIn(BodySchema):
    """A new organisation; the person creating it becomes its first administrator."""

    name: Annotated[PlainText, StringConstraints(min_length=1, max_length=200)]
    stakeholder_type: StakeholderType
    country: CountryCode | None = None
    slug: Slug = Field("", description="short name in addresses; made from the name if empty")
    description: Annotated[PlainText, StringConstraints(max_length=10_000)] = ""
    website: WebsiteURL = ""


class OrganisationPatch(BodySchema):
    """Fields to change; fields left out stay as they are. Only ``country`` may be null."""

    name: Annotated[PlainText, StringConstraints(min_length=1, max_length=200)] = optional()
    stakeholder_type: StakeholderType = optional()
    country: CountryCode | None = Field(None, description="null clears the country")
    description: Annotated[PlainText, StringConstraints(max_length=10_000)] = optional()
    website: WebsiteURL = optional()


class MemberOut(Schema):
    username: str
    display_name: str
    role: Role
    joined_at: datetime

    @staticmethod
    def resolve_username(obj: Membership) -> str:
        return obj.user.username

    @staticmethod
    def resolve_display_name(obj: Membership) -> str:
        return obj.user.display_name


class MemberPage(Page[MemberOut]):
    pass


# --- The current user -----------------------------------------------------------------


class MyMembershipOut(Schema):
    organisation: str = Field(description="the organisation's slug")
    name: str
    role: Role

    @staticmethod
    def resolve_organisation(obj: Membership) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.organisation.name


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    country: str | None
    language: str
    is_staff: bool
    memberships: list[MyMembershipOut]
    authenticated_by: Literal["token", "session"]
    scopes: list[str] = Field(description="what this request's credentials allow")


# --- API tokens -----------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="the first characters of the secret, to recognise it")
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        return obj.is_active


class TokenPage(Page[TokenOut]):
    pass


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="the token itself: shown this once, never again")


def _in_utc(value: datetime) -> datetime:
    # 9999-12-31T23:00-14:00 is a valid timestamp that no database can store: in UTC it
    # falls in the year 10000.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the date is out of range once converted to UTC") from None


class TokenIn(BodySchema):
    name: Annotated[PlainText, StringConstraints(min_length=1, max_length=100)]
    scopes: list[Literal["read", "write"]] = Field(min_length=1, max_length=2)
    expires_at: Annotated[AwareDatetime, AfterValidator(_in_utc)] | None = Field(
        None, description="when the token stops working (with a time zone); never if null")
