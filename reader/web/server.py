"""``digest-reader --serve``: the reader in a browser, through textual-serve, safe by default.

textual-serve (an optional extra) runs one app process per browser tab and relays its
terminal over a websocket. On its own it has no authentication, no Origin check, a page
that loads a font from Google, and it never reaps an app that outlives its tab. This
subclass of its ``Server`` adds, in one aiohttp middleware and a few overrides:

- a random token in the printed URL: ``/`` and the websocket refuse a request without it
  (401) or with a wrong one (403); downloads need the cookie the page sets;
- a Host check (DNS rebinding) and an Origin check (another site's page) on every request;
- a page template with no outside requests (fonts are local or the system's), and headers
  that keep it so (Content-Security-Policy, no Referer that would carry the token);
- the app started with ``exec`` (its pid is the app, not a shell) and shell-quoted paths;
- a reaper: an app still alive ``REAP_AFTER`` seconds after its session closed is ended
  (SIGTERM, then SIGKILL).

The app learns it is served from textual-serve's web driver (``App.is_web``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("digest-reader.serve")

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__import__("textual_serve").__file__).resolve().parent / "static"
"""textual-serve's own scripts, styles and fonts (served from this server, never a CDN)."""
COOKIE = "digest_reader_token"
REAP_AFTER = 3.0
"""Seconds an app may take to end after its tab closed before it is sent SIGTERM."""
KILL_AFTER = 2.0
"""Seconds after SIGTERM before SIGKILL (a spinning Textual app ignores SIGTERM)."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""The page may load only from this server: no outside fonts, scripts or pings."""


def app_command(argv: list[str]) -> str:
    """The shell command textual-serve runs for each tab: ``exec`` so that the pid it gets is
    the app itself (so it can be reaped), every argument quoted."""
    return "exec " + shlex.join(argv)


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _netloc(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"{host}:{port}".lower()


class ReaderServer(Server):
    """textual-serve's Server with a token, Host and Origin checks, a private page and a reaper."""

    def __init__(
        self,
        argv: list[str],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        title: str = "digest-reader",
        token: str | None = None,
        reap_after: float = REAP_AFTER,
    ) -> None:
        shown_host = "127.0.0.1" if _is_wildcard(host) else host
        public = public_url.rstrip("/") if public_url else f"http://{_netloc(shown_host, port)}"
        super().__init__(app_command(argv), host=host, port=port, title=title, public_url=public, statics_path=STATIC, templates_path=TEMPLATES)
        self.token = token or secrets.token_urlsafe(24)
        self.reap_after = reap_after
        names = (*LOOPBACK_NAMES, host)
        allowed = {_netloc(name, port) for name in names}
        if port in (80, 443):  # browsers leave the default port out of Host and Origin
            allowed |= {_netloc(name, port).rsplit(":", 1)[0] for name in names}
        public_parts = urlsplit(public)
        allowed.add(public_parts.netloc.lower())
        self.allowed_hosts = allowed
        self.secure = public_parts.scheme == "https"
        self.fixed_netloc = public_parts.netloc if public_url else None
        """Behind a proxy the page names the public host; else the Host it was asked for."""
        self.base_path = public_parts.path.rstrip("/")
        self.processes: set[asyncio.subprocess.Process] = set()
        self.reaped: list[tuple[int, float, str]] = []
        """(pid, seconds from the session's end to the app's end, how it ended): for logs and tests."""
        self._reapers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """Where to open the reader: the public URL with the token."""
        return f"{self.public_url}/?token={self.token}"

    # -- the aiohttp app ------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws/{token}", self.handle_websocket, name="websocket"),
            web.get("/ws", self.handle_websocket),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def _token_of(self, request: web.Request) -> str | None:
        name = request.match_info.route.name
        if name == "index":
            return request.query.get("token")
        if name == "download":
            return request.cookies.get(COOKIE)
        return request.match_info.get("token")  # the websocket (also /ws, with none)

    @web.middleware
    async def guard(self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """Every request: a Host this server answers to, no other site's Origin, and the token
        on the page, the websocket and downloads (static files are public)."""
        if request.host.lower() not in self.allowed_hosts:
            raise web.HTTPForbidden(text="digest-reader: unknown Host (open the URL the server printed)\n")
        origin = request.headers.get("Origin")
        if origin is not None:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or parts.netloc.lower() not in self.allowed_hosts:
                log.warning("refused a request from Origin %r", origin)
                raise web.HTTPForbidden(text="digest-reader: cross-origin request refused\n")
        if request.match_info.route.name in ("index", "websocket", "download") or request.path.startswith("/ws"):
            token = self._token_of(request)
            if not token:
                raise web.HTTPUnauthorized(text="digest-reader: open the URL with the token the server printed\n")
            if not secrets.compare_digest(token.encode(), self.token.encode()):
                raise web.HTTPForbidden(text="digest-reader: wrong token\n")
        response = await handler(request)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        websocket = request.app.router["websocket"].url_for(token=self.token)
        scheme = "wss" if self.secure else "ws"
        netloc = self.fixed_netloc or request.host  # the Host passed the guard
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "static_url": f"{self.base_path}/static/",  # same origin as the page, whatever name it was opened by
            "websocket_url": f"{scheme}://{netloc}{self.base_path}{websocket}",
            "title": self.title,
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Cache-Control"] = "no-store"
        response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", secure=self.secure, path="/")
        return response

    # -- sessions -------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's session, with the app process kept and reaped when the tab closes."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = AppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            process = app_service._process
            assert process is not None
            self.processes.add(process)
            log.info("session opened: app pid %d", process.pid)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                self._reap_later(process)
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a broken message or a dead app ends this session only
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket

    def _reap_later(self, process: asyncio.subprocess.Process) -> None:
        task = asyncio.get_running_loop().create_task(self._reap(process, time.monotonic()))
        self._reapers.add(task)
        task.add_done_callback(self._reapers.discard)

    async def _reap(self, process: asyncio.subprocess.Process, closed: float) -> None:
        """End the app of a closed session if it has not ended by itself within ``reap_after``."""
        how = "quit"
        try:
            await asyncio.wait_for(process.wait(), self.reap_after)
        except asyncio.TimeoutError:
            how = "SIGTERM"
            self._signal(process, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), KILL_AFTER)
            except asyncio.TimeoutError:
                how = "SIGKILL"
                self._signal(process, signal.SIGKILL)
                await process.wait()
        finally:
            self.processes.discard(process)
        took = time.monotonic() - closed
        self.reaped.append((process.pid, took, how))
        log.info("app pid %d ended %.2f s after its session closed (%s)", process.pid, took, how)

    @staticmethod
    def _signal(process: asyncio.subprocess.Process, signum: int) -> None:
        if process.returncode is None:
            try:
                os.kill(process.pid, signum)  # the app itself, thanks to exec
            except ProcessLookupError:
                pass

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to say yet: the URL is printed once the port listens (``_listening``)."""

    def _listening(self, *_: object) -> None:
        print(f"digest-reader: serving at {self.url}", flush=True)
        if _is_wildcard(self.host):
            print(
                "digest-reader: listening on every address: browsers must use the address of --public-url "
                "(put a TLS reverse proxy with authentication in front)",
                flush=True,
            )
        print("digest-reader: ctrl+c stops the server and every app it started", flush=True)

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, saying where to go once the port listens, not before."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop, print=self._listening)

    async def on_shutdown(self, app: web.Application) -> None:
        """The server stops: end every app still running (their marks are saved on SIGTERM)."""
        for process in list(self.processes):
            self._signal(process, signal.SIGTERM)
        deadline = time.monotonic() + KILL_AFTER
        for process in list(self.processes):
            try:
                await asyncio.wait_for(process.wait(), max(0.1, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                self._signal(process, signal.SIGKILL)

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.INFO, format="digest-reader: %(message)s", stream=sys.stdout, force=True)


def serve(argv: list[str], *, host: str, port: int, public_url: str | None, title: str) -> int:
    """Run the server until ctrl+c or SIGTERM."""
    server = ReaderServer(argv, host=host, port=port, public_url=public_url, title=title)
    server.serve()
    return 0
