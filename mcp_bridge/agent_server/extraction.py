"""Contact and company facts mined from free text: e-mails, Brazilian phones, CNPJ, place, size, age, language."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import urlsplit

from . import geo
from .text import fold

MAX_TEXT_CHARS = 100_000  # pages beyond this are boilerplate; bounding it keeps every regex linear and fast

_SCRIPT_RE = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]{0,2000}>")
_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
_CNPJ_RE = re.compile(r"(?<![\d./-])(\d{2})\.?(\d{3})\.?(\d{3})/?(\d{4})-?(\d{2})(?![\d])")
# Optional +55, a two-digit area code (no leading 0), then a landline (2-5xxx-xxxx) or mobile (9xxxx-xxxx).
_BR_PHONE_RE = re.compile(
    r"(?<![\d+])(?:\+?\s?55[\s.-]?)?\(?0?([1-9][1-9])\)?[\s.-]?(9\d{4}|[2-5]\d{3})[\s.-]?(\d{4})(?!\d)"
)
_TOLL_FREE_RE = re.compile(r"(?<!\d)(0[3589]00)[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)")
_INTL_PHONE_RE = re.compile(r"\+(?!55)(\d{1,3})[\s.-]?\(?(\d{2,4})\)?[\s.-]?(\d{3,4})[\s.-]?(\d{4})(?!\d)")
_SOCIAL_RE = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.)?((?:linkedin\.com/(?:company|in|school)|instagram\.com|facebook\.com"
    r"|x\.com|twitter\.com|youtube\.com(?:/c|/channel)?)/@?[A-Za-z0-9_.%-]+)",
    re.IGNORECASE,
)
_UF_ALTERNATION = "|".join(geo.STATES)
_CITY_UF_RE = re.compile(
    r"([A-ZÀ-Ý][\wÀ-ÿ'-]+(?:\s(?:d[aeo]s?\s)?[A-ZÀ-Ý][\wÀ-ÿ'-]+){0,3})\s*(?:/|,|-|–)\s*(" + _UF_ALTERNATION + r")\b"
)
_CEP_RE = re.compile(r"(?i)\bcep[:\s.]*(\d{2}\.?\d{3})-?\d{3}\b|(?<![\d.,/-])(\d{5})-\d{3}(?![\d-])")
_LONE_UF_RE = re.compile(r"(?:\b(?:em|no|na|in)|[,/(-])\s*(" + _UF_ALTERNATION + r")\b")
_NUMBER = r"(\d{1,3}(?:[.,]\d{3})+|\d+)(\s*mil\b)?"
_EMPLOYEES_RE = re.compile(
    _NUMBER + r"\s*\+?\s*(?:colaborador(?:es|as)?|funcion[aá]rios?|empregados?|profissionais|pessoas|"
    r"employees|staff|people|professionals|team members)\b",
    re.IGNORECASE,
)
_YEAR_RES = (
    re.compile(r"\b(?:desde|fundad[ao]\s+em|criad[ao]\s+em|since|founded(?:\s+in)?|established(?:\s+in)?|est\.)\s*(1[89]\d{2}|20\d{2})\b", re.I),
    re.compile(r"\bem\s+(1[89]\d{2}|20\d{2}),?\s+(?:fundamos|nasceu|come[cç]ou)", re.I),
    # the registry's opening date ('Aberta em: 12/03/2009', registry.services.lead_row)
    re.compile(r"\baberta\s+em:?\s*\d{1,2}/\d{1,2}/(1[89]\d{2}|20\d{2})\b", re.I),
)
_YEARS_AGO_RES = (
    re.compile(r"\bh[aá]\s+(?:mais\s+de\s+)?(\d{1,3})\s+anos\b", re.I),
    re.compile(r"\b(\d{1,3})\s+anos\s+(?:de\s+(?:mercado|hist[oó]ria|experi[eê]ncia|tradi[cç][aã]o)|no\s+mercado)", re.I),
    re.compile(r"\b(?:over\s+|more\s+than\s+)?(\d{1,3})\s+years\s+(?:in\s+business|of\s+(?:experience|history))", re.I),
)
_PT_WORDS = frozenset(["a", "o", "e", "de", "da", "do", "das", "dos", "em", "para", "com", "uma", "um", "nossa", "nosso", "são", "é", "não", "mais", "somos", "atendemos"])
_EN_WORDS = frozenset(["the", "and", "of", "to", "in", "for", "with", "our", "we", "is", "are", "a", "an", "by", "from", "us"])


@dataclass
class Extraction:
    """Everything intake learns from a lead's text; the shape of enrichment_data."""

    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    cnpj: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    employees: int | None = None
    founded_year: int | None = None
    language: str = "pt"
    social_profiles: list[str] = field(default_factory=list)

    @property
    def market_region(self) -> str:
        if self.city and self.state:
            return f"{self.city}/{self.state}"
        return self.state


def clean_text(raw: str | bytes | None, limit: int = MAX_TEXT_CHARS) -> str:
    """Plain, bounded, valid text: bytes decoded leniently, lone surrogates replaced, HTML reduced to its text."""
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        raw = raw[: limit * 4].decode("utf-8", errors="replace")
    # Lone surrogates (e.g. from JSON '\ud800') cannot be encoded; replace them instead of crashing later.
    text = raw[: limit * 2].encode("utf-8", errors="replace").decode("utf-8")
    if "<" in text and ">" in text:
        text = _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text))
    text = html.unescape(text).replace("\x00", " ")
    text = _SPACE_RE.sub(" ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()[:limit]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def find_emails(text: str) -> list[str]:
    """Addresses in order of appearance, lower-cased; asset names like 'logo@2x.png' are not e-mails."""
    found = [m.group(0).rstrip(".").lower() for m in _EMAIL_RE.finditer(text)]
    return _unique([e for e in found if not re.search(r"\.(png|jpe?g|gif|svg|webp)$", e)])


def cnpj_check_digits(base12: str) -> str:
    """The two check digits of a CNPJ from its first 12 digits (mod-11, Receita Federal weights)."""
    digits = [int(d) for d in base12]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        total = sum(d * w for d, w in zip(digits, weights, strict=False))
        rest = total % 11
        digits.append(0 if rest < 2 else 11 - rest)
    return f"{digits[12]}{digits[13]}"


def is_valid_cnpj(value: str) -> bool:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 14 or len(set(digits)) == 1:
        return False
    return cnpj_check_digits(digits[:12]) == digits[12:]


def format_cnpj(value: str) -> str:
    d = re.sub(r"\D", "", value)
    return f"{d[:2]}.{d[2:5]}.{d[5:8]}/{d[8:12]}-{d[12:]}"


def find_cnpjs(text: str) -> list[str]:
    """Formatted CNPJs whose check digits are valid (a typo'd number is worse than none)."""
    found = ["".join(m.groups()) for m in _CNPJ_RE.finditer(text)]
    return _unique([format_cnpj(d) for d in found if is_valid_cnpj(d)])


def find_phones(text: str) -> list[str]:
    """Phones normalised as '+55 11 3456-7890', '+55 11 98765-4321', '0800 123 4567' or '+1 614 555-0142'."""
    text = _CNPJ_RE.sub(" ", text)  # CNPJ digit runs look like phone numbers
    found: list[tuple[int, str]] = []
    for m in _TOLL_FREE_RE.finditer(text):
        found.append((m.start(), f"{m.group(1)} {m.group(2)} {m.group(3)}"))
    text = _TOLL_FREE_RE.sub(lambda m: " " * len(m.group(0)), text)
    for m in _INTL_PHONE_RE.finditer(text):
        found.append((m.start(), f"+{m.group(1)} {m.group(2)} {m.group(3)}-{m.group(4)}"))
    text = _INTL_PHONE_RE.sub(lambda m: " " * len(m.group(0)), text)
    for m in _BR_PHONE_RE.finditer(text):
        found.append((m.start(), f"+55 {m.group(1)} {m.group(2)}-{m.group(3)}"))
    return _unique([phone for _, phone in sorted(found)])


def is_brazilian_phone(phone: str) -> bool:
    return phone.startswith(("+55", "0800", "0300", "0500", "0900"))


def _find_word(needle: str, haystack: str) -> re.Match[str] | None:
    # Every known city and state is looked for in every lead: the substring test rules out most of them cheaply.
    return _word_pattern(needle).search(haystack) if needle in haystack else None


@cache  # needles are the fixed city and state names
def _word_pattern(needle: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z]){re.escape(needle)}(?![a-z])")


def _without_name(text: str, name: str) -> str:
    """The text with the company's own name removed ('Transportes Serra Gaúcha' must not read as Serra/ES)."""
    variants = {name, re.sub(r"\s+(?:ltda|s\.?a\.?|eireli|me|epp|inc\.?|llc|ltd\.?)\.?$", "", name, flags=re.I)}
    for variant in sorted((v.strip() for v in variants if len(v.strip()) > 2), key=len, reverse=True):
        text = re.sub(re.escape(variant), " ", text, flags=re.IGNORECASE)
    return text


def find_city_state(text: str, phones: list[str] | None = None, name: str = "") -> tuple[str, str]:
    """(city, UF): an explicit 'Cidade/UF' or address first, then the CEP's state, then known city or state names
    outside the company's own name (in the CEP's or phone area code's state when those are known), then a lone UF,
    then the phone area code."""
    text = _without_name(text, name) if name else text
    for m in _CITY_UF_RE.finditer(text):
        city = re.sub(r"^(?:(?:Em|Rua|Av|Avenida|Sede|Fica|In|Headquartered|Based)\s+(?:em|in)?\s*)", "", m.group(1))
        city = city.strip()
        if city and city.upper() not in geo.STATES and not geo.uf_for_state_name(city):
            return city, m.group(2)
    cep = next((geo.uf_for_cep(m.group(1) or m.group(3)) for m in _CEP_RE.finditer(text)), "")
    ddd = next((geo.DDD_TO_UF.get(int(p[4:6]), "") for p in phones or [] if p.startswith("+55 ")), "")
    folded = fold(text)
    city_hits = sorted((hit.start(), city, uf) for city, uf in geo.CITIES.items()
                       if (hit := _find_word(fold(city), folded)))
    known_uf = cep or ddd
    if known_uf and any(uf == known_uf for _, _, uf in city_hits):
        city_hits = [hit for hit in city_hits if hit[2] == known_uf]
    if cep:
        return next((city for _, city, uf in city_hits if uf == cep), ""), cep
    if city_hits:
        return city_hits[0][1], city_hits[0][2]
    state_hits = [(hit.start(), uf) for uf, (name_, _) in geo.STATES.items() if (hit := _find_word(fold(name_), folded))]
    if state_hits:
        return "", min(state_hits)[1]
    lone = _LONE_UF_RE.search(text)
    if lone:
        return "", lone.group(1)
    return "", ddd


def _to_int(number: str, thousands: str | None) -> int:
    value = int(re.sub(r"[.,]", "", number))
    return value * 1000 if thousands else value


def find_employees(text: str) -> int | None:
    """Headcount from '900 colaboradores', 'mais de 1.200 funcionários', '140 employees', '2 mil pessoas'."""
    counts = [_to_int(m.group(1), m.group(2)) for m in _EMPLOYEES_RE.finditer(text)]
    counts = [c for c in counts if 0 < c < 5_000_000]
    return max(counts) if counts else None


def find_founded_year(text: str, reference_year: int | None = None) -> int | None:
    """Founding year from 'desde 1998' / 'founded 1955', or from 'Há 25 anos' counted back from reference_year."""
    ref = reference_year or date.today().year
    for pattern in _YEAR_RES:
        m = pattern.search(text)
        if m and 1800 <= int(m.group(1)) <= ref:
            return int(m.group(1))
    for pattern in _YEARS_AGO_RES:
        m = pattern.search(text)
        if m and 0 < int(m.group(1)) < 250:
            return ref - int(m.group(1))
    return None


def detect_language(text: str) -> str:
    """'pt' or 'en' by counting common function words; Portuguese wins ties (the platform's market)."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower()[:20_000])
    pt = sum(w in _PT_WORDS for w in words) + 2 * sum(any(c in w for c in "ãõçáéêíóú") for w in words)
    en = sum(w in _EN_WORDS for w in words)
    return "en" if en > pt else "pt"


def find_social_profiles(text: str) -> list[str]:
    return _unique([f"https://{m.group(1).rstrip('.').lower()}" for m in _SOCIAL_RE.finditer(text)])


def normalise_website(url: str) -> str:
    """'WWW.Foo.com.br/' -> 'https://www.foo.com.br' (scheme added, host lower-case, no trailing slash)."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower() or 'https'}://{parts.netloc.lower()}{path}"


def website_key(url: str) -> str:
    """Identity of a website for duplicate checks: host without 'www.' plus path, scheme ignored."""
    normalised = normalise_website(url)
    if not normalised:
        return ""
    parts = urlsplit(normalised)
    return parts.netloc.removeprefix("www.") + parts.path


def domain_of(url_or_email: str) -> str:
    value = (url_or_email or "").strip().lower()
    if "@" in value and "://" not in value:
        return value.rsplit("@", 1)[1]
    return website_key(value).split("/")[0]


def extract(text: str | bytes | None, reference_year: int | None = None, name: str = "") -> Extraction:
    """Run every extractor over one cleaned text (`name`, the company's, is not read as a place)."""
    clean = clean_text(text)
    phones = find_phones(clean)
    city, state = find_city_state(clean, phones, name)
    return Extraction(
        emails=find_emails(clean),
        phones=phones,
        cnpj=find_cnpjs(clean),
        city=city,
        state=state,
        employees=find_employees(clean),
        founded_year=find_founded_year(clean, reference_year),
        language=detect_language(clean),
        social_profiles=find_social_profiles(clean),
    )
