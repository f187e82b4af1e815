using System.Globalization;
using System.Text;
using Mirage.Inference;

namespace Mirage.Silo.Http;

/// <summary>Liveness, readiness and Prometheus metrics.</summary>
public static class ServiceApi
{
    public static IEndpointRouteBuilder MapServiceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" }));
        app.MapGet("/readyz", async (ReadinessChecks checks, ModelCatalog catalog, CancellationToken cancellationToken) =>
        {
            var problems = await checks.RunAsync(cancellationToken);
            return problems.Count == 0
                ? Results.Ok(new { status = "ready", models = catalog.All.Select(m => new { name = m.Name, device = m.Device }) })
                : new ApiError(StatusCodes.Status503ServiceUnavailable, "Not ready", string.Join("; ", problems)).ToResult();
        });
        app.MapGet("/metrics", (ModelCatalog catalog, ObservationGate observations) =>
            Results.Text(Metrics(catalog, observations), "text/plain; version=0.0.4"));
        return app;
    }

    private static string Metrics(ModelCatalog catalog, ObservationGate observations)
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

        Family(text, "mirage_model_device", "gauge", "1 for the device (cpu, cuda) ONNX Runtime runs each model on.");
        foreach (var model in catalog.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"mirage_model_device{{model=\"{model.Name}\",device=\"{model.Device}\"}} 1\n");
        }

        Family(text, "mirage_observations_failed_total", "counter", "Observations that never reached their client's grain (each also logged).");
        text.Append(CultureInfo.InvariantCulture, $"mirage_observations_failed_total {observations.Failed}\n");
        Family(text, "mirage_observations_refused_total", "counter", "Requests refused (429) because their client had too many observations in flight.");
        text.Append(CultureInfo.InvariantCulture, $"mirage_observations_refused_total {observations.Refused}\n");
        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private static void Sample(StringBuilder text, string name, string model, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}{{model=\"{model}\"}} {value}\n");
}
