"""Requests to a SPARQL store through the one HTTP client (nkelections.http_client): the
store's credentials from the environment, and the store's failures as one-line StoreErrors.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Sequence

from nkelections.errors import StoreError
from nkelections.http_client import (
    Body,
    CrossOriginRedirect,
    HttpClient,
    HttpError,
    HttpStatusError,
    Response,
    detail,
    short,
)
from nkelections.query.sparql import ask_answer

USER_VAR = "NKELECTIONS_STORE_USER"
PASSWORD_VAR = "NKELECTIONS_STORE_PASSWORD"
AUTH_HINT = f"set {USER_VAR} and {PASSWORD_VAR} in the environment"
MISSING = (404, 405, 415, 501)  # the store lacks the protocol: the caller falls back

__all__ = ["Client", "Response", "credentials", "USER_VAR", "PASSWORD_VAR"]


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
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.authenticated = credentials() is not None
        self.http = HttpClient(timeout, retries, backoff, credentials=credentials())

    def request(
        self,
        method: str,
        url: str,
        body: Body = None,
        headers: dict[str, str] | None = None,
        ok_missing: bool = False,
    ) -> Response:
        """Send one request, retrying transient failures. With ok_missing, 404/405/415/501
        come back as a Response (the caller falls back) instead of raising."""
        try:
            return self.http.request(method, url, body, headers)
        except HttpStatusError as exc:
            if ok_missing and exc.status in MISSING:
                return exc.response
            raise _refused(method, url, exc, self.authenticated) from None
        except CrossOriginRedirect as exc:
            raise StoreError(f"the store at {exc.message}", hint=exc.hint) from None
        except HttpError as exc:
            if exc.message.startswith("cannot reach"):
                raise StoreError(
                    f"cannot reach the store at {short(url)}: {exc.message.split(': ', 1)[-1]}",
                    hint=exc.hint,
                ) from None
            raise StoreError(exc.message, hint=exc.hint) from None

    def select(self, endpoint: str, query: str, default_graphs: Sequence[str] = ()) -> dict:
        """POST a query with the SPARQL 1.1 Protocol; the SPARQL JSON answer as a dict."""
        # Naming the default graphs also empties the named graphs unless they are named too.
        fields = [("query", query)] + [
            (k, g) for g in default_graphs for k in ("default-graph-uri", "named-graph-uri")
        ]
        answer = self.request(
            "POST",
            endpoint,
            urllib.parse.urlencode(fields).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            return ask_answer(json.loads(answer.body))
        except (ValueError, RecursionError):
            raise StoreError(
                f"{short(endpoint)} did not answer with SPARQL JSON results "
                f"(got {answer.content_type or 'no content type'})",
                hint="is --endpoint the store's query endpoint?",
            ) from None


def _refused(method: str, url: str, exc: HttpStatusError, authenticated: bool) -> StoreError:
    why = detail(exc.response)
    if exc.status == 401:
        return StoreError(
            f"the store at {short(url)} asked for credentials or rejected them (HTTP 401)",
            hint=AUTH_HINT,
        )
    if exc.status == 403:
        return StoreError(
            f"the store refused {method} {short(url)} (HTTP 403{why})",
            hint="do these credentials have write permission?" if authenticated else AUTH_HINT,
        )
    return StoreError(f"the store refused {method} {short(url)} (HTTP {exc.status}{why})")
