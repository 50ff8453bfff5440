# netcrm production image: gunicorn web, Celery worker and beat (see docker-compose.yml).

# --- front-end assets: the pinned npm packages (bootstrap, ...) from package-lock.json ---
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
# Runtime packages only: vnu-jar (the HTML checker the tests run) stays out of the image.
RUN npm ci --omit=dev --no-audit --no-fund

# --- application -------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=netcrm.settings \
    NETCRM_DATA_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles
# Fail closed: production settings unless a run says DEBUG=1; they refuse the dev SECRET_KEY.
ENV DEBUG=0
WORKDIR /app

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --from=assets /assets/node_modules ./node_modules
COPY . .
RUN mkdir -p var staticfiles && chown -R app:app var staticfiles

USER app
EXPOSE 8000
# docker-compose.yml runs migrate + collectstatic before this; worker/beat override it.
CMD ["gunicorn", "netcrm.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
