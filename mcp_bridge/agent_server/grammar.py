"""Typed pieces of generated text and the checks every generated field must pass.

Generated sentences are composed from noun phrases (with article and gender in Portuguese) and whole sentences,
never by pasting a user's string into a frame that expects another kind of phrase. `seams` finds the defects a
bad composition leaves behind (empty labels, doubled words or punctuation, text glued after a full stop, an
infinitive where a noun belongs, a field in the other language); the offline agents and the LLM mode both run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .text import fold

_PT_FUNCTION = frozenset(
    ["o", "e", "de", "da", "do", "das", "dos", "em", "no", "na", "nos", "nas", "para", "com", "uma", "um",
     "por", "que", "se", "ao", "sem", "mais", "menos", "nossa", "nosso", "seu", "sua", "são", "é", "não", "ou"])
_EN_FUNCTION = frozenset(
    ["the", "and", "of", "to", "in", "for", "with", "our", "we", "is", "are", "an", "runs", "has", "by", "from", "us", "that",
     "your", "their", "less", "more", "fewer", "or", "at", "on", "it", "its", "who", "which"])
_PT_ONLY_CHARS = "ãõçâêôáéíóúà"
_PT_SUFFIXES = ("cao", "coes", "dade", "mento", "gem", "agem", "oes", "ista", "inho", "inha")
_EN_SUFFIXES = ("tion", "ing", "ness", "ship", "ly", "ity", "ment")
_WORDS_CASED = re.compile(r"[A-Za-zÀ-ÿ]+")

# Masculine nouns ending in -a and feminine ones ending otherwise (head nouns of phrases the agents see).
_MASCULINE_A = frozenset(["problema", "sistema", "tema", "programa", "dia", "mapa", "clima", "esquema", "idioma",
                          "planeta", "telefonema", "cinema", "pijama", "dilema", "diploma"])
_FEMININE_OTHER = frozenset(["mao", "foto", "moto", "tribo", "libido", "frota", "gestao", "lei", "rede", "fonte",
                             "parte", "base", "classe", "chave", "sede", "tarde", "noite", "morte", "sorte",
                             "saude", "receita", "margem", "viagem", "ordem", "imagem", "nuvem", "gente"])
_FEMININE_ENDINGS = ("a", "cao", "sao", "dade", "gem", "ie", "ise", "tude", "ite", "ice", "ez", "ncia")
_INFINITIVE = re.compile(r"^(?:[a-z]{2,}(?:ar|er|ir|or))$")
_NOT_INFINITIVE = frozenset(["custo", "setor", "valor", "maior", "menor", "melhor", "pior", "fornecedor", "motor",
                             "gestor", "diretor", "par", "lugar", "bar", "mar", "ar", "mulher", "poder", "prazer",
                             "dever", "lazer", "nivel", "qualquer", "hangar", "radar", "cor", "dor", "flor", "fator",
                             "interior", "exterior", "superior", "inferior", "exportador", "operador", "vendedor",
                             "colaborador", "consumidor", "condutor", "tutor", "sensor", "conector", "vetor",
                             "sabor", "amor", "calor", "humor", "rigor", "terror", "vigor", "temor", "senhor",
                             "lar", "altar", "celular", "popular", "familiar", "regular", "similar", "particular",
                             "escolar", "militar", "solar", "polar", "titular", "modular", "ver", "ter", "ser",
                             "ir", "por", "sabor", "fazer"])


def language_of(text: str) -> str | None:
    """'pt', 'en', or None when a short field gives no evidence either way (a name, an acronym).

    Function words count once; accented letters and typical suffixes only in lower-case words, so a proper name
    ('Transportes Serra Gaúcha') does not make an English sentence Portuguese."""
    words = _WORDS_CASED.findall(text or "")
    lower = [w.lower() for w in words]
    common = [w for w in words if not w[:1].isupper()]
    pt = sum(w in _PT_FUNCTION for w in lower) + 2 * sum(any(c in w for c in _PT_ONLY_CHARS) for w in common)
    en = sum(w in _EN_FUNCTION for w in lower)
    folded = [fold(w) for w in common if len(w) > 4]
    pt += sum(w.endswith(_PT_SUFFIXES) for w in folded)
    en += sum(w.endswith(_EN_SUFFIXES) for w in folded)
    if pt == en:
        return None
    return "pt" if pt > en else "en"


def fits_language(text: str, lang_pt: bool) -> bool:
    """A field may be quoted in a message of this language (neutral fields, like names, always may)."""
    found = language_of(text)
    return found is None or (found == "pt") == lang_pt


def is_infinitive(word: str) -> bool:
    w = fold(word)
    return bool(_INFINITIVE.match(w)) and w not in _NOT_INFINITIVE


def head_noun(phrase: str) -> str:
    """The word that decides a phrase's article: 'não conformidades em auditorias' → 'conformidades'."""
    words = phrase.split()
    return next((w for w in words if fold(w) not in ("nao", "pouca", "pouco", "muita", "muito")), words[0] if words else "")


def gender_number(noun: str) -> tuple[str, bool]:
    """('f'|'m', plural) of a Portuguese head noun, by the usual endings plus an exception list."""
    w = fold(noun).strip(".,;:()")
    plural = len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "ês", "us", "is"))
    if plural:
        w = w[:-3] + "ao" if w.endswith(("oes", "aes")) else w[:-2] + "m" if w.endswith("ns") else w[:-1]
    if w in _MASCULINE_A:
        return "m", plural
    if w in _FEMININE_OTHER or w.endswith(_FEMININE_ENDINGS):
        return "f", plural
    return "m", plural


@dataclass(frozen=True)
class Phrase:
    """A phrase of one language: a noun phrase ('consumo de combustível') or an infinitive verb phrase."""

    text: str
    lang_pt: bool = True

    @property
    def is_verbal(self) -> bool:
        first = self.text.split()[0] if self.text.split() else ""
        if self.lang_pt:
            return is_infinitive(first)
        return fold(first) in _EN_VERB_STARTS

    @property
    def noun(self) -> str:
        """As a noun phrase without article: a verb phrase becomes 'dificuldade de <verb phrase>'."""
        text = lower_first(self.text)
        if self.is_verbal:
            return f"dificuldade de {text}" if self.lang_pt else f"difficulty to {text}"
        return text

    def definite(self) -> str:
        """With its definite article in Portuguese ('o consumo de combustível', 'as paradas não programadas')."""
        noun = self.noun
        if not self.lang_pt:
            return noun
        gender, plural = gender_number(head_noun(noun))
        article = {("m", False): "o", ("f", False): "a", ("m", True): "os", ("f", True): "as"}[(gender, plural)]
        return f"{article} {noun}"

    def after(self, preposition: str) -> str:
        """After 'de', 'em' or 'a', contracted with the article: 'do consumo', 'nas paradas', 'à falta'."""
        if not self.lang_pt:
            return f"{_EN_PREPOSITIONS[preposition]} {self.noun}"
        article, _, rest = self.definite().partition(" ")
        return f"{_CONTRACTIONS[preposition][article]} {rest}"


_CONTRACTIONS = {"de": {"o": "do", "a": "da", "os": "dos", "as": "das"},
                 "em": {"o": "no", "a": "na", "os": "nos", "as": "nas"},
                 "a": {"o": "ao", "a": "à", "os": "aos", "as": "às"}}
_EN_PREPOSITIONS = {"de": "of", "em": "in", "a": "to"}


_EN_VERB_STARTS = frozenset(["reduce", "cut", "grow", "increase", "improve", "manage", "track", "avoid", "find",
                             "get", "make", "keep", "lower", "save", "sell", "hire", "close", "build"])


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a proper name with inner capitals."""
    first = text.split(" ", 1)[0]
    if not first or first.isupper() or any(c.isupper() for c in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """One clean sentence: collapsed spaces, capitalised, exactly one final punctuation mark."""
    text = " ".join((text or "").split()).strip(" ,;:")
    if not text:
        return ""
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = upper_first(text)
    return text if text[-1] in ".!?…" else f"{text}."


def join_sentences(*parts: str) -> str:
    return " ".join(s for s in (sentence(p) for p in parts) if s)


def clip_chars(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, trailing connectors and punctuation removed."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0]
    return re.sub(r"[\s,;:–-]+(?:e|de|da|do|para|com|and|of|for|with|the|a|o)?$", "", cut).rstrip(" ,;:–-")


def text_fields(value: Any) -> Iterator[str]:
    """Every free-text string of a dumped output (single words — channels, tiers, codes — are skipped)."""
    if isinstance(value, str):
        if " " in value.strip():
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from text_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from text_fields(item)


# ---- seam checks ---------------------------------------------------------------------------------------------

_SEAMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("empty label", re.compile(r"(?m)[\wÀ-ÿ)]:[ \t]*(?:$|[.;,])")),
    ("doubled punctuation", re.compile(r"(?:[.,;:!?]\s*){2,}(?<!\.\.\.)|,\s*\.|\.\s*,")),
    ("doubled word", re.compile(r"(?i)\b([a-zà-ÿ]{2,})\s+\1\b")),
    ("glued after full stop", re.compile(r"[\wÀ-ÿ)]\.[A-ZÀ-Ý][a-zà-ÿ]{2}")),
    ("lower-case sentence start", re.compile(r"[a-zà-ÿ]{3}[.!?]\s+[a-zà-ÿ]")),
    ("space before punctuation", re.compile(r"\w\s+[,.;:!?](?:\s|$)")),
    ("empty parentheses or quotes", re.compile(r"\(\s*\)|“\s*”|\"\s*\"")),
    ("placeholder", re.compile(r"\{[a-z_]+\}|\bNone\b|\bnan\b|\bnull\b")),
)
# Portuguese frames that take a noun and were fed an infinitive ('enfrentar crescer', 'menos reduzir').
_PT_NOUN_SLOTS = re.compile(r"(?i)\b(?:enfrentar|enfrentam|enfrenta|menos|com)\s+([a-zà-ÿ]+(?:ar|er|ir))\b")


_ABBREVIATIONS = re.compile(r"\b(S\.A|S/A|Ltda|Inc|Ltd|Cia|Dr|Dra|Sr|Sra|Jr|Co|Corp|N\.º|Av|nº)\.", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def seams(text: str, lang_pt: bool | None = None) -> list[str]:
    """Defects of composition in a generated text, each as 'kind: excerpt' (empty when the text is clean).

    Abbreviations ('S.A.', 'Ltda.') are not doubled punctuation; a quotation (“…”) may be in any language."""
    text = _ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", "").replace("/", ""), text or "")
    found = [f"{kind}: {m.group(0)!r}" for kind, pattern in _SEAMS for m in pattern.finditer(text or "")]
    if lang_pt:
        found += [f"infinitive in a noun slot: {m.group(0)!r}" for m in _PT_NOUN_SLOTS.finditer(text or "")
                  if is_infinitive(m.group(1))]
    if lang_pt is not None and text.strip():
        for chunk in re.split(r"(?<=[.!?:])\s+|\n+", _QUOTED.sub(" ", text)):
            if len(chunk.split()) >= 6 and (lang := language_of(chunk)) and (lang == "pt") != lang_pt:
                found.append(f"other language: {chunk[:60]!r}")
    return found
