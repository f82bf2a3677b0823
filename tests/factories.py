"""Factories for the core models, shared by every test package."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from cybercommons.core.models import Country, Membership, Organisation, Role, StakeholderType, User

PASSWORD = "correct horse battery staple"


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "KE"
    alpha3 = factory.LazyAttribute(lambda o: {"KE": "KEN", "FR": "FRA", "NP": "NPL"}.get(
        o.code, o.code + "X"))
    numeric = factory.Sequence(lambda n: f"{900 - n % 900:03d}")
    name = factory.LazyAttribute(lambda o: f"Country {o.code}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    stakeholder_type = StakeholderType.GOVERNMENT


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER
