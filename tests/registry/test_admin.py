from django.urls import reverse

from registry.models import Company, Establishment


def test_the_registry_admin_is_read_only_and_searchable(client, admin_user, registry):
    client.force_login(admin_user)
    url = reverse("admin:registry_establishment_changelist")
    establishment = Establishment.objects.select_related("company").exclude(nome_fantasia="").first()
    by_cnpj = client.get(url, {"q": establishment.cnpj[:12]})
    assert by_cnpj.status_code == 200 and establishment.cnpj in by_cnpj.text
    word = establishment.company.razao_social.split()[0]
    by_name = client.get(url, {"q": word.lower(), "situacao__exact": establishment.situacao, "uf__exact": establishment.uf})
    assert by_name.status_code == 200 and establishment.cnpj in by_name.text
    change = client.get(reverse("admin:registry_establishment_change", args=[establishment.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.text
    assert client.get(reverse("admin:registry_establishment_add")).status_code == 403
    accented = Company.objects.filter(razao_social__regex="[ÍÃÔÉÜ]").first()
    word = next(w for w in accented.razao_social.split() if not w.isascii())
    plain = word.translate(str.maketrans("ÍÃÔÉÜ", "IAOEU"))
    response = client.get(reverse("admin:registry_company_changelist"), {"q": plain})
    assert accented.cnpj_basico in response.text
