"""Run the simulator: ``python -m tests.simulator [--host H] [--port P] [--time-scale X] ...``.

When it is ready it prints exactly one line, ``listening on http://HOST:PORT``, and flushes, so a
parent process can wait for that line and read the port (``--port 0``, the default, picks a free
one). SIGTERM and SIGINT stop it cleanly.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .app import Simulator
from .server import SimulatorServer
from .settings import Settings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.simulator",
        description="A DigitalOcean API v2 simulator (Droplets, Actions, snapshots, volumes).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only)")
    parser.add_argument("--port", type=int, default=0, help="port, 0 for any free one (default)")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="multiply every Action duration by this"
    )
    parser.add_argument(
        "--seed", metavar="FILE.json", help='initial state: {"droplets": [...], "settings": {...}}'
    )
    parser.add_argument(
        "--token", action="append", default=[], help="accept only this token (repeatable)"
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (admin API too!)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        baseline = Settings().merged({"time_scale": args.time_scale, "tokens": args.token})
        app = Simulator(baseline)
        if args.seed:
            with open(args.seed) as seed:
                app.reset(**json.load(seed))
        server = SimulatorServer(app, args.host, args.port, allow_remote=args.allow_remote)
    except (OSError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="simulator", daemon=True)
    thread.start()
    print(f"listening on {server.url}", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
