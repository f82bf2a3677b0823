"""The ``cybercommons`` command: demo, serve, migrate, createadmin, check, worker, manage.

Any other subcommand is handed to the Django management command of the same name, so each
module's commands (``cybercommons infra import …``, ``cybercommons audit verify``) work
without core knowing them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

PROG = "cybercommons"


def _fail(message: str, code: int = 2) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def _setup_django() -> None:
    """Configure Django; a bad setting becomes one line on stderr and exit status 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cybercommons.settings")
    from cybercommons.core.lib.env import SettingError

    try:
        import django

        django.setup()
    except SettingError as error:
        raise SystemExit(_fail(str(error))) from None


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _ensure_data_dir(path: str | None) -> Path:
    folder = Path(path or os.environ.get("CYBERCOMMONS_DATA_DIR", "var")).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["CYBERCOMMONS_DATA_DIR"] = str(folder)
    return folder


def _ensure_secret_file(folder: Path, name: str, nbytes: int = 48) -> str:
    """Read a generated secret from the data folder, creating it (mode 0600) the first time."""
    path = folder / name
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(nbytes)
    path.touch(mode=0o600)
    path.write_text(value + "\n", encoding="utf-8")
    return value


# --- subcommands ------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    folder = _ensure_data_dir(args.data_dir)
    _ensure_secret_file(folder, "secret_key")
    os.environ.setdefault("ALLOWED_HOSTS", f"127.0.0.1,localhost,[::1],{args.host}")
    _setup_django()
    from django.conf import settings

    from cybercommons.core import demo

    db = settings.DATABASES["default"]
    print(f"Data folder: {folder}")
    print(f"Database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME', '')}")
    _call("migrate", "--no-input", "--verbosity", "0")
    password = _ensure_secret_file(folder, "demo_admin_password", 12)
    demo.load_sample(stdout=sys.stdout, admin_password=password)
    url = f"http://{args.host}:{args.port}/"
    print()
    print(f"Cybercommons is running at {url}")
    print(f"Admin login: user 'admin', password '{password}'  (admin site: {url}admin/)")
    print("Press Ctrl-C to stop.")
    if args.no_serve:
        return 0
    return _serve(f"{args.host}:{args.port}", workers=args.workers, threads=4)


def cmd_serve(args: argparse.Namespace) -> int:
    if not os.environ.get("SECRET_KEY"):
        return _fail("SECRET_KEY is not set: a production server needs a secret key from the "
                     "environment (generate one with: python -c 'import secrets; "
                     "print(secrets.token_urlsafe(50))')")
    if len(os.environ["SECRET_KEY"]) < 32:
        return _fail("SECRET_KEY is too short: use at least 32 random characters")
    _ensure_data_dir(args.data_dir)
    _setup_django()
    if args.migrate:
        _call("migrate", "--no-input")
    return _serve(args.bind, workers=args.workers, threads=args.threads)


def _serve(bind: str, *, workers: int, threads: int) -> int:
    """Run gunicorn in this process with the project's WSGI application."""
    from gunicorn.app.base import BaseApplication

    from cybercommons.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread" if threads > 1 else "sync")
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("forwarded_allow_ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))

        def load(self):
            return application

    Server().run()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _ensure_data_dir(args.data_dir)
    _setup_django()
    _call("migrate", "--no-input")
    from cybercommons.core.countries import sync_countries

    sync_countries()
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    _ensure_data_dir(args.data_dir)
    _setup_django()
    from cybercommons.core.demo import ensure_admin

    password = args.password or os.environ.get("CYBERCOMMONS_ADMIN_PASSWORD") or \
        secrets.token_urlsafe(12)
    user, created = ensure_admin(args.username, args.email, password, reset=True)
    print(f"{'Created' if created else 'Updated'} administrator '{user.username}'.")
    if not args.password and not os.environ.get("CYBERCOMMONS_ADMIN_PASSWORD"):
        print(f"Password: {password}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _ensure_data_dir(args.data_dir)
    _setup_django()
    extra = ["--deploy"] if args.deploy else []
    extra += ["--fail-level", args.fail_level]
    from django.core.management import CommandError

    try:
        _call("check", *extra)
    except CommandError as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _ensure_data_dir(args.data_dir)
    _setup_django()
    extra = ["--queue-name", args.queue or "*"]
    if args.batch:
        extra += ["--batch", "--no-startup-delay"]
    _call("db_worker", *extra)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _ensure_data_dir(args.data_dir)
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{PROG} manage", *args.rest])
    return 0


def _forward(name: str, rest: Sequence[str], data_dir: str | None) -> int:
    """Run the Django management command ``name`` (a module's command group)."""
    _ensure_data_dir(data_dir)
    _setup_django()
    from django.core.management import (
        execute_from_command_line,
        get_commands,
    )

    if name not in get_commands():
        return _fail(f"unknown command {name!r} (see '{PROG} --help')")
    execute_from_command_line([PROG, name, *rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Cybercommons: an open platform on which the stakeholders of cyberspace "
                    "cooperate.",
        epilog="Other commands of the modules are passed through, e.g. "
               f"'{PROG} audit verify' or '{PROG} infra import FILE'. "
               f"'{PROG} manage help' lists them all.",
    )
    parser.add_argument("--data-dir", help="data folder (default ./var or "
                        "$CYBERCOMMONS_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="set up a local demo with sample data and serve it",
                          description="Create (or reuse) a SQLite database in the data folder, "
                          "load the sample data set, print an admin login and serve the site "
                          "until Ctrl-C.")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-serve", action="store_true",
                      help="prepare the data and print the login, but do not serve")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="run the production server (gunicorn)",
                           description="Serve with gunicorn and several workers. Needs "
                           "SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL in the "
                           "environment.")
    serve.add_argument("--bind", default=os.environ.get("CYBERCOMMONS_BIND", "127.0.0.1:8000"))
    default_workers = os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1))
    serve.add_argument("--workers", type=int, default=int(default_workers))
    serve.add_argument("--threads", type=int, default=4)
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="create or upgrade the database",
                             description="Apply database migrations and refresh the country "
                             "facts.")
    migrate.set_defaults(func=cmd_migrate)

    admin = sub.add_parser("createadmin", help="create or reset a site administrator",
                           description="Create a superuser (or reset its password).")
    admin.add_argument("--username", default="admin")
    admin.add_argument("--email", default="")
    admin.add_argument("--password", help="default: $CYBERCOMMONS_ADMIN_PASSWORD, else a "
                       "random one, printed")
    admin.set_defaults(func=cmd_createadmin)

    check = sub.add_parser("check", help="run the system checks",
                           description="Run Django's system checks; --deploy adds the "
                           "production security checks.")
    check.add_argument("--deploy", action="store_true")
    check.add_argument("--fail-level", default="WARNING",
                       choices=["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"])
    check.set_defaults(func=cmd_check)

    worker = sub.add_parser("worker", help="run background tasks",
                            description="Run the background task worker (database queue).")
    worker.add_argument("--queue", default="", help="queues to process, comma-separated "
                        "(default: all)")
    worker.add_argument("--batch", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser("manage", help="run any Django management command",
                            description="Pass the remaining arguments to Django's management "
                            "commands.", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


KNOWN = {"demo", "serve", "migrate", "createadmin", "check", "worker", "manage"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Find the subcommand after the global options, to forward unknown ones.
    data_dir = None
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        if argv[index] == "--data-dir" and index + 1 < len(argv):
            data_dir = argv[index + 1]
            index += 2
            continue
        if argv[index].startswith("--data-dir="):
            data_dir = argv[index].split("=", 1)[1]
        index += 1
    if index < len(argv) and argv[index] not in KNOWN:
        return _forward(argv[index], argv[index + 1:], data_dir)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
