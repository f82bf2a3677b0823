"""Core's JSON API (first cut)."""

from __future__ import annotations

from ninja import Router, Schema

router = Router(tags=["core"])


class CountryOut(Schema):
    code: str
    alpha3: str
    name: str


@router.get("/countries", response=list[CountryOut])
def list_countries(request):  # type: ignore[no-untyped-def]
    from cybercommons.core import policy  # noqa: PLC0415

    return list(policy.countries(request.user)[:50])
