"""JSON API of the security module at /api/v1/security/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["security"])
