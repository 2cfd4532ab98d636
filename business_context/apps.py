from django.apps import AppConfig


class BusinessContextConfig(AppConfig):
    name = "business_context"
    verbose_name = "Business context"
