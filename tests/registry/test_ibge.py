"""The shipped IBGE ↔ Receita (TOM) mapping, and how it reaches the registry's município table."""

import importlib

from django.apps import apps

from mcp_bridge.agent_server.geo import STATES
from registry import ibge
from registry.models import Municipio

UF_PREFIXES = {"11": "RO", "12": "AC", "13": "AM", "14": "RR", "15": "PA", "16": "AP", "17": "TO", "21": "MA",
               "22": "PI", "23": "CE", "24": "RN", "25": "PB", "26": "PE", "27": "AL", "28": "SE", "29": "BA",
               "31": "MG", "32": "ES", "33": "RJ", "35": "SP", "41": "PR", "42": "SC", "43": "RS", "50": "MS",
               "51": "MT", "52": "GO", "53": "DF"}


def test_the_shipped_file_parses_with_unique_codes():
    rows = ibge.municipios()
    assert len(rows) > 5500
    assert len({m.ibge for m in rows}) == len(rows)
    toms = [m.tom for m in rows if m.tom]
    assert len(set(toms)) == len(toms) > 5500
    assert all(len(m.ibge) == 7 and m.ibge.isdigit() and m.name for m in rows)
    assert all(len(t) == 4 and t.isdigit() for t in toms)
    assert {m.uf for m in rows} == set(STATES)
    assert all(UF_PREFIXES[m.ibge[:2]] == m.uf for m in rows)  # IBGE codes start with their state's code
    assert ibge.ibge_by_tom()["7107"] == "3550308" and ibge.find("sao paulo", "sp").tom == "7107"


def test_ibge_codes_are_checked_against_the_list():
    assert ibge.is_ibge_code("5208707")  # Goiânia
    assert ibge.is_ibge_code("2201919")  # official, though its check digit does not follow IBGE's rule
    assert not ibge.is_ibge_code("5208708") and not ibge.is_ibge_code("9999999") and not ibge.is_ibge_code("9373")


def test_the_import_fills_the_ibge_codes(registry):
    towns = list(Municipio.objects.all())
    assert towns and all(town.ibge_code == ibge.ibge_by_tom()[town.code] for town in towns)


def test_the_migration_fills_a_registry_loaded_before(db):
    Municipio.objects.bulk_create([Municipio(code="9373", description="GOIANIA", search_name="goiania"),
                                   Municipio(code="0000", description="NOWHERE", search_name="nowhere")])
    migration = importlib.import_module("registry.migrations.0003_municipio_ibge_code")
    migration.fill(apps, None)
    assert dict(Municipio.objects.values_list("code", "ibge_code")) == {"9373": "5208707", "0000": ""}
