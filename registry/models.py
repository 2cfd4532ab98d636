"""The national CNPJ registry (Receita Federal open data): companies, establishments, Simples/MEI, partners and
the reference tables, as published. Codes stay codes (the reference tables describe them); foreign keys to the
reference tables carry no database constraint, since a month's files may reference a code its tables lack.

Every loaded row records the `month` of the files it last appeared in; a row missing from a complete later month
gets `removed_month` (it disappeared from the registry) instead of being deleted.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

ACTIVE = "02"
LISTED_ACTIVE = Q(situacao=ACTIVE, removed_month="")


class ReferenceTable(models.Model):
    code = models.CharField(max_length=7, primary_key=True)
    description = models.CharField(max_length=255)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Cnae(ReferenceTable):
    class Meta(ReferenceTable.Meta):
        verbose_name = "CNAE"


class Municipio(ReferenceTable):
    """Receita's own municipality codes (TOM/SIAFI, 4 digits): not IBGE's. The published table has no UF, nor the
    IBGE code: `ibge_code` comes from the shipped mapping (`registry.ibge`), at import and by migration 0003."""

    search_name = models.CharField(max_length=255, blank=True, db_index=True, help_text="Folded name (no accents).")
    ibge_code = models.CharField(max_length=7, blank=True, db_index=True,
                                 help_text="IBGE's code (7 digits); blank when the mapping lacks this code.")

    class Meta(ReferenceTable.Meta):
        verbose_name = "município"


class NaturezaJuridica(ReferenceTable):
    class Meta(ReferenceTable.Meta):
        verbose_name = "natureza jurídica"


class Motivo(ReferenceTable):
    class Meta(ReferenceTable.Meta):
        verbose_name = "motivo de situação cadastral"


class Pais(ReferenceTable):
    class Meta(ReferenceTable.Meta):
        verbose_name = "país"
        verbose_name_plural = "países"


class Qualificacao(ReferenceTable):
    class Meta(ReferenceTable.Meta):
        verbose_name = "qualificação"


class Company(models.Model):
    """A company (CNPJ básico: the first 8 digits), shared by its head office and branches."""

    class Porte(models.TextChoices):
        NAO_INFORMADO = "00", "Não informado"
        ME = "01", "Microempresa"
        EPP = "03", "Empresa de pequeno porte"
        DEMAIS = "05", "Demais"

    cnpj_basico = models.CharField(max_length=8, primary_key=True)
    razao_social = models.CharField(max_length=255)
    search_name = models.CharField(max_length=255, blank=True, help_text="Folded razão social (no accents).")
    natureza_juridica = models.ForeignKey(
        NaturezaJuridica, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True,
        db_column="natureza_juridica", related_name="+",
    )
    qualificacao_responsavel = models.CharField(max_length=4, blank=True)
    capital_social = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    porte = models.CharField(max_length=2, choices=Porte.choices, default=Porte.NAO_INFORMADO)
    ente_federativo = models.CharField(max_length=255, blank=True)
    month = models.CharField(max_length=7, help_text="Month of the files this row last appeared in.")
    removed_month = models.CharField(max_length=7, blank=True, help_text="First complete month it was missing from.")

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["cnpj_basico"]

    def __str__(self) -> str:
        return f"{self.cnpj_basico} {self.razao_social}"


class Simples(models.Model):
    """Simples Nacional and MEI options of a company (the SIMPLES file, keyed by CNPJ básico)."""

    cnpj_basico = models.CharField(max_length=8, primary_key=True)
    simples = models.BooleanField(null=True)
    simples_since = models.DateField(null=True, blank=True)
    simples_until = models.DateField(null=True, blank=True)
    mei = models.BooleanField(null=True)
    mei_since = models.DateField(null=True, blank=True)
    mei_until = models.DateField(null=True, blank=True)
    month = models.CharField(max_length=7)
    removed_month = models.CharField(max_length=7, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Simples/MEI"
        ordering = ["cnpj_basico"]
        indexes = [
            models.Index(fields=["cnpj_basico"], condition=Q(simples=True), name="reg_simples_yes"),
            models.Index(fields=["cnpj_basico"], condition=Q(mei=True), name="reg_mei_yes"),
        ]

    def __str__(self) -> str:
        return f"{self.cnpj_basico} simples={self.simples} mei={self.mei}"


class Establishment(models.Model):
    """An establishment (full 14-digit CNPJ): the head office (matriz) or a branch (filial) of a company."""

    class Situacao(models.TextChoices):
        NULA = "01", "Nula"
        ATIVA = "02", "Ativa"
        SUSPENSA = "03", "Suspensa"
        INAPTA = "04", "Inapta"
        BAIXADA = "08", "Baixada"

    cnpj = models.CharField(max_length=14, primary_key=True)
    company = models.ForeignKey(
        Company, on_delete=models.DO_NOTHING, db_constraint=False, null=True, db_column="cnpj_basico",
        related_name="establishments",
    )
    matriz = models.BooleanField(default=True)
    nome_fantasia = models.CharField(max_length=255, blank=True)
    search_name = models.CharField(
        max_length=520, blank=True,
        help_text="Folded nome fantasia and razão social (no accents): what the name search matches.",
    )
    situacao = models.CharField(max_length=2, choices=Situacao.choices, default=Situacao.ATIVA)
    situacao_date = models.DateField(null=True, blank=True)
    motivo = models.CharField(max_length=4, blank=True)
    cidade_exterior = models.CharField(max_length=255, blank=True)
    pais = models.CharField(max_length=4, blank=True)
    opened_at = models.DateField(null=True, blank=True)
    cnae_principal = models.ForeignKey(
        Cnae, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True,
        db_column="cnae_principal", related_name="+",
    )
    cnae_division = models.PositiveSmallIntegerField(null=True, blank=True)
    cnaes_secundarios = models.TextField(blank=True, help_text="',4930202,5211701,': comma-wrapped for prefix search.")
    tipo_logradouro = models.CharField(max_length=60, blank=True)
    logradouro = models.CharField(max_length=255, blank=True)
    numero = models.CharField(max_length=60, blank=True)
    complemento = models.CharField(max_length=255, blank=True)
    bairro = models.CharField(max_length=120, blank=True)
    cep = models.CharField(max_length=8, blank=True)
    uf = models.CharField(max_length=2, blank=True)
    municipio = models.ForeignKey(
        Municipio, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True,
        db_column="municipio", related_name="+",
    )
    phone1 = models.CharField(max_length=16, blank=True)
    phone2 = models.CharField(max_length=16, blank=True)
    fax = models.CharField(max_length=16, blank=True)
    email = models.CharField(max_length=255, blank=True)
    has_email = models.BooleanField(default=False)
    has_phone = models.BooleanField(default=False)
    situacao_especial = models.CharField(max_length=255, blank=True)
    situacao_especial_date = models.DateField(null=True, blank=True)
    month = models.CharField(max_length=7)
    removed_month = models.CharField(max_length=7, blank=True)

    class Meta:
        ordering = ["cnpj"]
        # The search's main paths over listed, active establishments (about half the registry), in CNPJ order,
        # with the contact flags included so a capped count is an index-only scan.
        indexes = [
            models.Index(fields=["cnae_division", "uf", "cnpj"], include=["has_email", "has_phone"],
                         condition=LISTED_ACTIVE, name="reg_est_active_div_uf"),
            models.Index(fields=["uf", "municipio", "cnpj"], include=["has_email", "has_phone"],
                         condition=LISTED_ACTIVE, name="reg_est_active_uf_mun"),
            models.Index(fields=["cnae_principal", "uf"], name="reg_est_cnae_uf"),
            models.Index(fields=["cnpj"], include=["has_email", "has_phone"], condition=LISTED_ACTIVE,
                         name="reg_est_active"),
        ]

    def __str__(self) -> str:
        return f"{self.cnpj} {self.nome_fantasia}".strip()

    @property
    def cnpj_basico(self) -> str:
        return self.cnpj[:8]


class Partner(models.Model):
    """A partner (sócio) of a company. Stored only when REGISTRY_STORE_PARTNERS is on (LGPD): natural persons'
    CPFs stay masked as published (`***123456**`); the importer masks any unmasked one the same way."""

    class Kind(models.TextChoices):
        COMPANY = "1", "Pessoa jurídica"
        PERSON = "2", "Pessoa física"
        FOREIGN = "3", "Estrangeiro"

    company = models.ForeignKey(
        Company, on_delete=models.DO_NOTHING, db_constraint=False, db_column="cnpj_basico", related_name="partners",
    )
    kind = models.CharField(max_length=1, choices=Kind.choices)
    name = models.CharField(max_length=255)
    document = models.CharField(max_length=14, blank=True, help_text="CNPJ, or CPF masked as published.")
    qualificacao = models.CharField(max_length=4, blank=True)
    joined_at = models.DateField(null=True, blank=True)
    pais = models.CharField(max_length=4, blank=True)
    representative_document = models.CharField(max_length=14, blank=True)
    representative_name = models.CharField(max_length=255, blank=True)
    representative_qualificacao = models.CharField(max_length=4, blank=True)
    age_range = models.CharField(max_length=2, blank=True)
    month = models.CharField(max_length=7)

    class Meta:
        ordering = ["company_id", "name"]

    def __str__(self) -> str:
        return f"{self.company_id} {self.name}"


class ImportedFile(models.Model):
    """One published file loaded (or being loaded) into the registry: what makes imports resumable per file."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    month = models.CharField(max_length=7)
    kind = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["name", "size", "month"], name="reg_imported_file_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.month}, {self.status})"


class DeferredIndex(models.Model):
    """An index dropped for an initial bulk load (PostgreSQL), kept here until it is rebuilt, so an interrupted
    load still gets it back on the next run."""

    name = models.CharField(max_length=63, primary_key=True)
    definition = models.TextField()

    def __str__(self) -> str:
        return self.name
