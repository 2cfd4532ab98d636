from django.urls import re_path

from registry.views import CompaniesToLeadsView, CompanyDetailView, CompanySearchView

urlpatterns = [
    re_path(r"^registry/companies/?$", CompanySearchView.as_view(), name="registry-companies"),
    re_path(r"^registry/companies/to-leads/?$", CompaniesToLeadsView.as_view(), name="registry-to-leads"),
    re_path(r"^registry/companies/(?P<cnpj>[^/]+?)/?$", CompanyDetailView.as_view(), name="registry-company"),
]
