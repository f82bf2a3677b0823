"""``python -m cybercommons`` runs the command-line interface."""

from cybercommons.cli import main

raise SystemExit(main())
