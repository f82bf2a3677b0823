"""Audit action names of the infrastructure module."""

from __future__ import annotations

from enum import StrEnum


class InfraAction(StrEnum):
    DATASET_IMPORTED = "infrastructure.dataset.imported"
    DATASET_ACTIVATED = "infrastructure.dataset.activated"
    EXCHANGES_IMPORTED = "infrastructure.exchanges.imported"
    LINKS_IMPORTED = "infrastructure.links.imported"
    POPULATION_IMPORTED = "infrastructure.population.imported"
    POPULATION_RECEIVED = "infrastructure.population.received"
    SATELLITES_IMPORTED = "infrastructure.satellites.imported"
    SEGMENT_EDITED = "infrastructure.segment.edited"
    SEGMENT_ADDED = "infrastructure.segment.added"
    SEGMENT_DELETED = "infrastructure.segment.deleted"
    SCENARIO_SAVED = "infrastructure.scenario.saved"
    SCENARIO_SHARED = "infrastructure.scenario.shared"
    SCENARIO_DELETED = "infrastructure.scenario.deleted"
    CANDIDATE_CREATED = "infrastructure.candidate.created"
    CANDIDATE_DELETED = "infrastructure.candidate.deleted"
    PLAN_SAVED = "infrastructure.plan.saved"
