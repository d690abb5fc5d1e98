# Build a static binary, then ship it alone. Both bases are fixed releases; add their digests
# (docker buildx imagetools inspect IMAGE) where a registry is reachable. The Go release must
# match go.mod's go line: older ones carry known vulnerabilities in net/http and crypto.
FROM golang:1.27.3-bookworm AS build
ENV GOTOOLCHAIN=local CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/yilianbot ./cmd/yilianbot

# distroless publishes no version tags: debian12 is the release, nonroot the user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yilianbot /yilianbot
USER nonroot:nonroot
# 8080: the webhook (HTTP_ADDR). 8081: the desk, agent API and metrics (ADMIN_ADDR, which
# defaults to 127.0.0.1:8081; set ADMIN_ADDR=:8081 to reach it from the container network).
EXPOSE 8080 8081
# The image has no shell or curl; the binary asks its own /readyz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ["/yilianbot", "healthcheck"]
ENTRYPOINT ["/yilianbot"]
CMD ["serve"]
