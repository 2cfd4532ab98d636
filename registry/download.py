"""Fetching a month of the published files (`manage.py registry_download`).

The Receita publishes one directory per month (`<base>/YYYY-MM/`) with an HTML index of its zips. Each zip is
streamed to `<name>.part` and renamed once complete: an interrupted download resumes with an HTTP `Range`
request (a server that ignores it sends the whole file again), transient failures (network errors, 5xx, 429) are
retried with backoff, the size is checked against `Content-Length`, and every zip is tested (CRC of each member)
before it counts as downloaded. A file already present and valid is not fetched again.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import httpx

from registry import layout

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
_ZIP_LINK = re.compile(r'href="([^"?#/]+\.zip)"', re.IGNORECASE)


class DownloadError(Exception):
    """A file could not be fetched or is not a valid zip after the retries."""


@dataclass(frozen=True)
class Downloaded:
    name: str
    path: Path
    size: int
    fetched: bool  # False: already present and valid


def month_url(base_url: str, month: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", f"{month}/")


def previous_month(today: date | None = None) -> str:
    today = today or date.today()
    first = today.replace(day=1)
    last_month = date.fromordinal(first.toordinal() - 1)
    return f"{last_month:%Y-%m}"


def list_files(client: httpx.Client, url: str) -> list[str]:
    """The zips the month's index links to, in load order."""
    response = client.get(url)
    if response.status_code == 404:
        raise DownloadError(f"{url}: no such month (404)")
    response.raise_for_status()
    names = list(dict.fromkeys(_ZIP_LINK.findall(response.text)))
    known = [name for name in names if layout.kind_of(name)]
    if not known:
        raise DownloadError(f"{url}: the index lists no CNPJ zip")
    return sorted(known, key=lambda n: (layout.KINDS.index(layout.kind_of(n)), n))


def is_valid_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


def _fetch(client: httpx.Client, url: str, target: Path, progress: Callable[[int], None] | None) -> None:
    """Stream `url` into `target`.part (resuming it), then rename; raises httpx errors to retry."""
    partial = target.with_name(target.name + ".part")
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 416:  # the partial file is already whole (or longer than the file)
            partial.unlink()
            raise httpx.HTTPStatusError("range not satisfiable", request=response.request, response=response)
        response.raise_for_status()
        resumed = response.status_code == 206
        expected = response.headers.get("content-length")
        expected_total = (offset if resumed else 0) + int(expected) if expected else None
        with open(partial, "ab" if resumed else "wb") as handle:
            for chunk in response.iter_bytes():  # as received: an interruption keeps every byte read
                handle.write(chunk)
                if progress:
                    progress(len(chunk))
    size = partial.stat().st_size
    if expected_total is not None and size != expected_total:
        raise httpx.ReadError(f"got {size} of {expected_total} bytes")
    partial.replace(target)


def download_file(client: httpx.Client, url: str, target: Path, *, retries: int = 4, backoff: float = 1.0,
                  progress: Callable[[int], None] | None = None) -> Downloaded:
    """One zip into `target`: skipped when already valid; resumed, retried and checked otherwise."""
    if target.exists() and is_valid_zip(target):
        return Downloaded(target.name, target, target.stat().st_size, fetched=False)
    last_error: Exception | None = None
    for attempt in range(retries + 1):
        try:
            _fetch(client, url, target, progress)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code not in RETRYABLE_STATUS | {416}:
                raise DownloadError(f"{url}: HTTP {exc.response.status_code}") from None
            last_error = exc
        except httpx.TransportError as exc:
            last_error = exc
        else:
            if is_valid_zip(target):
                return Downloaded(target.name, target, target.stat().st_size, fetched=True)
            target.unlink()  # corrupt: fetch it whole again
            last_error = DownloadError(f"{target.name}: not a valid zip (CRC check failed)")
        if attempt < retries:
            time.sleep(backoff * 2**attempt)
    raise DownloadError(f"{url}: failed after {retries + 1} attempts ({last_error})")


def client(timeout: float = 60.0) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=15.0), follow_redirects=True,
                        headers={"User-Agent": "nellia-prospector registry_download"})
