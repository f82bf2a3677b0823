"""The governance demo: one public consultation run from draft to decision.

A draft norm on protecting submarine-cable infrastructure (written by the project), two
versions, comments, amendments (one merged, one rejected with its reason), 40 synthetic
participants from every stakeholder group and UN region who voted on 12 statements, and a
decision under the equal-weight-per-stakeholder-group rule with its ballot file. Every
step goes through the services, so the audit log and notifications are those of a real
run. The votes come from a seeded generator: the same sample every time.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import IO

from django.db import transaction

from cybercommons.core.countries import sync_countries
from cybercommons.core.models import Country, Membership, Organisation, Role, StakeholderType, User
from cybercommons.governance import services
from cybercommons.governance.models import DecisionRule, Phase, Process, TranslationStatus

SLUG = "submarine-cable-protection-norm"

SECRETARIAT = ("cable-norm-secretariat", "Secretariat of the Cable Resilience Dialogue",
               StakeholderType.INTERNATIONAL, "CH")

# (slug, name, stakeholder type, country)
ORGANISATIONS = [
    ("demo-ministry-fj", "Ministry of Communications (demo)", StakeholderType.GOVERNMENT, "FJ"),
    ("demo-ministry-br", "Secretariat for Digital Policy (demo)", StakeholderType.GOVERNMENT, "BR"),
    ("demo-ministry-ne", "Ministry of Posts and Digital Economy (demo)",
     StakeholderType.GOVERNMENT, "NE"),
    ("demo-regional-telecom-union", "Regional Telecommunication Union (demo)",
     StakeholderType.INTERNATIONAL, "ET"),
    ("demo-subsea-operator", "Subsea Systems Operator (demo)", StakeholderType.COMPANY, "SG"),
    ("demo-cable-consortium", "Baltic Cable Consortium (demo)", StakeholderType.COMPANY, "PL"),
    ("demo-ixp-federation", "Federation of Exchange Points (demo)", StakeholderType.TECHNICAL,
     "KE"),
    ("demo-network-operators", "Network Operators Group (demo)", StakeholderType.TECHNICAL, "CL"),
    ("demo-rights-online", "Rights Online Collective (demo)", StakeholderType.CIVIL_SOCIETY, "CO"),
    ("demo-open-net", "Open Net Foundation (demo)", StakeholderType.CIVIL_SOCIETY, "UA"),
]

CITIZEN_COUNTRIES = ["TV", "NP", "FR", "IN", "MX", "EG", "RO", "CA"]

SECTIONS = [
    ("purpose", "Purpose",
     "Submarine cables carry almost all intercontinental Internet traffic. This norm sets "
     "out what States and operators commit to so that damage to cables is **prevented**, "
     "**reported** and **repaired** quickly, wherever the cable lands."),
    ("protection", "Protection zones",
     "States should establish protection zones around cables in their territorial sea, "
     "where anchoring and bottom trawling are restricted, and publish their charts."),
    ("repair", "Repair",
     "States should allow cable repair ships to reach damaged cables without delay, "
     "granting permits within 7 days."),
    ("reporting", "Reporting incidents",
     "Operators should report any cable fault to the national CERT and to the other "
     "landing States within 24 hours, stating its location and likely cause."),
    ("capacity", "Capacity building",
     "States with repair capacity should support least developed countries, landlocked "
     "developing countries and small island developing States in planning route diversity."),
]

STATEMENTS = [
    "Repair permits should be granted within 48 hours, not days.",
    "Protection zones must not block traditional fishing by local communities.",
    "Operators should publish the exact route of every cable.",
    "Cable routes are security-sensitive and should stay confidential.",
    "Small island States need a second cable before any other investment.",
    "Incident reports should be shared with all landing States.",
    "Deliberate damage to cables should be treated as an attack on critical infrastructure.",
    "A regional fund should pay for repair ships in developing regions.",
    "Companies, not States, should bear the cost of protection zones.",
    "Civil society should have a seat in the body that reviews incidents.",
    "The norm should be voluntary, not binding.",
    "Cable landing stations should be open to independent security audits.",
]


def _camp(stakeholder_group: str) -> int:
    """Latent opinion camps for the synthetic votes: States and international bodies,
    industry and technical community, civil society and citizens."""
    if stakeholder_group in (StakeholderType.GOVERNMENT, StakeholderType.INTERNATIONAL):
        return 0
    if stakeholder_group in (StakeholderType.COMPANY, StakeholderType.TECHNICAL):
        return 1
    return 2


# Per statement, the leaning of each camp (1 agree, -1 disagree, 0 split).
LEANINGS = [(1, -1, 1), (0, 1, 1), (-1, -1, 1), (1, 1, -1), (1, 0, 1), (1, 1, 1),
            (1, 1, 1), (1, -1, 1), (-1, -1, 1), (-1, 0, 1), (-1, 1, 0), (-1, -1, 1)]


def _user(username: str, display: str, country: Country | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display, email="",
                    country=country)
        user.set_unusable_password()
        user.save()
    return user


def _organisation(slug: str, name: str, kind: str, code: str) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "stakeholder_type": kind,
                             "country": Country.objects.filter(code=code).first()})
    return organisation


def load(stdout: IO[str] | None = None) -> None:
    """Load the sample consultation (nothing happens if it is already there)."""

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    if Process.objects.filter(slug=SLUG).exists():
        say("Governance sample already loaded.")
        return
    if not Country.objects.exists():
        sync_countries()
    with transaction.atomic():
        _load()
    say("Governance: 1 consultation, 40 participants, 12 statements, a published decision.")


def _load() -> None:
    secretariat = _organisation(*SECRETARIAT)
    convenor = _user("cable-secretariat", "Cable Dialogue Secretariat",
                     secretariat.country)
    Membership.objects.get_or_create(user=convenor, organisation=secretariat,
                                     defaults={"role": Role.ADMIN})
    organisations = [_organisation(*row) for row in ORGANISATIONS]
    people: list[User] = []
    for i in range(40):
        if i < 32:
            organisation = organisations[i % len(organisations)]
            user = _user(f"cable-delegate-{i + 1:02d}", f"Delegate {i + 1:02d}",
                         organisation.country)
            Membership.objects.get_or_create(user=user, organisation=organisation)
        else:
            code = CITIZEN_COUNTRIES[i - 32]
            user = _user(f"cable-citizen-{i - 31:02d}", f"Citizen {i - 31:02d}",
                         Country.objects.filter(code=code).first())
        people.append(user)

    process = services.create_process(
        convenor, convenor=secretariat, slug=SLUG,
        title="Draft norm on protecting submarine-cable infrastructure",
        summary="A multi-stakeholder consultation on what States and operators commit to so "
                "that submarine cables are protected, incidents reported and repairs made "
                "quickly — with attention to small island and least developed countries.",
        decision_rule=DecisionRule.STAKEHOLDER_GROUPS, sections=SECTIONS)
    start = date(2026, 3, 2)
    for n, phase in enumerate(Phase.values):
        services.set_schedule(convenor, process, phase, starts_on=start + timedelta(weeks=2 * n),
                              ends_on=start + timedelta(weeks=2 * n + 2, days=-1))

    services.change_phase(convenor, process, Phase.COMMENTS)
    v1 = process.current_version
    assert v1 is not None
    sections = {s.key: s for s in v1.sections.all()}
    services.add_comment(people[0], process, sections["repair"],
                         "Seven days is far too long for an island with a single cable.",
                         quote="granting permits within 7 days")
    services.add_comment(people[16], process, sections["protection"],
                         "Charts should be machine-readable so ships can load them.")
    services.add_comment(people[33], process, sections["capacity"],
                         "Please name the financing mechanism, not only the goal.")

    services.change_phase(convenor, process, Phase.AMENDMENTS)
    merged = services.propose_amendment(
        people[0], process, v1, sections["repair"],
        "States should allow cable repair ships to reach damaged cables without delay, "
        "granting permits within 48 hours and waiving fees for repairs of cables serving "
        "small island developing States.",
        rationale="A week without connectivity is a national emergency for a small island.")
    rejected = services.propose_amendment(
        people[4], process, v1, sections["reporting"],
        "Operators may report cable faults to the national CERT when they consider it useful.",
        rationale="Mandatory reporting is a burden on operators.")
    services.decide_amendment(convenor, rejected, accept=False,
                              reason="Other landing States need to know: reporting stays an "
                                     "expectation, not an option.")
    services.decide_amendment(convenor, merged, accept=True, reason="Widely supported.")
    v2 = services.merge_amendments(convenor, process, [merged],
                                   note="Repair permits within 48 hours.")
    services.save_translation(convenor, v2, "fr", status=TranslationStatus.DRAFT, sections={
        "purpose": {"heading": "Objet", "body": ""},
        "repair": {"heading": "Réparation", "body": ""}})
    services.save_translation(convenor, v2, "es", status=TranslationStatus.DRAFT, sections={
        "purpose": {"heading": "Propósito", "body": ""}})

    services.change_phase(convenor, process, Phase.OPINION_MAP)
    statements = [services.add_statement(people[(7 * i) % 40], process, text)
                  for i, text in enumerate(STATEMENTS)]
    rng = random.Random(20260301)  # noqa: S311 - synthetic votes, reproducible on purpose
    profiles = {u.pk: services.participant_for(u, process) for u in people}
    for user in people:
        camp = _camp(profiles[user.pk].stakeholder_group)
        for statement, leaning in zip(statements, LEANINGS, strict=True):
            if rng.random() < 0.15:
                continue  # not everyone votes on everything
            lean = leaning[camp]
            roll = rng.random()
            if lean == 0:
                value = 1 if roll < 0.4 else -1 if roll < 0.8 else 0
            else:
                value = lean if roll < 0.8 else -lean if roll < 0.92 else 0
            services.cast_vote(user, statement, value)

    services.change_phase(convenor, process, Phase.DECISION)
    for user in people:
        camp = _camp(profiles[user.pk].stakeholder_group)
        roll = rng.random()
        yes_rate = (0.8, 0.45, 0.7)[camp]
        if roll < yes_rate:
            choice, reason = "yes", ""
        elif roll < yes_rate + 0.08:
            choice, reason = "abstain", ""
        else:
            choice, reason = "no", "Cost allocation is unclear." if camp == 1 else ""
        services.cast_ballot(user, process, choice=choice, reason=reason)
    services.publish_decision(convenor, process)
    services.change_phase(convenor, process, Phase.OUTCOME, note="Result published.")
    services.save_meeting(
        convenor, process, title="Consultation meeting on repair and reporting",
        starts_at=datetime(2026, 4, 14, 13, 0, tzinfo=UTC),
        location="Online", agenda="1. Repair permits\n2. Incident reporting",
        minutes="Participants agreed to shorten repair permits to 48 hours; the reporting "
                "duty stays.", section_keys=["repair", "reporting"])
