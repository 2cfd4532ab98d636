from celery import shared_task

from accounts.tokens import prune_revoked


@shared_task(ignore_result=True)
def prune_revoked_token_families() -> int:
    """Beat task: drop revocations no token can outlive."""
    return prune_revoked()
