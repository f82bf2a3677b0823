"""Errors raised by services, mapped to 4xx responses by pages and the API alike."""

from __future__ import annotations


class ServiceError(ValueError):
    """A request the service refuses, with a message that names the problem.

    ``status`` is the HTTP status the adapters answer with (400 bad input, 404 not found,
    409 conflict with the current state).
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404
