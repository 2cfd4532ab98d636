"""CNAE 2.x divisions: the published structure, code parsing at every level, the coarse-sector mapping."""

import pytest

from mcp_bridge.agent_server.cnae import DIVISIONS, SECTIONS, division_for_cnae, division_name, sector_for_division
from mcp_bridge.agent_server.taxonomy import BY_KEY


def test_the_87_divisions_of_sections_a_to_u():
    assert len(DIVISIONS) == 87
    assert {d.section for d in DIVISIONS.values()} == set(SECTIONS) == set("ABCDEFGHIJKLMNOPQRSTU")
    per_section = {s: sum(d.section == s for d in DIVISIONS.values()) for s in SECTIONS}
    assert per_section == {"A": 3, "B": 5, "C": 24, "D": 1, "E": 4, "F": 3, "G": 3, "H": 5, "I": 2, "J": 6,
                           "K": 3, "L": 1, "M": 7, "N": 6, "O": 1, "P": 1, "Q": 3, "R": 4, "S": 3, "T": 1,
                           "U": 1}
    assert division_name("49") == "Transporte terrestre"
    assert division_name("69") == "Atividades jurídicas, de contabilidade e de auditoria"
    assert division_name("04") == ""


def test_every_division_maps_to_a_known_coarse_sector():
    assert all(d.sector in BY_KEY for d in DIVISIONS.values())


@pytest.mark.parametrize("code", ["4930202", "4930-2/02", "4930-2", "49.30-2", "49.30-2-02", "493", "49.3", "49",
                                  " 4930202 "])
def test_division_for_any_level_of_a_code(code):
    assert division_for_cnae(code) == "49"


@pytest.mark.parametrize("code", ["", "abc", "04", "4930-2/02x", "1234567890", "9"])
def test_not_a_cnae_code(code):
    assert division_for_cnae(code) is None


@pytest.mark.parametrize(("code", "sector"), [
    ("6424-7/03", "financial_services"),  # cooperativa de crédito
    ("6911-7/01", "professional_services"),  # serviços advocatícios
    ("3514-0/00", "energy"),  # distribuição de energia elétrica
    ("2829-1/99", "industry"),  # máquinas de uso geral (robótica)
    ("8220-2/00", "business_services"),  # teleatendimento
    ("8121-4/00", "business_services"),  # limpeza em prédios
    ("4930-2/02", "logistics"),
    ("6201-5/01", "technology"),
    ("8610-1/01", "health"),
    ("8513-9/00", "education"),
    ("0111-3/01", "agribusiness"),
    ("5611-2/01", "food_service"),
    ("4711-3/02", "retail"),
    ("4120-4/00", "construction"),
    ("6110-8/01", "telecom"),
    ("7311-4/00", "marketing"),
])
def test_sector_for_division(code, sector):
    assert sector_for_division(code) == sector
    assert sector_for_division(division_for_cnae(code)) == sector


def test_unknown_division_is_other():
    assert sector_for_division("04") == sector_for_division("") == "other"
