"""Web commands: ``serve`` (the web app) and ``devices list|pair|revoke`` (pairing).

The web stack (FastAPI, uvicorn, Jinja2) is imported inside the handlers only: the
rest of the CLI never pays for it.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

from crampwise.cli._app import App, readable_db

__all__ = ["lan_address", "register"]


def lan_address() -> str | None:
    """This computer's address on the local network, as a phone would reach it (None when
    it cannot be told). Asks the system's resolver about its own name; sends nothing."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if not address.startswith("127."):
            return address
    return None


def _base_url(host: str, port: int, tls: bool) -> str:
    scheme = "https" if tls else "http"
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = lan_address() or socket.gethostname()
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"{scheme}://{shown}:{port}/"


def _print_pairing(app: App, url: str, code: str) -> None:
    pair_url = f"{url}pair?code={code}"
    app.echo(f"Pair a phone: open {pair_url}")
    app.echo(f"  or type the code {code[:5]}-{code[5:]} at {url}pair (one use, 15 minutes)")
    try:
        import segno

        qr = segno.make(pair_url, error="m")
        app.echo("  or scan:")
        qr.terminal(compact=True)
    except Exception as exc:  # a terminal that cannot show it still has the URL above
        app.note(f"(no QR code: {exc})")


def cmd_serve(args: argparse.Namespace, app: App) -> int:
    """Start the web app on the diary (or on the demo story with --demo)."""
    from crampwise._blas import single_thread_blas
    from crampwise.web.settings import (
        WebSettings,
        is_loopback,
        server_collector,
        server_options,
    )

    single_thread_blas()  # before numpy loads: requests run in threads of their own
    db = args.db
    if args.demo:
        from crampwise.demo import load_demo

        loaded = load_demo(db, reset=True)
        db = loaded["db_arg"]
        s = loaded["summary"]
        app.echo(
            f"Loaded the demo story into {readable_db(loaded['db'], loaded['db_arg'])}: "
            f"{s['first_night']} → {s['last_night']}, "
            f"{s['nights_observed']} nights, {s['cramps']} cramps (separate from your own diary)."
        )
    if (args.certfile is None) != (args.keyfile is None):
        app.fail("certfile: give both --certfile and --keyfile for HTTPS, or neither", 2)
    tls = args.certfile is not None
    settings = WebSettings(
        db=db,
        require_pairing=args.require_pairing,
        demo=args.demo,
        secure_cookies=tls,
    )
    import uvicorn

    from crampwise.web import create_app

    web = create_app(settings)
    tracker = web.state.tracker
    url = _base_url(args.host, args.port, tls)
    app.echo(f"crampwise is serving {readable_db(tracker.database_url, db)}")
    app.echo(f"Open {url} (Ctrl+C stops it)")
    if args.require_pairing or not is_loopback(args.host):
        _print_pairing(app, url, tracker.devices.new_pairing_code())
    if not is_loopback(args.host) and not tls:
        app.note(
            "Note: over plain http on a network the phone cannot install the app or keep "
            "pages offline (browsers allow service workers only on https or localhost); "
            "logging still works and queues while the page is open. --certfile/--keyfile "
            "serve https."
        )
    import sys

    sys.stdout.flush()
    options: dict[str, Any] = {"host": args.host, "port": args.port, **server_options()}
    if tls:
        options.update(ssl_certfile=args.certfile, ssl_keyfile=args.keyfile)
    server_collector()  # the app is built: its start-up objects are frozen
    uvicorn.run(web, **options)
    return 0


def cmd_devices_list(args: argparse.Namespace, app: App) -> int:
    """List paired devices (revoked ones too)."""
    devices = app.tracker.devices.list()
    if args.json:
        app.json(
            [
                {
                    "id": d.id,
                    "name": d.name,
                    "paired_at": d.paired_at,
                    "last_seen": d.last_seen,
                    "revoked_at": d.revoked_at,
                    "active": d.active,
                }
                for d in devices
            ]
        )
        return 0
    if not devices:
        app.echo("No devices paired. 'crampwise serve --host 0.0.0.0' shows a pairing code.")
        return 0
    app.table(
        ("id", "name", "paired", "last seen", "state"),
        [
            (
                d.id,
                d.name,
                d.paired_at,
                d.last_seen or "",
                "active" if d.active else f"revoked {d.revoked_at}",
            )
            for d in devices
        ],
    )
    return 0


def cmd_devices_pair(args: argparse.Namespace, app: App) -> int:
    """Make a new one-time pairing code (for a server that is already running)."""
    code = app.tracker.devices.new_pairing_code()
    if args.json:
        app.json({"code": code, "expires_in_minutes": 15})
        return 0
    url = args.url.rstrip("/") + "/" if args.url else None
    if url:
        _print_pairing(app, url, code)
    else:
        app.echo(f"Pairing code: {code[:5]}-{code[5:]} (one use, 15 minutes); enter it at /pair")
    return 0


def cmd_devices_revoke(args: argparse.Namespace, app: App) -> int:
    """Shut a paired device out."""
    device = app.tracker.devices.revoke(args.id)
    if args.json:
        app.json({"id": device.id, "name": device.name, "revoked_at": device.revoked_at})
    else:
        app.echo(f"Revoked device {device.id} ({device.name}); it can no longer open the diary.")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the web commands to the top-level parser."""
    p = sub.add_parser(
        "serve",
        parents=[common],
        help="start the web app (phone logging, dashboard) on your diary",
        description="Start the web app. On 127.0.0.1 (the default) only this computer can "
        "open it; on another address (e.g. --host 0.0.0.0) only paired devices can: a "
        "one-time pairing code and its QR code are printed.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--demo",
        action="store_true",
        help="load the demo story into the demo diary (or --db, replacing it) and serve that",
    )
    p.add_argument(
        "--require-pairing",
        action="store_true",
        help="let in only paired devices, even from this computer",
    )
    p.add_argument("--certfile", help="TLS certificate (PEM) to serve https")
    p.add_argument("--keyfile", help="TLS private key (PEM) to serve https")
    p.set_defaults(handler=cmd_serve)

    devices = sub.add_parser("devices", parents=[common], help="phones paired with the web app")
    actions = devices.add_subparsers(title="actions", metavar="ACTION", required=True)
    p = actions.add_parser("list", parents=[common], help="list paired devices")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_devices_list)
    p = actions.add_parser("pair", parents=[common], help="make a new one-time pairing code")
    p.add_argument("--url", help="the server's address, to print the pairing link and QR code")
    p.add_argument("--json", action="store_true", help='print {"code", "expires_in_minutes"}')
    p.set_defaults(handler=cmd_devices_pair)
    p = actions.add_parser("revoke", parents=[common], help="shut a paired device out")
    p.add_argument("id", type=int, help="device id (see 'crampwise devices list')")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_devices_revoke)
