using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mirage.Inference;

/// <summary>
/// The histograms of the inference pools' model runs: how long ONNX Runtime took and how many rows it
/// scored at once. One instance for every pool of a host, on the host's meter, so each name is one
/// instrument; a pool tags its records with its model.
/// </summary>
public sealed class InferenceRunMetrics
{
    public const string RunDurationName = "mirage.inference.run.duration";
    public const string BatchRowsName = "mirage.inference.batch.rows";

    // Runs take from ~0.1 ms (one row) to tens of ms (a full batch on a busy CPU); OpenTelemetry's
    // default boundaries (0 to 10,000) would put every run in the first bucket.
    private static readonly double[] RunSecondsBoundaries =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private static readonly int[] BatchRowsBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private readonly Histogram<double> _runSeconds;
    private readonly Histogram<int> _batchRows;

    public InferenceRunMetrics(Meter meter)
    {
        _runSeconds = meter.CreateHistogram(
            RunDurationName, "s", "Time ONNX Runtime took for one model run (one batch), by model.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RunSecondsBoundaries });
        _batchRows = meter.CreateHistogram(
            BatchRowsName, "{row}", "Rows scored by one model run (the batch size), by model.",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchRowsBoundaries });
    }

    /// <summary>Records one run; <paramref name="model"/> is the pool's prebuilt tag, so recording allocates nothing.</summary>
    public void RecordRun(KeyValuePair<string, object?> model, int rows, long startTimestamp)
    {
        _runSeconds.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, model);
        _batchRows.Record(rows, model);
    }
}
