"""``python -m tn_kg.server [--build DIR] [--host H] [--port P] ...``: the same as ``tn-kg serve``."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    from tn_kg.cli import serve_command

    serve_command.main(args=argv, prog_name="python -m tn_kg.server")


if __name__ == "__main__":
    main()
