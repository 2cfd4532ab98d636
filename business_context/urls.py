from django.urls import re_path

from business_context.views import BusinessContextHistoryView, BusinessContextView

urlpatterns = [
    re_path(r"^business-context/?$", BusinessContextView.as_view(), name="business-context"),
    re_path(r"^business-context/history/?$", BusinessContextHistoryView.as_view(), name="business-context-history"),
]
