from django.urls import re_path

from business_context.views import BusinessContextView

urlpatterns = [
    re_path(r"^business-context/?$", BusinessContextView.as_view(), name="business-context"),
]
