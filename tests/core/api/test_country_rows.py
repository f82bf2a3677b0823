"""The country list is built without ninja's validation yet answers exactly what it would."""

from __future__ import annotations

from typing import Any

import pytest
from ninja import Schema

from cybercommons.core.lib.api_rows import plain_models
from cybercommons.core.models import Country
from cybercommons.core.schemas import CountryOut, OrganisationOut
from tests.core.api.client import ApiClient

pytestmark = pytest.mark.django_db


def test_the_list_answers_what_ninja_would_for_each_country(anon: ApiClient,
                                                            countries: Any) -> None:
    page = anon.get("/countries", {"limit": "2"}).json()
    validated = [CountryOut.model_validate(c).model_dump(mode="json")
                 for c in Country.objects.order_by("name", "pk")]
    assert page["items"] == validated[:2]
    assert list(page["items"][0]) == list(CountryOut.model_fields)
    assert page["items"][1]["un_regional_group"] == "african"
    assert page["items"][1]["is_ldc"] is False
    rest = anon.get("/countries", {"limit": "2", "cursor": page["next"]}).json()
    assert rest == {"items": validated[2:], "next": None}


def test_only_schemas_of_plain_columns_are_built_directly(countries: Any) -> None:
    with pytest.raises(TypeError, match="OrganisationOut"):
        plain_models(OrganisationOut, [])

    class Named(Schema):
        code: str
        name: str

    kenya = countries["KE"]
    assert [m.model_dump() for m in plain_models(Named, [kenya])] == [
        {"code": "KE", "name": "Kenya"}]
    kenya.name = None
    with pytest.raises(ValueError, match="null"):
        plain_models(Named, [kenya])
