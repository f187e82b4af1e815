using System.Globalization;
using System.Text;
using Mirage.Inference;
using Mirage.Silo.Runtime;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>Liveness and readiness (anonymous, for load balancers) and Prometheus metrics (admin keys only: they span tenants).</summary>
public static class ServiceApi
{
    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).AllowAnonymous();
        app.MapGet("/readyz", async (ReadinessChecks checks, CancellationToken cancellationToken) =>
        {
            var problems = await checks.RunAsync(cancellationToken);
            return problems.Count == 0
                ? Results.Ok(new { status = "ready" })
                : new ApiError(StatusCodes.Status503ServiceUnavailable, "Not ready", string.Join("; ", problems)).ToResult();
        }).AllowAnonymous();
        app.MapGet("/metrics", (ModelCatalog catalog, GrainRuntime runtime) =>
            Results.Text(Metrics(catalog, runtime), "text/plain; version=0.0.4"))
            .RequireAuthorization(MiragePolicies.Admin);
        return app;
    }

    private static string Metrics(ModelCatalog catalog, GrainRuntime runtime)
    {
        var text = new StringBuilder();
        Family(text, "mirage_inference_requests_total", "counter", "Predict requests scored, by model.");
        foreach (var model in catalog.All)
        {
            Sample(text, "mirage_inference_requests_total", model.Name, model.Pool.Requests);
        }

        Family(text, "mirage_inference_runs_total", "counter", "Model runs; fewer than requests when batching merges them.");
        foreach (var model in catalog.All)
        {
            Sample(text, "mirage_inference_runs_total", model.Name, model.Pool.Runs);
        }

        Family(text, "mirage_inference_rows_total", "counter", "Inputs scored, by model.");
        foreach (var model in catalog.All)
        {
            Sample(text, "mirage_inference_rows_total", model.Name, model.Pool.RowsScored);
        }

        Family(text, "mirage_inference_invalid_outputs_total", "counter",
            "Requests refused (503) because the model's output was not a finite probability distribution.");
        foreach (var model in catalog.All)
        {
            Sample(text, "mirage_inference_invalid_outputs_total", model.Name, model.Pool.InvalidOutputs);
        }

        Family(text, "mirage_inference_abandoned_total", "counter", "Requests dropped unscored because their caller had gone.");
        foreach (var model in catalog.All)
        {
            Sample(text, "mirage_inference_abandoned_total", model.Name, model.Pool.Abandoned);
        }

        Family(text, "mirage_grain_activations", "gauge", "Grain activations alive in this silo.");
        text.Append(CultureInfo.InvariantCulture, $"mirage_grain_activations {runtime.ActiveCount}\n");
        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void Sample(StringBuilder text, string name, string model, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{model=\"{model}\"}} {value}\n");
}
