"""``python -m tn_kg``: the ``tn-kg`` command."""

from tn_kg.cli import main

main()
