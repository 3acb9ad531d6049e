"""What `make run` and `make serve` start: the app (app.py) as Streamlit's own ASGI app (st.App), plus
the one thing Streamlit cannot do over its websocket, setting the staff's session cookie.

/api/session: POST with the one-time code a sign-in made (pipeline/ledger/sessions.py) sets the
cookie: the session's random token, HttpOnly (no script reads it), SameSite=Lax (sent when staff
follow a link from mail or a calendar, never with another site's requests), Secure when the app is
reached over TLS, kept for the session's LIFETIME. DELETE ends the session the cookie names and
clears it (退出登录). Both refuse requests from another origin. Pages read the cookie with
st.context.cookies (dashboard/auth.py).
"""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # streamlit puts only dashboard/ on sys.path
    sys.path.insert(0, str(ROOT))

from dashboard import auth  # noqa: E402
from pipeline.ledger import sessions  # noqa: E402


def _same_origin(request: Request) -> bool:
    """The request comes from a page of this app (browsers send Origin with every POST and DELETE)."""
    origin = request.headers.get("origin")
    return bool(origin) and urlsplit(origin).netloc == request.headers.get("host")


def _over_tls(request: Request) -> bool:
    """Reached over https, here or at a proxy in front that says so (X-Forwarded-Proto)."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").split(",")[0] == "https"


def _cookie(request: Request, response: Response, token: str | None) -> Response:
    options = {"path": "/", "httponly": True, "samesite": "lax", "secure": _over_tls(request)}
    if token is None:
        response.delete_cookie(auth.COOKIE, **options)
    else:
        response.set_cookie(auth.COOKIE, token, max_age=int(sessions.LIFETIME.total_seconds()), **options)
    return response


async def session_cookie(request: Request) -> Response:
    if not _same_origin(request):
        return Response("forbidden", status_code=403)
    if request.method == "DELETE":
        if token := request.cookies.get(auth.COOKIE):
            await run_in_threadpool(sessions.end, auth.store_path(), token=token)
        return _cookie(request, Response(status_code=204), None)
    code = (await request.body())[:200].decode("utf-8", "replace")
    token = await run_in_threadpool(sessions.redeem, auth.store_path(), code)
    if token is None:
        return Response("unknown or expired code", status_code=403)
    return _cookie(request, Response(status_code=204), token)


app = st.App("app.py", routes=[Route(auth.COOKIE_ENDPOINT, session_cookie, methods=["POST", "DELETE"])])
