# Build a static (musl) binary, then ship it alone on an empty base image.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY src src
COPY bench bench
COPY fixtures fixtures
RUN cargo build --release --locked

FROM scratch
COPY --from=build /src/target/release/eci-emulator /eci-emulator
ENV ECI_EMULATOR_LISTEN=0.0.0.0:8080
EXPOSE 8080
USER 65534:65534
HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=3 CMD ["/eci-emulator", "--probe"]
ENTRYPOINT ["/eci-emulator"]
