# syntax=docker/dockerfile:1
# Tessera's container image: `docker build -t tessera .` (see docs/operations.md, "Docker").
#
# Three build stages and a small runtime:
#   chef     - the Rust toolchain plus cargo-chef, which turns the workspace into a dependency recipe
#   planner  - computes that recipe from the manifests (changes only when a Cargo.toml or Cargo.lock does)
#   builder  - compiles the dependencies alone (the cached layer), then Tessera itself
#   runtime  - Debian slim with the one binary, running as an unprivileged user

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /build

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /build/recipe.json recipe.json
# Dependencies only: this layer is reused until a manifest or the lock file changes.
RUN cargo chef cook --release -p tessera --recipe-path recipe.json
COPY . .
# The web UI (web/) and the SQL migrations are compiled into the binary.
RUN cargo build --release --locked -p tessera --bin tessera \
    && install -m 0755 target/release/tessera /usr/local/bin/tessera

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# CA certificates: Tessera fetches the identity provider's JWKS and discovery document over https.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 tessera \
    && useradd --system --uid 10001 --gid tessera --home-dir /opt/tessera --shell /usr/sbin/nologin tessera \
    # The data directory (SQLite database, generated signing key) is owner-only, as Tessera creates it.
    && install -d -o tessera -g tessera -m 0700 /opt/tessera/data \
    # Where the original's image expects mounted keys (RSA_PRIVATE_KEY_FILE_PATH, RSA_PUBLIC_KEY_FILE_PATH).
    && install -d -m 0755 /etc/openmetadata/jwtkeys
COPY --from=builder /usr/local/bin/tessera /usr/local/bin/tessera
COPY deploy/openmetadata.yaml /opt/tessera/conf/openmetadata.yaml

WORKDIR /opt/tessera
USER tessera:tessera
# TESSERA_DATA_DIR's default ./data is this volume.
VOLUME ["/opt/tessera/data"]
# 8585: API and web UI. 8586: admin (/healthcheck, /prometheus); keep it internal.
EXPOSE 8585 8586
# `tessera healthcheck` asks the admin port of the server configured by the same environment.
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=5 CMD ["tessera", "healthcheck"]
# SIGTERM (docker stop) drains in-flight requests and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["tessera"]
CMD ["serve"]
