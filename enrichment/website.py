"""Website enrichment at intake: read a lead's site (home page and a few pages that matter) into clean text.

`fetch_site(website)` → `SiteVisit` (cached per site for ENRICHMENT_CACHE_SECONDS):
- the home page, then up to ENRICHMENT_MAX_PAGES - 1 same-site pages linked from it whose address or link text
  says contato/contact, sobre/about, quem somos, trabalhe conosco/carreiras;
- robots.txt honoured (`urllib.robotparser`; an unreadable robots.txt allows, as crawlers do);
- http(s) only, short timeouts, at most ENRICHMENT_MAX_BYTES per page, HTML only, at most 3 redirects, each hop
  checked like the first request;
- SSRF guard: the host is resolved first and every address must be public (no loopback, private, link-local —
  which covers the cloud metadata address —, shared, reserved or multicast), unless
  ENRICHMENT_ALLOW_PRIVATE_ADDRESSES is on (tests with a local fixture site). The request then goes to the
  checked address itself (Host header and TLS SNI keep the name), so a second DNS answer cannot redirect it;
- text extracted with selectolax (scripts, styles, SVG and templates dropped), whitespace collapsed.

A site that is down, refuses, or is blocked by robots.txt or the guard is a recorded fact (`SiteVisit.status`,
`error`), never an exception: the lead goes on with what it had.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from selectolax.lexbor import LexborHTMLParser

USER_AGENT = "NelliaProspector/1.0 (+lead enrichment)"
PAGE_HINTS = re.compile(r"contato|contact|fale[-_ ]?conosco|sobre|about|quem[-_ ]?somos|empresa|trabalhe|carreira|vagas",
                        re.IGNORECASE)
HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_TEXT = 20_000
MAX_REDIRECTS = 3
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")


class BlockedError(Exception):
    """The address may not be fetched (scheme, guard, robots.txt)."""


@dataclass
class Page:
    url: str
    status: int
    title: str = ""
    chars: int = 0


@dataclass
class SiteVisit:
    website: str
    status: str  # ok | unreachable | blocked | not_html
    text: str = ""
    pages: list[Page] = field(default_factory=list)
    error: str = ""
    fetched_at: str = ""

    def facts(self) -> dict[str, Any]:
        """What `enrichment_data["website"]` records (the text itself goes to the lead's source text)."""
        data = asdict(self)
        data.pop("text")
        return data


# --- Address checks -----------------------------------------------------------------------------------------


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
                or ip.is_unspecified or ip in ipaddress.ip_network("100.64.0.0/10"))


def resolve(url: str) -> tuple[str, str, int]:
    """(host, checked address, port) for an http(s) URL; BlockedError for another scheme or a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedError(f"only http(s) addresses are fetched, not {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpx.ConnectError(f"cannot resolve {parts.hostname}: {exc}") from None
    addresses = [str(info[4][0]) for info in infos]  # an IP address string for AF_INET and AF_INET6
    if not settings.ENRICHMENT_ALLOW_PRIVATE_ADDRESSES and not all(_public(a) for a in addresses):
        raise BlockedError(f"{parts.hostname} resolves to a non-public address")
    return parts.hostname, addresses[0], port


# --- Fetching -----------------------------------------------------------------------------------------------


def _get(client: httpx.Client, url: str) -> tuple[httpx.Response, bytes, str]:
    """GET `url` through the guard, following up to MAX_REDIRECTS (each hop checked); the body capped at
    ENRICHMENT_MAX_BYTES. Returns (response, body, final url)."""
    for _hop in range(MAX_REDIRECTS + 1):
        host, address, port = resolve(url)
        parts = urlsplit(url)
        literal = f"[{address}]" if ":" in address else address
        pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT}
        with client.stream("GET", pinned, headers=headers, extensions={"sni_hostname": host}) as response:
            if response.is_redirect and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= settings.ENRICHMENT_MAX_BYTES:
                    body = body[: settings.ENRICHMENT_MAX_BYTES]
                    break
            return response, body, url
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


def _robots(client: httpx.Client, base: str) -> RobotFileParser:
    parser = RobotFileParser()
    try:
        response, body, _url = _get(client, urljoin(base, "/robots.txt"))
    except (httpx.HTTPError, BlockedError):
        parser.parse([])
        return parser
    if response.status_code in (401, 403):  # as RobotFileParser.read() treats them: nothing may be fetched
        parser.parse(["User-agent: *", "Disallow: /"])
    elif response.status_code >= 400:
        parser.parse([])
    else:
        parser.parse(body.decode("utf-8", "replace").splitlines())
    return parser


def page_text(html: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(title, clean text, links as (href, text)) of an HTML page."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = (title_node.text(strip=True) if title_node else "")[:200]
    links = [(node.attributes.get("href") or "", node.text(strip=True)) for node in tree.css("a[href]")]
    tree.strip_tags(["script", "style", "noscript", "svg", "template", "iframe", "head"])
    body = tree.body or tree.root
    text = body.text(separator="\n") if body else ""
    text = _LINES.sub("\n\n", "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()))
    return title, text.strip(), links


def _same_site(url: str, home: str) -> bool:
    strip = lambda host: (host or "").lower().removeprefix("www.")  # noqa: E731
    return strip(urlsplit(url).hostname) == strip(urlsplit(home).hostname)


def _subpages(links: list[tuple[str, str]], home: str, limit: int) -> list[str]:
    found: list[str] = []
    for href, text in links:
        url = urljoin(home + "/", href).split("#", 1)[0].rstrip("/")
        if (urlsplit(url).scheme in ("http", "https") and _same_site(url, home) and url != home.rstrip("/")
                and (PAGE_HINTS.search(urlsplit(url).path) or PAGE_HINTS.search(text)) and url not in found):
            found.append(url)
    return found[:limit]


def visit(website: str) -> SiteVisit:
    """Read the site now (no cache); see the module docstring."""
    result = SiteVisit(website=website, status="ok", fetched_at=timezone.now().isoformat())
    timeout = httpx.Timeout(settings.ENRICHMENT_TIMEOUT_SECONDS, connect=min(settings.ENRICHMENT_TIMEOUT_SECONDS, 3.0))
    texts: list[str] = []
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, verify=True) as client:
            robots = _robots(client, website)
            queue = [website]
            while queue and len(result.pages) < settings.ENRICHMENT_MAX_PAGES:
                url = queue.pop(0)
                if not robots.can_fetch(USER_AGENT, url):
                    if not result.pages:
                        raise BlockedError("robots.txt disallows the home page")
                    continue
                try:
                    response, body, final = _get(client, url)
                except httpx.HTTPError as exc:
                    if not result.pages:
                        raise
                    result.pages.append(Page(url, 0))
                    result.error = result.error or f"{url}: {type(exc).__name__}"
                    continue
                page = Page(final, response.status_code)
                result.pages.append(page)
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if response.status_code >= 400 or kind not in HTML_TYPES:
                    if len(result.pages) == 1:
                        result.status = "unreachable" if response.status_code >= 400 else "not_html"
                        result.error = f"home page: HTTP {response.status_code} {kind}".strip()
                        return result
                    continue
                page.title, text, links = page_text(body.decode(response.encoding or "utf-8", "replace"))
                page.chars = len(text)
                texts.append(f"[{final}]\n{text}")
                if len(result.pages) == 1:
                    queue += _subpages(links, final.rstrip("/"), settings.ENRICHMENT_MAX_PAGES - 1)
    except BlockedError as exc:
        result.status, result.error = "blocked", str(exc)
    except httpx.HTTPError as exc:
        result.status, result.error = "unreachable", f"{type(exc).__name__}: {exc}"[:300]
    result.text = "\n\n".join(texts)[:MAX_TEXT]
    return result


def fetch_site(website: str) -> SiteVisit:
    """`visit`, cached per site for ENRICHMENT_CACHE_SECONDS (failures too: a down site is not hammered)."""
    key = "enrichment:site:" + hashlib.sha256(website.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return SiteVisit(**{**cached, "pages": [Page(**p) for p in cached["pages"]]})
    result = visit(website)
    cache.set(key, asdict(result), settings.ENRICHMENT_CACHE_SECONDS)
    return result
