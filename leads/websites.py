"""Websites of leads: the URL as given (tidied), and the site key that per-owner dedupe compares.

`https://www.acme.com.br/contato?utm_source=x` and `http://acme.com.br` are the same company: dedupe compares
the registrable domain (`acme.com.br`), found with the Public Suffix List bundled with `publicsuffixlist` (read
from the package, never fetched), so `acme.com.br` and `acme.co.uk` stay apart and `a.github.io` and
`b.github.io` are two sites.
"""

import contextlib
from ipaddress import ip_address
from urllib.parse import urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

_SUFFIXES = PublicSuffixList()


def normalize_website(raw: str | None) -> str:
    """`Example.com.br/` → `https://example.com.br`: scheme added, host lower-cased, default port and trailing
    slash dropped; path and query kept (the URL the user gave).

    Returns "" for blank input. Raises ValueError for something that is not a web address.
    """
    value = (raw or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host or " " in value:
        raise ValueError(f"'{raw}' is not a valid website address.")
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def site_key(website: str | None) -> str:
    """The site a website belongs to, for dedupe: its registrable domain (`www.acme.com.br/x?y` → `acme.com.br`).

    Scheme, `www.` and other subdomains, port, path, query and fragment do not count. An IP address is its own
    key; a host that is itself a public suffix is kept whole. "" for a blank website.
    """
    value = (website or "").strip()
    if not value:
        return ""
    host = (urlsplit(value if "://" in value else f"https://{value}").hostname or "").lower().rstrip(".")
    # Only a host starting with a digit (IPv4) or holding a colon (IPv6) can be an address: the others skip the
    # failing parse, whose exception was a third of an import's validation time.
    if host[:1].isdigit() or ":" in host:
        with contextlib.suppress(ValueError):
            return str(ip_address(host))
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # an internationalised name: compare its ASCII form
            host = host.encode("idna").decode("ascii")
    return _SUFFIXES.privatesuffix(host) or host
