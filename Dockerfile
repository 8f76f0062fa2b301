# Production image for the API and the worker (compose.yml). Development uses `make run` instead.
FROM node:20-bookworm-slim AS dashboard
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm install --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml alembic.ini ./
COPY x8/ x8/
COPY migrations/ migrations/
COPY docs/faq/ docs/faq/
COPY tenant_migrations/ tenant_migrations/
RUN pip install --no-cache-dir .
COPY --from=dashboard /src/frontend/dist frontend/dist
RUN useradd --system --uid 1000 x8 && chown -R x8 /app
USER x8
EXPOSE 8000
CMD ["x8", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-worker"]
