import csv
import io
import zipfile

import pytest

from mcp_bridge.agent_server.extraction import is_valid_cnpj
from mcp_bridge.agent_server.geo import DDD_TO_UF, uf_for_cep
from mcp_bridge.agent_server.text import fold
from registry import ibge, layout


def _rows(path, kind):
    with zipfile.ZipFile(path) as archive:
        (name,) = archive.namelist()
        assert kind.marker in name
        text = archive.read(name).decode("latin-1")
    return text, list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_month_has_every_published_zip(sample_dir):
    names = sorted(p.name for p in sample_dir.iterdir())
    assert names == sorted([
        "Cnaes.zip", "Empresas0.zip", "Empresas1.zip", "Estabelecimentos0.zip", "Estabelecimentos1.zip",
        "Motivos.zip", "Municipios.zip", "Naturezas.zip", "Paises.zip", "Qualificacoes.zip", "Simples.zip",
    ])
    with zipfile.ZipFile(sample_dir / "Estabelecimentos0.zip") as archive:
        assert archive.namelist() == ["K3241.K03200Y0.D51113.ESTABELE"]
    with zipfile.ZipFile(sample_dir / "Simples.zip") as archive:
        assert archive.namelist() == ["F.K03200$W.SIMPLES.CSV.D51113"]
    with zipfile.ZipFile(sample_dir / "Cnaes.zip") as archive:
        assert archive.namelist() == ["F.K03200$Z.D51113.CNAECSV"]


def test_establishments_follow_the_published_layout(sample_dir):
    text, rows = _rows(sample_dir / "Estabelecimentos0.zip", layout.ESTABLISHMENTS)
    assert text.startswith('"') and '";"' in text  # every field quoted, `;`-separated
    good = [row for row in rows if len(row) == 30]
    assert len(rows) - len(good) == 2  # the stray bad lines asked for
    assert all(is_valid_cnpj(row[0] + row[1] + row[2]) for row in good)
    assert {row[3] for row in good} <= {"1", "2"}
    assert {row[5] for row in good} <= {"01", "02", "03", "04", "08"}
    assert all(row[10].isdigit() and len(row[10]) == 8 for row in good)
    active = sum(row[5] == "02" for row in good) / len(good)
    with_email = sum(bool(row[27]) for row in good) / len(good)
    assert 0.4 < active < 0.65 and 0.3 < with_email < 0.6
    assert len({row[19] for row in good}) > 15  # many UFs


def test_an_establishments_cep_and_phone_are_in_its_state(sample_dir):
    """Random CEPs put a company of São Paulo/SP in MG in its scoring (the pipeline trusts the CEP's state)."""
    _text, rows = _rows(sample_dir / "Estabelecimentos0.zip", layout.ESTABLISHMENTS)
    good = [row for row in rows if len(row) == 30]
    assert all(uf_for_cep(row[18][:5]) == row[19] for row in good)
    assert all(DDD_TO_UF[int(row[21])] == row[19] for row in good if row[21])


def test_companies_use_latin1_and_a_decimal_comma(sample_dir):
    raw = zipfile.ZipFile(sample_dir / "Empresas0.zip").read("K3241.K03200Y0.D51113.EMPRECSV")
    assert any(ch in raw.decode("latin-1") for ch in "ÍÃÔÉÜ")  # accented names, one byte each
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    _text, rows = _rows(sample_dir / "Empresas0.zip", layout.COMPANIES)
    assert all(len(row) == 7 for row in rows)
    assert all("," in row[4] and "." not in row[4] for row in rows)
    assert {row[5] for row in rows} <= {"00", "01", "03", "05"}


def test_the_command_writes_files(tmp_path):
    from django.core.management import call_command

    call_command("registry_sample", establishments=50, out=str(tmp_path), no_progress=True)
    assert (tmp_path / "Estabelecimentos0.zip").exists() and (tmp_path / "Empresas0.zip").exists()


def test_municipios_are_real_receita_codes(sample_dir):
    _text, rows = _rows(sample_dir / "Municipios.zip", layout.MUNICIPIOS)
    names = {m.tom: fold(m.name).upper() for m in ibge.municipios() if m.tom}
    assert len(rows) > 200 and all(names[code] == name for code, name in rows)
    assert ("6291", "CAMPINAS") in {(code, name) for code, name in rows}
