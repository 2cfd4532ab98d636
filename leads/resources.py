"""django-import-export resource for the leads admin: export the list's columns, import through our validation.

Import rules are the API import's (`leads.importing.build_lead`): the same columns and aliases, website
normalisation, field validation; a row whose website the importing admin already has (or that repeats one in the
file) is skipped. Imported leads belong to the admin who imports them. One `metrics.updated` is published after
a confirmed import (no per-lead events).
"""

from typing import Any

from import_export import fields, resources

from leads import importing
from leads.exporting import FLAT_FIELDS
from leads.hooks import leads_changed
from leads.models import Lead


class LeadResource(resources.ModelResource):
    owner = fields.Field(attribute="owner__email", column_name="owner", readonly=True)

    class Meta:
        model = Lead
        fields = (*FLAT_FIELDS, "owner")
        export_order = (*FLAT_FIELDS, "owner")
        force_init_instance = True  # imports only create; they never overwrite leads by id
        clean_model_instances = False  # build_lead validated already
        skip_diff = True

    def get_user_visible_fields(self) -> list[fields.Field]:
        """What the import page lists: only the columns an import sets (`importing.IMPORT_FIELDS`); status,
        scores and the rest of an export's columns are ignored on import."""
        return [field for field in self.get_import_fields() if field.column_name in importing.IMPORT_FIELDS]

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self._seen: set[str] = set()
        owner = kwargs.get("user")
        if owner is None:
            raise ValueError("An import needs the importing user.")
        self._owner = owner

    def init_instance(self, row: Any = None) -> Lead:
        data = {importing._column(key): value for key, value in dict(row or {}).items()}
        return importing.build_lead(owner=self._owner, row=data)  # ValidationError → an invalid row

    def import_instance(self, instance: Lead, row: Any, **kwargs: Any) -> None:
        """Fields were set by `init_instance`; pipeline columns of an export are not imported."""

    def skip_row(self, instance: Lead, original: Any, row: Any, import_validation_errors: Any = None) -> bool:
        if not instance.website_key:
            return False
        if instance.website_key in self._seen:
            return True
        self._seen.add(instance.website_key)
        return Lead.objects.filter(owner=self._owner, website_key=instance.website_key).exists()

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        if not kwargs.get("dry_run") and result.totals.get("new"):
            leads_changed(self._owner.pk, "always")
