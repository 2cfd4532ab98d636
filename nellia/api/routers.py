from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Routes answer with or without a trailing slash: the contract writes none, DRF clients often add one."""

    trailing_slash = "/?"
