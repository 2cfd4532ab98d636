import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from registry import importing
from registry.models import Company, DeferredIndex, Establishment, ImportedFile, Municipio, Partner, Simples
from tests.registry.conftest import SAMPLE_ESTABLISHMENTS


def _lines(path, member=None):
    with zipfile.ZipFile(path) as archive:
        name = member or archive.namelist()[0]
        return list(csv.reader(io.StringIO(archive.read(name).decode("latin-1")), delimiter=";"))


def _write_csv(path, rows):
    with open(path, "w", encoding="latin-1", newline="") as handle:
        csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)


def _indexes(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def _xmin_sum(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(xmin::text::bigint) FROM {table}")
        return cursor.fetchone()


def test_a_month_loads_with_its_rejected_lines_reported(registry, tmp_path, capsys):
    assert Establishment.objects.count() == SAMPLE_ESTABLISHMENTS
    companies = sum(len(_lines(registry / f"Empresas{p}.zip")) for p in (0, 1))
    assert Company.objects.count() == companies
    assert Simples.objects.count() == len(_lines(registry / "Simples.zip"))
    assert Municipio.objects.count() == len(_lines(registry / "Municipios.zip"))
    reports = sorted((tmp_path / "reports").iterdir())
    assert [p.name for p in reports] == ["K3241.K03200Y0.D51113.ESTABELE.rejected.txt",
                                         "K3241.K03200Y1.D51113.ESTABELE.rejected.txt"]
    assert "2 fields instead of 30" in reports[0].read_text()
    assert ImportedFile.objects.filter(status="done").count() == 11
    assert ImportedFile.objects.filter(kind="establishments").values_list("rejected", flat=True).distinct().get() == 2


def test_values_are_converted(registry):
    raw = next(row for row in _lines(registry / "Estabelecimentos0.zip") if len(row) == 30 and row[6] == "0")
    establishment = Establishment.objects.get(cnpj=raw[0] + raw[1] + raw[2])
    assert establishment.situacao_date is None  # `0` is no date
    assert establishment.opened_at.strftime("%Y%m%d") == raw[10]
    assert establishment.cnae_principal_id == raw[11] and establishment.cnae_division == int(raw[11][:2])
    assert establishment.matriz is (raw[3] == "1")
    company_row = next(row for row in _lines(registry / "Empresas0.zip") if row[0] == raw[0])
    company = Company.objects.get(pk=raw[0])
    assert company.capital_social == Decimal(company_row[4].replace(",", "."))
    assert company.search_name == importing.fold_name(company_row[1])
    # The name search reads one column: the nome fantasia and the company's razão social, folded.
    assert establishment.search_name == f"{importing.fold_name(raw[4])} {company.search_name}".strip()


@pytest.mark.usefixtures("postgresql_only")  # PostgreSQL's indexes (pg_indexes) and row versions (xmin)
def test_indexes_are_rebuilt_after_a_first_bulk_load(registry):
    assert {"reg_est_active_div_uf", "reg_est_name_fts", "reg_est_cnaes_trgm"} <= _indexes("registry_establishment")
    assert not DeferredIndex.objects.exists()


@pytest.mark.usefixtures("postgresql_only")  # PostgreSQL's indexes (pg_indexes) and row versions (xmin)
def test_an_interrupted_load_gets_its_indexes_back(registry, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'reg_est_active_div_uf'")
        definition = cursor.fetchone()[0]
        cursor.execute("DROP INDEX reg_est_active_div_uf")
    DeferredIndex.objects.create(name="reg_est_active_div_uf", definition=definition)
    call_command("registry_import", str(registry), report_dir=str(tmp_path), no_progress=True)
    assert "reg_est_active_div_uf" in _indexes("registry_establishment")


@pytest.mark.usefixtures("postgresql_only")  # PostgreSQL's indexes (pg_indexes) and row versions (xmin)
def test_the_same_month_twice_changes_nothing(registry, tmp_path, capsys):
    before = {t: _xmin_sum(t) for t in ("registry_establishment", "registry_company", "registry_simples")}
    call_command("registry_import", str(registry), report_dir=str(tmp_path), no_progress=True)
    assert "skipped, already imported" in capsys.readouterr().out
    call_command("registry_import", str(registry), report_dir=str(tmp_path), force=True, no_progress=True)
    assert {t: _xmin_sum(t) for t in before} == before  # not a single row rewritten
    assert not Establishment.objects.exclude(removed_month="").exists()


def test_a_new_month_replaces_what_changed_and_marks_what_disappeared(registry, tmp_path):
    rows = [row for p in (0, 1) for row in _lines(registry / f"Estabelecimentos{p}.zip") if len(row) == 30]
    gone = rows[:10]
    changed = rows[10]
    changed[27] = "novo@exemplo.com.br"
    month = tmp_path / "2025-12"
    month.mkdir()
    _write_csv(month / "K3241.K03200Y0.D51213.ESTABELE", rows[10:])
    call_command("registry_import", str(month), report_dir=str(tmp_path), no_progress=True)
    cnpj = "".join(changed[:3])
    assert Establishment.objects.get(pk=cnpj).email == "novo@exemplo.com.br"
    removed = Establishment.objects.filter(removed_month="2025-12")
    assert set(removed.values_list("cnpj", flat=True)) == {"".join(row[:3]) for row in gone}
    assert Establishment.objects.filter(month="2025-12", removed_month="").count() == len(rows) - 10
    # A single file is not a whole month: nothing more is marked.
    _write_csv(tmp_path / "K3241.K03200Y0.D60113.ESTABELE", rows[20:21])
    call_command("registry_import", str(tmp_path / "K3241.K03200Y0.D60113.ESTABELE"), report_dir=str(tmp_path),
                 no_progress=True)
    assert Establishment.objects.exclude(removed_month="").count() == 10


@pytest.mark.usefixtures("postgresql_only")  # PostgreSQL's indexes (pg_indexes) and row versions (xmin)
def test_an_import_resumes_at_the_file_that_failed(db, sample_dir, tmp_path, monkeypatch):
    real = importing.import_source

    def failing(source, **kwargs):
        if source.name.endswith("Y1.D51113.ESTABELE"):
            raise RuntimeError("disk full")
        return real(source, **kwargs)

    monkeypatch.setattr(importing, "import_source", failing)
    with pytest.raises(RuntimeError):
        call_command("registry_import", str(sample_dir), report_dir=str(tmp_path), no_progress=True)
    assert "reg_est_active_div_uf" in _indexes("registry_establishment")  # rebuilt even after the failure
    loaded = Establishment.objects.count()
    assert 0 < loaded < SAMPLE_ESTABLISHMENTS
    monkeypatch.setattr(importing, "import_source", real)
    out = io.StringIO()
    call_command("registry_import", str(sample_dir), report_dir=str(tmp_path), no_progress=True, stdout=out)
    assert out.getvalue().count("skipped, already imported") == 9  # 6 tables, 2 companies, 1 establishments
    assert Establishment.objects.count() == SAMPLE_ESTABLISHMENTS


PARTNER_ROWS = [
    ["10007919", "2", "MARIA DA SILVA", "12345678901", "49", "20200101", "", "***000000**", "", "00", "4"],
    ["10007919", "2", "JOSE SOUZA", "***456789**", "22", "0", "", "", "", "00", "5"],
    ["10007919", "1", "HOLDING SA", "11222333000181", "22", "20200101", "", "", "", "00", "0"],
]


def test_partners_are_stored_only_when_enabled_and_cpfs_stay_masked(db, tmp_path, settings):
    path = tmp_path / "K3241.K03200Y0.D51113.SOCIOCSV"
    _write_csv(path, PARTNER_ROWS)
    out = io.StringIO()
    call_command("registry_import", str(path), report_dir=str(tmp_path), no_progress=True, stdout=out)
    assert "REGISTRY_STORE_PARTNERS is off" in out.getvalue()
    assert not Partner.objects.exists()
    settings.REGISTRY_STORE_PARTNERS = True
    call_command("registry_import", str(path), report_dir=str(tmp_path), no_progress=True)
    documents = dict(Partner.objects.values_list("name", "document"))
    assert documents == {"MARIA DA SILVA": "***456789**", "JOSE SOUZA": "***456789**", "HOLDING SA": "11222333000181"}
    call_command("registry_import", str(path), report_dir=str(tmp_path), force=True, no_progress=True)
    assert Partner.objects.count() == 3  # replaced, not duplicated


def test_extracted_csvs_with_bad_lines(db, tmp_path):
    path = tmp_path / "K3241.K03200Y0.D51113.EMPRECSV"
    with open(path, "w", encoding="latin-1", newline="") as handle:
        handle.write('"12345678";"AÇÚCAR E CIA LTDA";"2062";"49";"1000,50";"03";""\n')
        handle.write('"1234567X";"BAD CNPJ";"2062";"49";"1000,00";"01";""\n')
        handle.write('"87654321";"CAPITAL RUIM";"2062";"49";"mil";"01";""\n')
        handle.write('"11111111";"NUL\x00 NAME";"2062";"49";"0,00";"05";""\n')
    report = importing.import_source(importing.sources_in(path)[0], month="2025-11")
    assert (report.rows, report.rejected) == (2, 2)
    assert [reason for _line, reason, _raw in report.rejected_lines] == [
        "CNPJ básico '1234567X' is not 8 digits", "capital social 'mil' is not a number"]
    company = Company.objects.get(pk="12345678")
    assert (company.razao_social, company.search_name, company.capital_social, company.porte) == (
        "AÇÚCAR E CIA LTDA", "acucar e cia ltda", Decimal("1000.50"), "03")
    assert Company.objects.get(pk="11111111").razao_social == "NUL NAME"


@pytest.mark.parametrize("name,message", [("missing.zip", "no such file"), ("notes.txt", "not a published CNPJ file")])
def test_bad_paths_are_refused(db, tmp_path, name, message):
    if name != "missing.zip":
        (tmp_path / name).write_text("hello")
    with pytest.raises(CommandError, match=message):
        call_command("registry_import", str(tmp_path / name), no_progress=True)


def test_a_broken_zip_is_refused(db, tmp_path):
    (tmp_path / "Empresas0.zip").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(CommandError):
        call_command("registry_import", str(tmp_path / "Empresas0.zip"), no_progress=True)
