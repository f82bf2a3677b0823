"""The per-file report every importer returns: counts and the per-record problems."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS_KEPT = 200


@dataclass(slots=True)
class Problem:
    """One record that was skipped (``kept=False``) or kept with a field left empty."""

    record: str
    reason: str
    kept: bool = False
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"record": self.record, "reason": self.reason, "kept": self.kept,
                "source": self.source}


@dataclass(slots=True)
class ImportReport:
    """What one import did; ``counts`` keys are stable names shown in the CLI and pages."""

    kind: str
    path: str
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    dataset_id: int | None = None

    def problem(self, record: str, reason: str, *, kept: bool = False, source: str = "") -> None:
        self.counts["kept_with_problem" if kept else "skipped"] += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(record, reason, kept, source))

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "counts": dict(self.counts),
                "problems": [p.as_dict() for p in self.problems]}
