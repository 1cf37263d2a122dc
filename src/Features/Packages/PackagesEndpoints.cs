using K8Posture.Security;
using K8Posture.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace K8Posture.Features.Packages;

/// <summary><c>GET /api/v1/packages</c> ("where is it running?") and the package watches under <c>/api/v1/package-watches</c>.</summary>
public static class PackagesEndpoints
{
    public static IEndpointRouteBuilder MapPackagesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/packages", async Task<Ok<PackageSearchResult>> (string? purl, string? versionRange, PackagesQuery query, CancellationToken ct) =>
            {
                return TypedResults.Ok(await query.FindAsync(purl, versionRange, ct));
            })
            .RequireAuthorization(Policies.ApiRead)
            .WithName("WherePackageRuns").WithTags("Packages")
            .WithSummary("Where is it running? Every cluster, namespace, workload, image and owning team that runs a matching component")
            .WithDescription("purl= names the package (pkg:type/namespace/name; a version in it is ignored); versionRange= is optional: comparisons (<2.17.1, >=2.0.0 <2.17.1, || for or) or purl-spec vers (vers:maven/>=2.0.0|<2.17.1), judged by the ordering of the purl type (semver; Maven; Debian dpkg; RPM, also for apk). Components come from SBOM pushes; workloads from cluster collection and Trivy Operator reports, scoped to the caller's teams. A bad purl or range is a 400 naming the parameter.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        var watches = endpoints.MapGroup("/api/v1/package-watches").RequireAuthorization(Policies.ApiRead).WithTags("Packages");
        watches.MapGet("/", async Task<Ok<IReadOnlyList<PackageWatchView>>> (PackageWatchService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(ct)))
            .WithName("PackageWatches").WithSummary("The saved package queries and how many workloads each matched at its last evaluation");
        watches.MapPost("/", async Task<Created<PackageWatchView>> (HttpContext context, PackageWatchService service, CancellationToken ct) =>
            {
                // Who may is decided before the body is read, so a reader learns nothing from a 400.
                service.RequireManager();
                var request = await JsonBody.ReadAsync<PackageWatchRequest>(context, "Invalid package watch", ct);
                var created = await service.CreateAsync(request, ct);
                return TypedResults.Created($"/api/v1/package-watches/{created.Id}", created);
            })
            .WithName("CreatePackageWatch")
            .WithSummary("Save a package query: every workload running a match gets a finding, now and whenever a later SBOM or collection matches")
            .WithDescription("Body: {\"name\", \"purl\", \"versionRange\", \"severity\"}. Security Team only (Security.Admin, Security.Analyst, or an organisation-wide admin key). The findings (rule package-watch:<id>) are owned by each workload's team and close when the match goes away.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        watches.MapDelete("/{id:int}", async Task<Results<NoContent, NotFound>> (int id, PackageWatchService service, CancellationToken ct) =>
                await service.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("DeletePackageWatch")
            .WithSummary("Delete a package watch; its open findings close")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }
}
