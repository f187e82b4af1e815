using Mirage.Inference;
using Mirage.Silo.Telemetry;

namespace Mirage.Silo.Http;

/// <summary>Liveness and readiness (anonymous, for load balancers) and Prometheus metrics (admin keys only: they span tenants).</summary>
public static class ServiceApi
{
    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" }))
            .AllowAnonymous()
            .WithSummary("Liveness: 200 while the process runs.");
        app.MapGet("/readyz", async (ReadinessChecks checks, ModelCatalog catalog, CancellationToken cancellationToken) =>
        {
            var problems = await checks.RunAsync(cancellationToken);
            return problems.Count == 0
                ? Results.Ok(new { status = "ready", models = catalog.All.Select(m => new { name = m.Name, device = m.Device }) })
                : new ApiError(StatusCodes.Status503ServiceUnavailable, "Not ready", string.Join("; ", problems)).ToResult();
        })
            .AllowAnonymous()
            .WithSummary("Readiness: the models are loaded (cached for 2 s).")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapMirageMetrics();
        return app;
    }
}
