"""The one HTTP client: every request nkelections makes (loading a store, a query to a remote
SPARQL endpoint, Wikidata) goes through `HttpClient`, on httpx. Retries, back-off, time limits,
size limits and the safety rules live here, once:

- a redirect is followed only within the origin asked (scheme, host and port): a store's
  credentials, and the query itself, never go to a server the user did not name;
- credentials (Basic or Digest, whichever the server asks for; httpx's own) are sent only
  with requests to that origin;
- an answer larger than `max_bytes` is refused while it is read, not after;
- 429 and 502-504 answers, resets and timeouts are retried `retries` times, waiting
  `backoff * 2**attempt` seconds (or what Retry-After says, up to MAX_RETRY_AFTER);
- a body given as a file's Path is streamed from the file, read afresh for each attempt, so
  a graph of gigabytes is never held in memory.

Failures are HttpError (an NkeError: one line, exit 2); callers that word them for their
command catch HttpStatusError (the server answered with an error) or HttpError.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from nkelections.errors import NkeError

TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 300.0  # seconds; a server asking for longer is waited on no longer
DEFAULT_MAX_BYTES = 2 << 30  # an answer larger than this is refused
PREAUTH_BYTES = 32 * 1024  # a larger body is sent only once the server's challenge is known
# Transport failures worth another attempt: the connection broke or went quiet mid-exchange.
RETRIED = (httpx.TimeoutException, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)
FILE_CHUNK = 1 << 20  # bytes read at a time from a file body

Body = bytes | Path | None  # a Path: the file's bytes, streamed


class FileBody:
    """A file's bytes as a request body that can be sent more than once (a retry, a redirect
    or an auth challenge sends it again): each iteration opens the file anew."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as data:
            while chunk := data.read(FILE_CHUNK):
                yield chunk


def body_size(body: Body) -> int:
    if isinstance(body, Path):
        return body.stat().st_size
    return len(body) if body else 0


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: httpx.Headers


class HttpError(NkeError):
    """A request failed: unreachable, timed out, refused or too large."""


class HttpStatusError(HttpError):
    """The server answered with an error status (after any retries)."""

    def __init__(self, message: str, response: Response, reason: str):
        super().__init__(message)
        self.response, self.status, self.reason = response, response.status, reason


class CrossOriginRedirect(HttpError):
    """The server redirected to another origin, which nkelections does not follow."""


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return (
        scheme,
        (parts.hostname or "").lower(),
        parts.port or {"http": 80, "https": 443}.get(scheme),
    )


def short(url: str) -> str:
    """A URL as errors show it: without its query string, which may run to pages."""
    return url.split("?", 1)[0]


class _BasicOrDigest(httpx.Auth):
    """Answer the server's challenge with Basic or Digest, as it asks (httpx's own auths),
    and keep to the scheme once known, so that later requests go authorised first time."""

    def __init__(self, user: str, password: str) -> None:
        self.schemes = {
            "basic": httpx.BasicAuth(user, password),
            "digest": httpx.DigestAuth(user, password),
        }
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.scheme:
            yield from self.schemes[self.scheme].auth_flow(request)
            return
        response = yield request
        asked = response.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if response.status_code == 401 and asked in self.schemes:
            self.scheme = asked
            yield from self.schemes[asked].auth_flow(request)


class HttpClient:
    """Requests to the servers a command was given; retries = extra attempts after the first.
    `credentials` (user, password) go only to the origin of the URL requested."""

    def __init__(
        self,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 0.5,
        credentials: tuple[str, str] | None = None,
        user_agent: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.max_bytes, self.sleep = max_bytes, sleep
        self.auth = _BasicOrDigest(*credentials) if credentials else None
        headers = {"User-Agent": user_agent} if user_agent else {}
        # no redirects followed by httpx, no proxy or .netrc from the environment
        self.http = httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False, headers=headers
        )

    def request(
        self,
        method: str,
        url: str,
        body: Body = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request, retrying transient failures; an error status raises
        HttpStatusError."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._follow(method, url, body, headers or {})
            except RETRIED as exc:
                if last:
                    raise HttpError(
                        f"{method} {short(url)} failed after {attempt + 1} attempts: {_why(exc)}"
                    ) from None
                self.sleep(self.backoff * 2**attempt)
                continue
            if response.status in TRANSIENT_STATUS and not last:
                self.sleep(self._wait(response, attempt))
                continue
            if response.status >= 400:
                raise _status_error(method, url, response)
            return response
        raise AssertionError("unreachable")

    def form(self, url: str, fields: list[tuple[str, str]], accept: str) -> Response:
        """POST form fields (the SPARQL 1.1 Protocol's query or update by POST)."""
        return self.request(
            "POST",
            url,
            urllib.parse.urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )

    def _wait(self, response: Response, attempt: int) -> float:
        after = response.headers.get("Retry-After", "").strip()
        if after.isdigit():
            return min(float(after), MAX_RETRY_AFTER)
        return self.backoff * 2**attempt

    def _follow(self, method: str, url: str, body: Body, headers: dict[str, str]) -> Response:
        """One attempt, following redirects within the origin of `url`."""
        start = origin(url)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._once(method, url, body, headers)
            target = response.headers.get("Location")
            if response.status not in (301, 302, 303, 307, 308) or not target:
                return response
            target = urllib.parse.urljoin(url, target)
            if origin(target) != start:
                raise CrossOriginRedirect(
                    f"{short(url)} redirected to another origin, {short(target)}; nkelections "
                    "does not follow it, so the request and any credentials stay where they "
                    "were sent",
                    hint="give the URL the server really answers at",
                )
            if response.status in (301, 302, 303) and method != "HEAD":
                method, body = "GET", None  # as browsers do; 307 and 308 keep both
            url = target
        raise HttpError(f"{short(url)} redirected more than {MAX_REDIRECTS} times")

    def _once(self, method: str, url: str, body: Body, headers: dict[str, str]) -> Response:
        try:
            if self.auth and self.auth.scheme is None and body_size(body) > PREAUTH_BYTES:
                # learn the challenge first: a store that answers 401 early (Virtuoso)
                # closes the connection in the middle of a large upload
                self._send("HEAD", url, None, {})
            return self._send(method, url, body, headers)
        except httpx.InvalidURL as exc:
            raise HttpError(f"{url!r} is not a usable URL: {exc}") from None
        except (httpx.ConnectError, httpx.UnsupportedProtocol) as exc:
            raise HttpError(
                f"cannot reach {short(url)}: {_why(exc)}",
                hint="is the server running, and is the URL right?",
            ) from None

    def _send(self, method: str, url: str, body: Body, headers: dict[str, str]) -> Response:
        if isinstance(body, Path):
            # the length given, so that the body goes whole rather than chunked
            headers = {**headers, "Content-Length": str(body_size(body))}
            content: bytes | FileBody | None = FileBody(body)
        else:
            content = body
        request = self.http.build_request(method, url, content=content, headers=headers)
        answer = self.http.send(request, auth=self.auth or httpx.USE_CLIENT_DEFAULT, stream=True)
        try:
            content = self._read(answer, url)
        finally:
            answer.close()
        return Response(
            answer.status_code, content, answer.headers.get("Content-Type", ""), answer.headers
        )

    def _read(self, answer: httpx.Response, url: str) -> bytes:
        chunks, size = [], 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise HttpError(
                    f"{short(url)} answered with more than {self.max_bytes:,} "
                    "bytes; nkelections reads no more"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        self.http.close()


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _status_error(method: str, url: str, response: Response) -> HttpStatusError:
    reason = httpx.codes.get_reason_phrase(response.status)
    return HttpStatusError(
        f"{method} {short(url)} was refused: HTTP {response.status} {reason}{detail(response)}",
        response,
        reason,
    )


def detail(response: Response) -> str:
    """The text of an error page, tags left out, as one short clause."""
    text = response.body[:4096].decode("utf-8", "replace")
    lines = [
        x.strip()
        for x in text.replace("<", "\n<").splitlines()
        if x.strip() and not x.strip().startswith("<")
    ]
    return (": " + " ".join(lines)[:200]) if lines else ""
