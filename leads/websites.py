"""Website normalisation: the key for per-owner dedupe."""

from urllib.parse import urlsplit, urlunsplit


def normalize_website(raw: str | None) -> str:
    """`Example.com.br/` → `https://example.com.br`: scheme added, host lower-cased, no trailing slash.

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
