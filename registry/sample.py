"""Generated registry files in the exact published layout (`manage.py registry_sample`), for tests, the demo and
the benchmarks: the zips and CSV names of a real month, Latin-1, `;`, every field quoted, dates `YYYYMMDD`/`0`,
capital with a decimal comma.

Distributions follow the open data roughly: UF shares, capitals heavier than small towns, a CNAE mix led by retail,
food, beauty and services, about half the establishments active (the rest mostly baixada or inapta), porte mostly
ME, ~8% branches, ~45% with an e-mail and ~70% with a phone, Simples for most small companies, MEI for individual
entrepreneurs. CNPJs carry valid check digits. CNAE, natureza, motivo, país and qualificação codes are real, and
so are the municipalities: the Receita's own codes (TOM, 4 digits) from the shipped IBGE mapping (`registry.ibge`),
so a search by IBGE code works on the sample too.
"""

from __future__ import annotations

import csv
import io
import math
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from mcp_bridge.agent_server.extraction import cnpj_check_digits
from mcp_bridge.agent_server.geo import CITIES, UF_TO_CEP, UF_TO_DDD
from registry import ibge, layout, sample_data
from registry.importing import fold_name

SMALL_TOWNS_PER_UF = 6


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    uf: str
    weight: float


def _town(municipio: ibge.IbgeMunicipio, weight: float) -> Town:
    # The Receita publishes names in capitals without accents.
    return Town(municipio.tom, fold_name(municipio.name).upper(), municipio.uf, weight)


def towns() -> list[Town]:
    """The sample's municipalities: the well-known cities (heavier) and, in every UF, the first few others by IBGE
    code (lighter and lighter)."""
    cities = [ibge.find(city, uf) for city, uf in sorted(CITIES.items(), key=lambda item: (item[1], item[0]))]
    found = [_town(city, 6.0) for city in cities if city is not None and city.tom]
    chosen = set(cities)
    others: dict[str, list[ibge.IbgeMunicipio]] = {}
    for municipio in ibge.municipios():
        if municipio.tom and municipio not in chosen:
            others.setdefault(municipio.uf, []).append(municipio)
    for uf in sorted(sample_data.UF_WEIGHTS):
        found += [_town(m, 1.0 / (index + 1)) for index, m in enumerate(others.get(uf, [])[:SMALL_TOWNS_PER_UF])]
    return found


@dataclass(frozen=True)
class SampleSpec:
    establishments: int
    month: str = "2025-11"
    seed: int = 15
    parts: int = 0  # 0: one part per 200k establishments (1 to 10)
    bad_lines: int = 0  # stray malformed lines written into each establishments file


def _weighted(rng: random.Random, items: list, weights: list[float]):
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick():
        return rng.choices(items, cum_weights=cumulative)[0]

    return pick


def _yyyymmdd(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else "0"


class Generator:
    def __init__(self, spec: SampleSpec):
        self.spec = spec
        self.rng = rng = random.Random(spec.seed)
        self.towns = towns()
        by_uf: dict[str, list[Town]] = {}
        for town in self.towns:
            by_uf.setdefault(town.uf, []).append(town)
        ufs = sorted(sample_data.UF_WEIGHTS)
        pick_uf = _weighted(rng, ufs, [sample_data.UF_WEIGHTS[uf] for uf in ufs])
        town_pickers = {uf: _weighted(rng, items, [t.weight for t in items]) for uf, items in by_uf.items()}
        self.pick_town = lambda: town_pickers[pick_uf()]()
        self.pick_cnae = _weighted(rng, list(sample_data.CNAES), [c[2] for c in sample_data.CNAES])
        self.pick_natureza = _weighted(rng, [n[0] for n in sample_data.NATUREZAS], [n[2] for n in sample_data.NATUREZAS])
        self.pick_situacao = _weighted(rng, ["02", "08", "04", "03", "01"], [52, 34, 11, 1, 2])
        self.pick_porte = _weighted(rng, ["01", "03", "05", "00"], [70, 8, 14, 8])
        self.today = date(int(spec.month[:4]), int(spec.month[5:]), 1)

    # --- one company and its establishments ---

    def company(self, basico: str, cnae: tuple) -> tuple[list[str], str, str]:
        rng = self.rng
        natureza = self.pick_natureza()
        surname = rng.choice(sample_data.SURNAMES)
        if natureza == "2135":  # individual entrepreneur: his name, often with the CPF's digits (as published)
            person = f"{rng.choice(sample_data.FIRST_NAMES)} {surname}"
            name = f"{person} {rng.randrange(10**10, 10**11)}" if rng.random() < 0.5 else person
            porte = "01"
        else:
            suffix = {"2062": "LTDA", "2305": "EIRELI", "2054": "S.A.", "2046": "S.A.", "2240": "SS LTDA"}.get(natureza, "")
            partner = f" & {rng.choice(sample_data.SURNAMES)}" if rng.random() < 0.3 else ""
            name = f"{cnae[3]} {surname}{partner} {suffix}".strip()
            porte = self.pick_porte()
        capital = 0.0 if natureza in ("3999", "3085", "3220") else round(math.exp(rng.gauss(10.0, 1.8)), 2)
        row = [basico, name, natureza, "50" if natureza == "2135" else "49", f"{capital:.2f}".replace(".", ","),
               porte, ""]
        return row, natureza, porte

    def establishment(self, basico: str, ordem: int, cnae: tuple, fantasia_base: str) -> list[str]:
        rng = self.rng
        base12 = f"{basico}{ordem:04d}"
        cnpj_dv = cnpj_check_digits(base12)
        town = self.pick_town()
        opened = self.today - timedelta(days=int(min(rng.expovariate(1 / 2900), 55 * 365)))
        situacao = self.pick_situacao()
        situacao_date = opened if situacao == "02" else opened + timedelta(days=rng.randrange(30, 3000))
        secondary = [c[0] for c in (self.pick_cnae() for _ in range(rng.choice((0, 0, 1, 2, 3)))) if c[0] != cnae[0]]
        ddd = str(UF_TO_DDD[town.uf])
        cep_low, cep_high = UF_TO_CEP[town.uf]  # the pipeline reads the state from the CEP first
        has_phone, has_email = rng.random() < 0.7, rng.random() < 0.45
        has_phone2 = has_phone and rng.random() < 0.2
        domain = rng.choice(("gmail.com", "hotmail.com", "yahoo.com.br", "outlook.com", "uol.com.br", None))
        slug = fantasia_base.lower().replace(" ", "")[:20] or f"empresa{basico}"
        email = (f"{slug}@{domain}" if domain else f"contato@{slug}.com.br") if has_email else ""
        return [
            basico, f"{ordem:04d}", cnpj_dv, "1" if ordem == 1 else "2",
            fantasia_base if fantasia_base and rng.random() < 0.8 else "", situacao,
            _yyyymmdd(situacao_date if situacao != "02" or rng.random() < 0.5 else None),
            "00" if situacao == "02" else rng.choice(("01", "63", "73", "80")), "", "",
            _yyyymmdd(opened), cnae[0], ",".join(dict.fromkeys(secondary)),
            rng.choice(sample_data.STREET_TYPES), rng.choice(sample_data.STREETS), str(rng.randrange(1, 4000)),
            rng.choice(("", "", "", "SALA 2", "LOJA 1", "GALPAO 3", "ANDAR 5")), rng.choice(sample_data.DISTRICTS),
            f"{rng.randrange(cep_low * 1000, cep_high * 1000 + 1000):08d}", town.uf, town.code,
            ddd if has_phone else "", f"{rng.randrange(30000000, 39999999)}" if has_phone else "",
            ddd if has_phone2 else "", f"9{rng.randrange(80000000, 99999999)}" if has_phone2 else "",
            "", "", email.upper() if rng.random() < 0.5 else email, "", "",
        ]

    def simples(self, basico: str, natureza: str, porte: str, opened: date) -> list[str] | None:
        rng = self.rng
        if porte not in ("01", "03") or rng.random() < 0.25:
            return None
        mei = natureza == "2135" and rng.random() < 0.8
        since = _yyyymmdd(opened)
        return [basico, "S", since, "0", "S" if mei else "N", since if mei else "0", "0"]

    def records(self) -> Iterator[tuple[list[str], list[list[str]], list[str] | None]]:
        """(company, its establishments, its Simples row) until `establishments` rows are produced."""
        rng = self.rng
        produced, number = 0, 0
        while produced < self.spec.establishments:
            number += 1
            basico = f"{(number * 7919 + 10_000_000) % 100_000_000:08d}"
            cnae = self.pick_cnae()
            company, natureza, porte = self.company(basico, cnae)
            # Larger companies have branches: about 1.35 establishments per company overall.
            if porte == "05" and rng.random() < 0.8:
                branches = 2 + int(rng.expovariate(0.5))
            else:
                branches = 2 if rng.random() < 0.1 else 1
            branches = min(branches, self.spec.establishments - produced)
            fantasia = f"{cnae[3].split()[0]} {rng.choice(sample_data.SURNAMES)}" if rng.random() < 0.7 else ""
            establishments = [self.establishment(basico, ordem, cnae, fantasia) for ordem in range(1, branches + 1)]
            produced += branches
            opened = date(int(establishments[0][10][:4]), int(establishments[0][10][4:6]), int(establishments[0][10][6:]))
            yield company, establishments, self.simples(basico, natureza, porte, opened)


class _ZipCsv:
    """A CSV written into its own zip, in the published encoding and quoting."""

    def __init__(self, directory: Path, kind: layout.FileKind, month: str, part: int = 0):
        self.archive = zipfile.ZipFile(directory / layout.zip_name(kind, part), "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        info = zipfile.ZipInfo(layout.csv_name(kind, month, part), date_time=(int(month[:4]), int(month[5:]), 13, 3, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.raw = self.archive.open(info, "w", force_zip64=True)
        self.text = io.TextIOWrapper(self.raw, encoding=layout.ENCODING, errors="replace", newline="")
        self.writer = csv.writer(self.text, delimiter=layout.DELIMITER, quoting=csv.QUOTE_ALL, lineterminator="\n")

    def write(self, row: list[str]) -> None:
        self.writer.writerow(row)

    def write_raw(self, line: str) -> None:
        self.text.write(line)

    def close(self) -> None:
        self.text.close()
        self.archive.close()


def write_sample(spec: SampleSpec, directory: Path) -> list[Path]:
    """Write a month's files for `spec` into `directory`; returns the zips written."""
    directory.mkdir(parents=True, exist_ok=True)
    generator = Generator(spec)
    parts = spec.parts or min(max(math.ceil(spec.establishments / 200_000), 1), 10)
    references = {
        layout.CNAES: [(c[0], c[1]) for c in sample_data.CNAES],
        layout.MUNICIPIOS: [(t.code, t.name) for t in generator.towns],
        layout.NATUREZAS: [(n[0], n[1]) for n in sample_data.NATUREZAS],
        layout.MOTIVOS: sample_data.MOTIVOS,
        layout.PAISES: sample_data.PAISES,
        layout.QUALIFICACOES: sample_data.QUALIFICACOES,
    }
    for kind, lines in references.items():
        out = _ZipCsv(directory, kind, spec.month)
        for line in lines:
            out.write(list(line))
        out.close()
    companies = [_ZipCsv(directory, layout.COMPANIES, spec.month, p) for p in range(parts)]
    establishments = [_ZipCsv(directory, layout.ESTABLISHMENTS, spec.month, p) for p in range(parts)]
    simples = _ZipCsv(directory, layout.SIMPLES, spec.month)
    per_part = math.ceil(spec.establishments / parts)
    written = 0
    for company, rows, simples_row in generator.records():
        part = min(written // per_part, parts - 1)
        companies[part].write(company)
        for row in rows:
            establishments[part].write(row)
        written += len(rows)
        if simples_row:
            simples.write(simples_row)
    for out in establishments:
        for index in range(spec.bad_lines):
            out.write_raw(f'"1234";"truncated line {index}"\n')
    for out in (*companies, *establishments, simples):
        out.close()
    return sorted(directory.glob("*.zip"))
