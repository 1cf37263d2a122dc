# syntax=docker/dockerfile:1
# K8Posture: SDK build stage, then the ASP.NET Core runtime only. Not built on the CI machines (no Docker daemon there);
# .ci/run lints this file. Build: docker build -t k8posture:$(git rev-parse --short HEAD) .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props K8Posture.csproj ./
RUN dotnet restore K8Posture.csproj
COPY src/ src/
COPY Migrations/ Migrations/
COPY wwwroot/ wwwroot/
COPY appsettings.json ./
RUN dotnet publish K8Posture.csproj --configuration Release --no-restore --output /app /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Writable places are volumes, so the root filesystem can be read-only: /data (the SQLite file and its Hangfire file,
# when SQLite is the database) and /tmp. Nothing secret is baked in: configuration comes from the environment.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__K8Posture="Data Source=/data/k8posture.db" \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME ["/data", "/tmp"]
# The aspnet image's non-root "app" user (uid 1654), by number so runAsNonRoot can verify it.
USER 1654
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "K8Posture.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "K8Posture.dll"]
