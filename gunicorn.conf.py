"""gunicorn settings of the HTTP tier (real mode): `gunicorn nellia.asgi:application` reads this file.

Several worker processes, each an ASGI event loop (uvicorn worker): Django runs sync views on one thread per
process, so a host serves as many requests at once as it has workers. Real time (`/ws/`, `/socket.io/`) is served
by the Daphne `realtime` service behind the same reverse proxy (deploy/nginx.conf.template); events cross
processes through Redis (channel layer and Socket.IO Redis manager), so any worker can publish them.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# WEB_CONCURRENCY: worker processes per host (default: two per core; each holds its own DB pool).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
worker_class = "uvicorn_worker.UvicornWorker"
# Client addresses from the proxy's X-Forwarded-For (rate limits per IP): trust the proxy network.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 75  # longer than the proxy's upstream keepalive, so the proxy closes idle connections first
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") else None
# No runtime control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) is one per user, shared by every
# gunicorn on the host.
control_socket_disable = True
