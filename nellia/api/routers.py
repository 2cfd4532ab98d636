from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    """Routes answer with or without a trailing slash: the contract writes none, DRF clients often add one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trailing_slash = "/?"  # SimpleRouter.__init__ resets it to "/" or ""
