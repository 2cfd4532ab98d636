from agents.views import AgentViewSet
from nellia.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("agents", AgentViewSet, basename="agent")

urlpatterns = [*router.urls]
