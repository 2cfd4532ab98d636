# Nellia Prospector — one image for every real-mode process (web, worker, beat, agent server).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Static files (admin, Swagger/ReDoc from the sidecar) are collected at build time and served by WhiteNoise.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && useradd --create-home --uid 10001 nellia \
    && mkdir -p /app/var \
    && chown -R nellia:nellia /app/var

USER nellia
EXPOSE 8000 8765

CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "nellia.asgi:application"]
