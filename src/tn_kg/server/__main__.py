"""``python -m tn_kg.server [--build DIR] [--host H] [--port P] ...``: the same as ``tn-kg serve``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tn_kg.errors import TnKgError
from tn_kg.server.app import ServerConfig, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tn_kg.server", description=__doc__)
    defaults = ServerConfig(build=Path("."))
    parser.add_argument("--build", type=Path, default=None, help="build folder (default: the packaged build)")
    parser.add_argument("--host", default=defaults.host)
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="seconds per query")
    parser.add_argument("--max-rows", type=int, default=defaults.max_rows)
    parser.add_argument("--workers", type=int, default=defaults.workers)
    parser.add_argument("--client-timeout", type=float, default=defaults.client_timeout)
    parser.add_argument("--reload-interval", type=float, default=defaults.reload_interval,
                        help="seconds between looks at the build folder for a new build (0: never)")
    parser.add_argument("--allow-host", action="append", default=[], help="a further Host name to answer")
    parser.add_argument("--extra-nquads", action="append", type=Path, default=[],
                        help="N-Quads file of further (test) graphs to serve")
    args = parser.parse_args(argv)
    if args.build is None:
        from tn_kg.resources import packaged_build

        args.build = packaged_build()
    try:
        serve(ServerConfig(build=args.build, host=args.host, port=args.port, timeout=args.timeout,
                           max_rows=args.max_rows, workers=args.workers, client_timeout=args.client_timeout,
                           allowed_hosts=args.allow_host, extra_nquads=args.extra_nquads,
                           reload_interval=args.reload_interval))
    except TnKgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
