# Build a static (musl) binary, then ship it alone on an empty base image, with /data, owned by the
# image's user, as the state volume (ECI_EMULATOR_STATE_DIR=/data keeps state there).
# scripts/image writes the same image as an archive from a binary built on the host, for `docker load`.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY src src
COPY bench bench
COPY fixtures fixtures
RUN cargo build --release --locked && mkdir /data

FROM scratch
COPY --from=build /src/target/release/eci-emulator /eci-emulator
COPY --from=build --chown=65534:65534 /data /data
ENV ECI_EMULATOR_LISTEN=0.0.0.0:8080
EXPOSE 8080
VOLUME /data
USER 65534:65534
HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=3 CMD ["/eci-emulator", "--probe"]
ENTRYPOINT ["/eci-emulator"]
