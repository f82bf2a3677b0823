"""The demo's sample data: written by the project, small, and loaded in seconds.

Core loads countries, an administrator, a few people and one organisation of each
stakeholder type; then each module's ``demo_loader`` adds its own sample. Loading is
idempotent, so ``cybercommons demo`` can be run again on the same data folder.
"""

from __future__ import annotations

from typing import IO

from django.db import transaction

from cybercommons.core import services
from cybercommons.core.countries import sync_countries
from cybercommons.core.geo import world_countries
from cybercommons.core.models import Country, Membership, Organisation, Role, StakeholderType, User
from cybercommons.core.modules import registry, resolve

# (slug, name, stakeholder type, country code, description)
SAMPLE_ORGANISATIONS = [
    ("ministry-digital-ke", "Ministry of Information, Communications and the Digital Economy",
     StakeholderType.GOVERNMENT, "KE",
     "A national ministry responsible for ICT policy and the digital economy."),
    ("cert-gh", "National Computer Emergency Response Team", StakeholderType.GOVERNMENT, "GH",
     "A national CERT coordinating incident response."),
    ("regional-dev-bank", "Regional Development Bank for Digital Infrastructure",
     StakeholderType.INTERNATIONAL, "CI",
     "Finances connectivity projects across the region."),
    ("pacific-cable-co", "Pacific Island Cable Company", StakeholderType.COMPANY, "FJ",
     "Operates submarine cable capacity between Pacific islands."),
    ("ixp-association", "Association of Internet Exchange Points", StakeholderType.TECHNICAL,
     "BR", "Technical community of exchange point operators."),
    ("digital-rights-forum", "Digital Rights Forum", StakeholderType.CIVIL_SOCIETY, "IN",
     "Civil society organisation working on access and rights online."),
    ("national-museum-pe", "National Museum of Archaeology", StakeholderType.GOVERNMENT, "PE",
     "A public museum sharing its collections online."),
]

SAMPLE_PEOPLE = [
    ("amina", "Amina Njoroge", "KE", "ministry-digital-ke", Role.ADMIN),
    ("kwame", "Kwame Mensah", "GH", "cert-gh", Role.ADMIN),
    ("lucia", "Lucía Quispe", "PE", "national-museum-pe", Role.EDITOR),
    ("wei", "Wei Chen", "SG", None, None),
]


def ensure_admin(username: str, email: str, password: str, *, reset: bool = False
                 ) -> tuple[User, bool]:
    """Create the superuser, or (with ``reset``) set its password again."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(username=username, email=email, password=password,
                                             display_name="Administrator")
        return user, True
    if reset:
        user.set_password(password)
        user.is_superuser = user.is_staff = user.is_active = True
        user.save(update_fields=["password", "is_superuser", "is_staff", "is_active"])
    return user, False


def load_sample(stdout: IO[str] | None = None, admin_password: str = "") -> None:
    """Load the whole demo sample: core's, then every module's."""

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")
            stdout.flush()

    count = sync_countries()
    say(f"Countries: {count}")
    admin, _ = ensure_admin("admin", "admin@example.org", admin_password or "admin-demo-pw",
                            reset=bool(admin_password))
    with transaction.atomic():
        for slug, name, kind, country_code, description in SAMPLE_ORGANISATIONS:
            if Organisation.objects.filter(slug=slug).exists():
                continue
            services.create_organisation(
                admin, name=name, slug=slug, stakeholder_type=kind,
                country=Country.objects.filter(code=country_code).first(),
                description=description,
            )
        for username, display_name, country_code, org_slug, role in SAMPLE_PEOPLE:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, display_name=display_name,
                            email=f"{username}@example.org",
                            country=Country.objects.filter(code=country_code).first())
                user.set_unusable_password()
                user.save()
            if org_slug and role:
                Membership.objects.get_or_create(
                    user=user, organisation=Organisation.objects.get(slug=org_slug),
                    defaults={"role": role})
    say(f"Organisations: {Organisation.objects.count()}, people: {User.objects.count()}")
    for manifest in registry:
        if manifest.demo_loader:
            say(f"Loading the {manifest.label} sample…")
            resolve(manifest.demo_loader)(stdout=stdout)
    # The world's country shapes are simplified once and kept in the data folder; doing it
    # here spares the first visitor of a map page the few seconds it takes.
    say("Preparing the world map…")
    world_countries()
