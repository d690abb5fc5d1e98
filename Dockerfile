# Build a static binary, then ship it alone.
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/yilianbot ./cmd/yilianbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/yilianbot /yilianbot
EXPOSE 8080
ENTRYPOINT ["/yilianbot"]
CMD ["serve"]
