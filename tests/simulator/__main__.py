"""Run the simulator: ``python -m tests.simulator [--port P] [--seed F.json] [--tls CERT KEY] ...``.

When it is ready it prints two lines and flushes them, the API's base URL and the admin API's::

    listening on http://127.0.0.1:PORT/v2
    admin on http://127.0.0.1:PORT/_sim

so a parent process can wait for them and read the port (``--port 0``, the default, picks a free
one), and a person can paste the first into ``DIGITALOCEAN_API_URL``. With ``--tls`` both start with
``https://`` (``python -m tests.simulator.certificate DIR`` makes a certificate and key). SIGTERM
and SIGINT stop it cleanly.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from .app import Simulator
from .server import SimulatorServer, tls_context
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
        "--tls",
        nargs=2,
        metavar=("CERT", "KEY"),
        help="serve HTTPS with this certificate and key (PEM files)",
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
        tls = tls_context(*args.tls) if args.tls else None
        server = SimulatorServer(app, args.host, args.port, allow_remote=args.allow_remote, tls=tls)
    except (OSError, ValueError, TypeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="simulator", daemon=True)
    thread.start()
    print(f"listening on {server.url}/v2\nadmin on {server.url}/_sim", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
