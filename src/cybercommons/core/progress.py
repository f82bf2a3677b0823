"""One progress facility for long work, shown by pages (an updating bar) and the CLI.

Work reports through a :class:`Tracker`; the tracker stores its state in a ``Progress``
row (read by the page, which polls it with htmx) and, when run from a terminal, also draws
a bar on standard error. Database writes are throttled so that progress costs nothing
measurable even when reported for every record.
"""

from __future__ import annotations

import sys
import time
import uuid
from types import TracebackType
from typing import IO, Any

from django.utils import timezone

from cybercommons.core.models import Progress, User


class TerminalBar:
    """A one-line progress bar for terminals; silent when the stream is not a TTY."""

    def __init__(self, stream: IO[str] | None = None, width: int = 30, force: bool = False):
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = force or bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0

    def draw(self, label: str, done: int, total: int | None, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self._last < 0.1:
            return
        self._last = now
        if total:
            filled = int(self.width * min(done, total) / total)
            bar = "#" * filled + "-" * (self.width - filled)
            text = f"\r{label} [{bar}] {done}/{total} {100 * done // total:3d}%"
        else:
            text = f"\r{label} {done}"
        self.stream.write(text + ("\n" if final else ""))
        self.stream.flush()


class Tracker:
    """Report progress of one piece of work. Use as a context manager.

    ``with Tracker("Importing cables", total=526) as t: ... t.advance()``. An exception
    inside the block marks the work failed with its message.
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        key: str | None = None,
        owner: User | None = None,
        terminal: TerminalBar | None = None,
        min_interval: float = 0.5,
    ):
        self.key = key or uuid.uuid4().hex
        self.label = label
        self.total = total
        self.done = 0
        self.terminal = terminal
        self.min_interval = min_interval
        self._last_write = 0.0
        self.record, _ = Progress.objects.update_or_create(
            key=self.key,
            defaults={"label": label, "owner": owner, "total": total, "done": 0,
                      "status": Progress.Status.RUNNING, "message": "", "result": {},
                      "updated_at": timezone.now()},
        )

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None:
            self.fail(str(exc) or exc_type.__name__ if exc_type else "failed")
        elif self.record.status == Progress.Status.RUNNING:
            self.finish()

    def set_total(self, total: int) -> None:
        self.total = total
        self._save(force=True)

    def advance(self, n: int = 1, message: str = "") -> None:
        self.done += n
        if message:
            self.record.message = message
        self._save()

    def finish(self, result: dict[str, Any] | None = None, message: str = "") -> None:
        self.record.status = Progress.Status.DONE
        if self.total is None:
            self.total = self.done
        if result is not None:
            self.record.result = result
        if message:
            self.record.message = message
        self._save(force=True)

    def fail(self, message: str) -> None:
        self.record.status = Progress.Status.FAILED
        self.record.message = message
        self._save(force=True)

    def _save(self, force: bool = False) -> None:
        final = self.record.status in Progress.FINISHED
        if self.terminal is not None:
            self.terminal.draw(self.label, self.done, self.total, final=final)
        now = time.monotonic()
        if not force and now - self._last_write < self.min_interval:
            return
        self._last_write = now
        self.record.done = self.done
        self.record.total = self.total
        self.record.updated_at = timezone.now()
        self.record.save(update_fields=["done", "total", "status", "message", "result",
                                        "updated_at"])
