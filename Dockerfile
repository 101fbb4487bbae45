# exchange-watch: the production image (a worker). Docker does not run where this was built;
# tests/unit/test_deploy_files.py keeps this file in step with the code.
#   docker build -t exchange-watch .
#   docker run -e EXWATCH_BROKER=kafka://broker:9092 -p 6066:6066 \
#       -v exwatch-tables:/var/lib/exchange-watch exchange-watch
#   docker run --rm exchange-watch alerts --json      # any other command of the CLI
# The development setup (JDK, Maven, the local broker, the tests) is the host's: make test.

# Build: the package and its dependencies into a virtual environment (no dev extras, no tests).
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY agents agents
COPY streams streams
RUN python -m venv /opt/exchange-watch \
 && /opt/exchange-watch/bin/pip install . \
 && /opt/exchange-watch/bin/exchange-watch --help >/dev/null

# Runtime: Python and the installed package only, as a user without privileges.
FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 exwatch \
 && useradd --system --uid 10001 --gid exwatch --home-dir /var/lib/exchange-watch exwatch \
 && mkdir -p /var/lib/exchange-watch \
 && chown exwatch:exwatch /var/lib/exchange-watch
COPY --from=build /opt/exchange-watch /opt/exchange-watch
ENV PATH=/opt/exchange-watch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    EXWATCH_WEB_HOST=0.0.0.0 \
    EXWATCH_WEB_PORT=6066 \
    EXWATCH_DATA_DIR=/var/lib/exchange-watch/tables
# The RocksDB tables: keep them across restarts (recovery from the changelogs is slower).
VOLUME ["/var/lib/exchange-watch"]
WORKDIR /var/lib/exchange-watch
USER exwatch
EXPOSE 6066
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('EXWATCH_WEB_PORT', '6066'), timeout=4)"]
ENTRYPOINT ["exchange-watch"]
CMD ["worker"]
