from django.urls import re_path

from registry.views import CompaniesToLeadsView, CompanyDetailView, CompanySearchView

urlpatterns = [
    re_path(r"^registry/companies/?$", CompanySearchView.as_view(), name="registry-companies"),
    re_path(r"^registry/companies/to-leads/?$", CompaniesToLeadsView.as_view(), name="registry-to-leads"),
    # `12.345.678/0001-95` as pasted (its slash included) or plain digits.
    re_path(r"^registry/companies/(?P<cnpj>[\d.]+/[\d-]+|[^/]+?)/?$", CompanyDetailView.as_view(), name="registry-company"),
]
