"""``python -m actionplan`` runs the command line."""

from .cli import main

main()
