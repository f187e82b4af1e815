using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mirage.Inference;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Mirage.Silo.Tests.Telemetry;

/// <summary>The run histograms are recorded on the inference workers' path: recording must not allocate.</summary>
public sealed class InferenceRunMetricsTests
{
    [Fact]
    public void Recording_a_run_allocates_nothing_while_opentelemetry_listens()
    {
        using var meter = new Meter($"mirage-test-{Guid.NewGuid():N}");
        var exported = new CountingExporter();
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meter.Name)
            .AddReader(new BaseExportingMetricReader(exported))
            .Build();
        var metrics = new InferenceRunMetrics(meter);
        var model = new KeyValuePair<string, object?>("model", "fmnist-cnn");
        metrics.RecordRun(model, 8, Stopwatch.GetTimestamp());  // the first record of a tag set creates its point

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            metrics.RecordRun(model, 1 + (i % 64), Stopwatch.GetTimestamp());
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        provider.ForceFlush();

        Assert.Equal(0, allocated);
        // Both histograms were listened to (so the loop above measured a recording, not a no-op).
        Assert.Equal([InferenceRunMetrics.BatchRowsName, InferenceRunMetrics.RunDurationName], exported.Names.Order());
        Assert.Equal(1_001, exported.Counts[InferenceRunMetrics.BatchRowsName]);
    }

    private sealed class CountingExporter : BaseExporter<Metric>
    {
        public HashSet<string> Names { get; } = [];

        public Dictionary<string, long> Counts { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                Names.Add(metric.Name);
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    Counts[metric.Name] = point.GetHistogramCount();
                }
            }

            return ExportResult.Success;
        }
    }
}
