"""`Municipio.ibge_code`, filled from the shipped IBGE mapping for a registry loaded before it existed (later
imports fill it as they load the município table)."""

from django.db import migrations, models

from registry.ibge import ibge_by_tom


def fill(apps, schema_editor):
    Municipio = apps.get_model("registry", "Municipio")
    codes = ibge_by_tom()
    found = list(Municipio.objects.filter(code__in=list(codes)).only("code"))
    for municipio in found:
        municipio.ibge_code = codes[municipio.code]
    Municipio.objects.bulk_update(found, ["ibge_code"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0002_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='municipio',
            name='ibge_code',
            field=models.CharField(blank=True, db_index=True, help_text="IBGE's code (7 digits); blank when the mapping lacks this code.", max_length=7),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
