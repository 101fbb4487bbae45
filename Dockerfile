# exchange-watch: the same two commands as the README, in a container.
#   docker build -t exchange-watch .
#   docker run --rm exchange-watch             # make demo
#   docker run --rm exchange-watch make test   # the whole suite
#   docker run --rm -e EXWATCH_BROKER=kafka://broker:9092 -p 6066:6066 \
#       -e EXWATCH_WEB_HOST=0.0.0.0 exchange-watch .venv/bin/exchange-watch worker
FROM python:3.11-slim-bookworm

# Java and Maven fetch and run the local Kafka broker; kcat is the independent client of the tests.
RUN apt-get update \
 && apt-get install -y --no-install-recommends make openjdk-17-jre-headless maven kcat \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# The same install step as `make demo` and `make test` (venv, packages, broker jars).
RUN make install

EXPOSE 6066
CMD ["make", "demo"]
