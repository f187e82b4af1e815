using System.Diagnostics.Metrics;
using Mirage.Inference;
using Mirage.Silo.Http;

namespace Mirage.Silo.Telemetry;

/// <summary>
/// The counters of docs/API.md's metrics table as observable instruments over the counts the pools and
/// the observation gate already keep with Interlocked: the request path pays nothing more, and the
/// values are read only when a scrape asks. The exporter adds <c>_total</c> to counters, so
/// <c>mirage.inference.requests</c> is served as <c>mirage_inference_requests_total</c>.
/// </summary>
public sealed class ServiceMetrics
{
    public ServiceMetrics(MirageMeter mirage, ModelCatalog catalog, ObservationGate observations)
    {
        var meter = mirage.Meter;
        PerModel(meter, catalog, "mirage.inference.requests", "Predict requests scored, by model.", pool => pool.Requests);
        PerModel(meter, catalog, "mirage.inference.runs", "Model runs; fewer than requests when batching merges them.", pool => pool.Runs);
        PerModel(meter, catalog, "mirage.inference.rows", "Inputs scored, by model.", pool => pool.RowsScored);
        PerModel(meter, catalog, "mirage.inference.invalid_outputs",
            "Requests refused (503) because the model's output was not a finite probability distribution.", pool => pool.InvalidOutputs);
        PerModel(meter, catalog, "mirage.inference.abandoned", "Requests dropped unscored because their caller had gone.", pool => pool.Abandoned);
        meter.CreateObservableCounter("mirage.observations.failed", () => observations.Failed,
            unit: null, "Observations that never reached their client's grain (each also logged).");
        meter.CreateObservableCounter("mirage.observations.refused", () => observations.Refused,
            unit: null, "Requests refused (429) because their client had too many observations in flight.");

        var devices = catalog.All
            .Select(m => new Measurement<int>(1, new KeyValuePair<string, object?>("model", m.Name), new("device", m.Device)))
            .ToArray();
        meter.CreateObservableGauge("mirage.model.device", () => devices,
            unit: null, "1 for the device (cpu, cuda) ONNX Runtime runs each model on.");
    }

    private static void PerModel(Meter meter, ModelCatalog catalog, string name, string description, Func<InferencePool, long> read)
    {
        var models = catalog.All.Select(m => (m.Pool, Tag: new KeyValuePair<string, object?>("model", m.Name))).ToArray();
        meter.CreateObservableCounter(name, () => models.Select(m => new Measurement<long>(read(m.Pool), m.Tag)), unit: null, description);
    }
}
