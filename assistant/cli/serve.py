"""`policy-assistant serve`: the web UI and HTTP API on one port (loopback by default).

    POLICY_WEB_AUTH=user:password serve [--host 127.0.0.1] [--port 7860]
    serve --auth user:password      (works, but the password shows in `ps`: a warning says so)

The server listens at once and warms up in the background (index, model, one warm-up
answer); /healthz says "starting" until then and "ready" after.

Runs offline: Gradio analytics are switched off before Gradio is imported and the UI
uses local fonts only.
"""
from __future__ import annotations

import os
import sys

from index.errors import ConfigError

AUTH_ENV = "POLICY_WEB_AUTH"


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:password' → (user, password); '' / None → None (no login)."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth must be user:password with both parts non-empty")
    return user, password


def register(sub, parents) -> None:
    p = sub.add_parser("serve", parents=parents, help="start the web UI and HTTP API",
                       description="Start the web UI (Gradio) and the HTTP API (FastAPI, docs at /docs). "
                                   f"To require a login, set {AUTH_ENV}=user:password in the environment "
                                   "(recommended: a password given with --auth is visible to every user "
                                   "of this machine in `ps`). Failed logins are slowed down and, after "
                                   "repeated failures, locked out per client for a while.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; use 0.0.0.0 only together with --auth)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--auth", default=None, metavar="USER:PASSWORD",
                   help=f"require this login for the UI and the API; prefer env {AUTH_ENV}=user:password "
                        "(the value of --auth shows in `ps`)")
    p.set_defaults(handler=serve)


def serve(args, settings) -> int:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    auth = parse_auth(args.auth if args.auth is not None else os.environ.get(AUTH_ENV, "").strip())
    if args.auth is not None:
        print(f"warning: the password given with --auth is visible to other users in `ps`; "
              f"set {AUTH_ENV}=user:password in the environment instead", file=sys.stderr)
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port {args.port} is not a valid port number")

    import socket

    import uvicorn

    try:  # a clear message now rather than a uvicorn traceback after the model loaded
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((args.host, args.port))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None

    from assistant.web.api import create_app

    app = create_app(settings, auth=auth)  # warms up (index, model) in the background once listening
    from index.errors import PolicyAssistantError
    from index.store.knowledge import KnowledgeBase

    try:  # reads the manifest only (no model): says at once whether an index exists
        KnowledgeBase.open(settings)
    except PolicyAssistantError as exc:
        print(f"warning: {exc} (the UI says so until it is built)")
    print("warming up: /healthz says \"starting\" until the index and model are loaded, then \"ready\"")
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    print(f"政策助手 running at http://{shown}:{args.port}/  (API docs: http://{shown}:{args.port}/docs)"
          + ("  [login required]" if auth else ""))
    if args.host not in ("127.0.0.1", "localhost", "::1") and not auth:
        print("warning: listening beyond this machine without --auth")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
