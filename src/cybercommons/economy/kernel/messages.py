"""What the kernels say to people, as a code and its parameters, never as prose.

Why: a reason ("the funder excludes KEN"), a refusal ("pillar weights add up to 0.9")
or a note ("no score for Universal connectivity") is read by people in six languages,
and the kernels have no translations. They return a :class:`Message`; the Django layer
(``cybercommons.economy.explanations``) looks the code up in its message catalogue and
fills the parameters in, in the reader's language. The API carries the code and the
parameters beside the rendered text, so programs never have to parse a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    """A code naming what is said (``"match.funder_excludes_country"``) and its values.

    Parameters are plain data (strings, numbers, lists of strings, None) so that they
    go to JSON as they are.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON answers and the command line's ``--json``."""
        return {"code": self.code, "params": dict(self.params)}

    def __str__(self) -> str:
        # For logs and exceptions only: people read the rendered text.
        if not self.params:
            return self.code
        values = ", ".join(f"{key}={value!r}" for key, value in sorted(self.params.items()))
        return f"{self.code}({values})"
