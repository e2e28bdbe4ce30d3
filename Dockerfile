# syntax=docker/dockerfile:1
#
# One image holding all five binaries (gateway identity offices careboard notify);
# each Kubernetes Deployment picks its binary with `command`. One image means one
# build, one scan and one tag per release, and the services cannot drift apart.
#
#   docker build -t renrakucho:latest .

FROM rust:1-bookworm AS builder
WORKDIR /src
# sqlx macros must not try to reach a database during an image build: with query
# macros they use the checked-in .sqlx data, or fail with a clear message.
ENV SQLX_OFFLINE=true
COPY . .
# rust-toolchain.toml pins the compiler; rustup in this image honours it and
# fetches that version if the image ships another one.
# The cache mounts keep the registry and target/ between builds (BuildKit), so the
# binaries must be copied out of target/ within the same RUN.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bins \
        -p gateway -p identity -p offices -p careboard -p notify \
    && mkdir -p /out \
    && cp target/release/gateway target/release/identity target/release/offices \
          target/release/careboard target/release/notify /out/

# distroless/cc: glibc and libgcc for the Rust binaries, CA certificates and
# tzdata, and nothing else: no shell, no package manager for an intruder to use.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /out/ /usr/local/bin/
# The uid the Kubernetes manifests require (runAsNonRoot, runAsUser 65532).
USER 65532:65532
# 8443 gateway (HTTPS), 50051 gRPC services, 9090 admin (metrics, health).
EXPOSE 8443 50051 9090
# No ENTRYPOINT: the binary is chosen per container, e.g.
#   docker run --rm renrakucho:latest gateway
