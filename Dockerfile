# Build a static binary, then ship it alone.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/yilianbot ./cmd/yilianbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yilianbot /yilianbot
# 8080: the webhook (HTTP_ADDR). 8081: the desk, agent API and metrics (ADMIN_ADDR, which
# defaults to 127.0.0.1:8081; set ADMIN_ADDR=:8081 to reach it from the container network).
EXPOSE 8080 8081
ENTRYPOINT ["/yilianbot"]
CMD ["serve"]
