"""Background imports started from the import page, reporting through a progress record."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.economy import services
from cybercommons.economy.importers.formats import parse_column_map


@task()
def import_uploaded_file(progress_key: str, kind: str, path: str, name: str, user_id: int,
                         column_map: str = "") -> int:
    """Import an uploaded file as its uploader; the report lands in the progress result."""
    user = User.objects.get(pk=user_id)
    with Tracker(_("Importing %(name)s") % {"name": name}, key=progress_key,
                 owner=user) as tracker:
        try:
            run = services.import_file(
                user, kind, path, display_name=name, tracker=tracker,
                column_map=parse_column_map(column_map) if column_map else None)
        finally:
            _discard(Path(path))
        tracker.finish(result={**run.counts, "problems": run.problems[:20]},
                       message=_("%(rows)d rows written") % {"rows": run.rows_written})
    return run.pk


def _discard(path: Path) -> None:
    """Remove the uploaded file, and its per-upload folder when it is one of ours."""
    uploads = (Path(settings.DATA_DIR) / "uploads" / "economy").resolve()
    if path.resolve().parent.parent == uploads:
        shutil.rmtree(path.parent, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
