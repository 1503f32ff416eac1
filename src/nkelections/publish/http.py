"""A small HTTP client for SPARQL stores: credentials from the environment, retries with
backoff on transient errors, and one-line StoreErrors for everything else.

The standard library's urllib is enough: Basic and Digest authentication (Virtuoso's
/sparql-auth uses Digest), and no new dependency.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from nkelections.errors import StoreError
from nkelections.query.sparql import ask_answer

USER_VAR = "NKELECTIONS_STORE_USER"
PASSWORD_VAR = "NKELECTIONS_STORE_PASSWORD"
TRANSIENT_STATUS = {502, 503, 504}
PREAUTH_BYTES = 32 * 1024
AUTH_HINT = f"set {USER_VAR} and {PASSWORD_VAR} in the environment"


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str


def credentials() -> tuple[str, str] | None:
    """The store's user and password from the environment (never from the command line,
    where other users of the machine can read them)."""
    user = os.environ.get(USER_VAR)
    if not user:
        return None
    return user, os.environ.get(PASSWORD_VAR, "")


class Client:
    """HTTP requests to one store; retries = extra attempts after the first."""

    def __init__(self, timeout: float = 60.0, retries: int = 4, backoff: float = 0.5):
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.authenticated = credentials() is not None
        self._opener = _opener(credentials())

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, ok_missing: bool = False) -> Response:
        """Send one request, retrying transient failures. With ok_missing, 404/405/415/501
        come back as a Response (the caller falls back) instead of raising."""
        for attempt in range(self.retries + 1):
            try:
                return self._once(method, url, body, headers or {})
            except urllib.error.HTTPError as exc:
                if exc.code in TRANSIENT_STATUS and attempt < self.retries:
                    self._sleep(attempt)
                    continue
                if ok_missing and exc.code in (404, 405, 415, 501):
                    return Response(exc.code, exc.read(), exc.headers.get("Content-Type", ""))
                raise _http_error(method, url, exc, self.authenticated) from None
            except (ConnectionResetError, ConnectionAbortedError, TimeoutError) as exc:
                if attempt < self.retries:
                    self._sleep(attempt)
                    continue
                raise StoreError(f"{method} {_short(url)} failed after {attempt + 1} attempts: "
                                 f"{exc or type(exc).__name__}") from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (ConnectionResetError, TimeoutError, socket.timeout)) \
                        and attempt < self.retries:
                    self._sleep(attempt)
                    continue
                raise StoreError(f"cannot reach the store at {_short(url)}: {reason}",
                                 hint="is it running, and is the URL right?") from None
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, body: bytes | None,
              headers: dict[str, str]) -> Response:
        if self.authenticated and body and len(body) > PREAUTH_BYTES:
            headers = {**headers, **self._preauthorize(method, url, body)}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        with self._opener.open(request, timeout=self.timeout) as answer:
            return Response(answer.status, answer.read(), answer.headers.get("Content-Type", ""))

    def _preauthorize(self, method: str, url: str, body: bytes) -> dict[str, str]:
        """Answer the store's challenge before sending a large body: urllib sends the body
        unauthenticated first, and a store that answers 401 early (Virtuoso) closes the
        connection mid-upload (broken pipe)."""
        try:
            with urllib.request.build_opener(_SameOrigin).open(
                    urllib.request.Request(url, method="HEAD"), timeout=self.timeout):
                return {}
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        scheme, _, rest = challenge.partition(" ")
        found = credentials()
        if found is None:  # the environment lost them since the client was made
            return {}
        user, password = found
        if scheme.lower() == "basic":
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            return {"Authorization": "Basic " + token}
        if scheme.lower() == "digest":
            handler = urllib.request.HTTPDigestAuthHandler(_Passwords((user, password)))
            chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            request = urllib.request.Request(url, data=body, method=method)
            auth = handler.get_authorization(request, chal)
            return {"Authorization": "Digest " + auth} if auth else {}
        return {}

    def _sleep(self, attempt: int) -> None:
        time.sleep(self.backoff * 2 ** attempt)

    def select(self, endpoint: str, query: str, default_graphs: Sequence[str] = ()) -> dict:
        """POST a query with the SPARQL 1.1 Protocol; the SPARQL JSON answer as a dict."""
        # Naming the default graphs also empties the named graphs unless they are named too.
        fields = [("query", query)] + [(k, g) for g in default_graphs
                                       for k in ("default-graph-uri", "named-graph-uri")]
        answer = self.request("POST", endpoint, urllib.parse.urlencode(fields).encode(), {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json"})
        try:
            return ask_answer(json.loads(answer.body))
        except (ValueError, RecursionError):
            raise StoreError(f"{_short(endpoint)} did not answer with SPARQL JSON results "
                             f"(got {answer.content_type or 'no content type'})",
                             hint="is --endpoint the store's query endpoint?") from None


def _opener(creds: tuple[str, str] | None) -> urllib.request.OpenerDirector:
    if creds is None:
        return urllib.request.build_opener(_SameOrigin)
    passwords = _Passwords(creds)
    return urllib.request.build_opener(_SameOrigin, _BasicAuth(passwords),
                                       urllib.request.HTTPDigestAuthHandler(passwords))


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the origin asked: urllib would otherwise carry the
    Authorization header, and answer a challenge with the store's password, anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if origin(target) != origin(req.full_url):
            raise StoreError(f"the store at {_short(req.full_url)} redirected to another "
                             f"origin, {_short(target)}; nkelections does not follow it, so "
                             "the credentials stay with the store",
                             hint="give the URL the store really answers at")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Passwords(urllib.request.HTTPPasswordMgr):
    """The same user and password for every realm and URL: the client talks to one store."""

    def __init__(self, creds: tuple[str, str]):
        super().__init__()
        self.creds = creds

    def find_user_password(self, realm, authuri):
        return self.creds


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """urllib's Basic handler raises ValueError on a Digest challenge instead of letting the
    Digest handler answer it; step aside instead."""

    def http_error_auth_reqed(self, authreq, host, req, headers):
        try:
            return super().http_error_auth_reqed(authreq, host, req, headers)
        except ValueError:
            return None


def _http_error(method: str, url: str, exc: urllib.error.HTTPError,
                authenticated: bool) -> StoreError:
    detail = _detail(exc)
    if exc.code == 401:
        return StoreError(f"the store at {_short(url)} asked for credentials or rejected them "
                          f"(HTTP 401)", hint=AUTH_HINT)
    if exc.code == 403:
        return StoreError(f"the store refused {method} {_short(url)} (HTTP 403{detail})",
                          hint="do these credentials have write permission?" if authenticated
                          else AUTH_HINT)
    return StoreError(f"the store refused {method} {_short(url)} (HTTP {exc.code}{detail})")


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [x.strip() for x in text.replace("<", "\n<").splitlines()
             if x.strip() and not x.strip().startswith("<")]
    return (": " + " ".join(lines)[:200]) if lines else ""


def _short(url: str) -> str:
    return url.split("?", 1)[0]
