"""Small text helpers shared by the offline agents (accent/case folding, tokens, language pairs)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD_RE = re.compile(r"[a-z0-9]+")

# Words too common to count as evidence of overlap between two texts.
STOPWORDS = frozenset(
    ["a", "o", "as", "os", "um", "uma", "de", "da", "do", "das", "dos", "e", "em", "no", "na", "nos", "nas", "para", "por", "com", "sem", "que", "se", "ao", "aos", "the", "of", "and", "to", "in", "for", "with", "on", "at", "by", "an", "or", "is", "are", "be", "our", "we", "your", "you", "from", "as", "its", "it", "this", "that", "their", "they", "mais", "menos", "muito", "sua", "seu", "suas", "seus", "nosso", "nossa", "nossos", "nossas", "ou", "como", "entre", "sobre", "ate", "pelo", "pela", "empresa", "empresas", "company", "companies", "brasil", "brazil"]
)


def fold(text: str) -> str:
    """Lower-case and strip accents so 'Logística' and 'logistica' compare equal."""
    if not text or text.isascii():  # NFKD leaves ASCII as it is
        return (text or "").lower()
    return _fold_short(text) if len(text) <= _FOLDS_KEPT_UP_TO else _fold(text)


_FOLDS_KEPT_UP_TO = 1000  # characters: context fields, roles, keywords, sentences — not whole pages


@lru_cache(maxsize=4096)  # the agents fold the same context fields and keywords many times per lead
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return _WORD_RE.findall(fold(text))


def tokens(text: str, *, min_len: int = 3) -> set[str]:
    """Folded content words of a text (stopwords and short words dropped)."""
    return {w for w in words(text) if len(w) >= min_len and w not in STOPWORDS}


@lru_cache(maxsize=4096)
def _whole_word(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])")


def contains_any(folded_text: str, keywords: tuple[str, ...] | list[str]) -> list[str]:
    """Keywords (already folded) found as whole words/phrases in an already folded text."""
    # The substring test rules out most keywords before the word-boundary regex runs.
    return [k for k in keywords if k in folded_text and _whole_word(k).search(folded_text)]


def is_portuguese(language: str | None) -> bool:
    """Business-context languages are BCP-47-ish ('pt-BR', 'en'); anything not English is treated as pt."""
    return not fold(language or "pt").startswith("en")


def pick(lang_pt: bool, pt: str, en: str) -> str:
    """Choose the Portuguese or English variant of a generated sentence."""
    return pt if lang_pt else en


def join_human(items: list[str], lang_pt: bool) -> str:
    """'a, b e c' / 'a, b and c'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} {'e' if lang_pt else 'and'} {items[-1]}"


def join_items(items: list[str], lang_pt: bool) -> str:
    """`join_human`, with a comma before the last 'e' when an earlier item has its own ('auditoria energética,
    retrofit de iluminação e motores, e monitoramento de consumo'), so the list still reads as one."""
    conjunction = " e " if lang_pt else " and "
    if len(items) > 1 and any(conjunction in item for item in items[:-1]):
        return f"{', '.join(items[:-1])},{conjunction}{items[-1]}"
    return join_human(items, lang_pt)


def stable_index(key: str, modulo: int) -> int:
    """Deterministic index from a string (Python's hash() is salted per process)."""
    value = 0
    for ch in key:
        value = (value * 131 + ord(ch)) % 1_000_000_007
    return value % modulo if modulo else 0


_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+|\s+\|\s+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text or "") if s.strip()]


def sentence_with(text: str, folded_fragment: str, limit: int = 220) -> str:
    """The original sentence holding a fragment found in folded text (evidence is quoted as written)."""
    for sentence in sentences(text):
        if folded_fragment and folded_fragment in fold(sentence):
            return sentence[:limit]
    folded = fold(text)
    start = folded.find(folded_fragment) if folded_fragment else -1
    if start >= 0 and len(folded) == len(text):  # a fragment across sentences: quote the original span
        return text[start: start + len(folded_fragment)][:limit]
    return folded_fragment[:limit]
