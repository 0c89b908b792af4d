# Production image: gunicorn serves the portal; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir "uv==0.9.30" \
 && useradd --system --create-home --uid 1000 portal

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY --chown=portal:portal . .
# Build-time values only: collectstatic and compilemessages touch neither database nor Redis.
RUN SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost PERSONAL_DATA_HASH_KEY=build KARTA_SIGNING_KEYS='{"build": ""}' \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    sh -c 'python manage.py collectstatic --noinput && python manage.py compilemessages --ignore ".venv/*"' \
 && mkdir -p /app/var/private && chown -R portal:portal /app/var

USER portal
ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
