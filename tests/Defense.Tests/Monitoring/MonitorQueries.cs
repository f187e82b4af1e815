using System.Buffers;
using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// A labelled stream (from <see cref="SyntheticStreams"/>) as a client monitor sees it: the features as the
/// input (under an identity projection), and a posterior whose top class is the label, confident or not
/// (about one query in five below the low-confidence line), so every window of the monitor is exercised.
/// </summary>
internal sealed class MonitorQueries
{
    /// <summary>The space and classes of <see cref="NaturalThenJbda"/>.</summary>
    public const int Dimensions = 16;

    public const int Classes = 10;

    public static readonly FeatureProjection Space = FeatureProjection.Identity(Dimensions);

    /// <summary>
    /// Small bounds, so a 3,000-query stream fills every growing set (10 points a class), wraps every
    /// distance window and the monitor's windows, and reaches the short horizon's volume range.
    /// </summary>
    public static readonly SuspicionOptions Bounded = new()
    {
        Window = 100,
        ShortHorizon = VolumeHorizon.Hour with { From = 1_000, Full = 2_500 },
        Prada = new PradaOptions { GrowingSetCapacity = 100, DistanceWindow = 40, RecentDistances = 20 },
    };

    private readonly float[][] _inputs;
    private readonly float[][] _posteriors;

    public MonitorQueries(IReadOnlyList<(double[] Features, int Class)> stream, int classes, int seed)
    {
        var random = new Random(seed);
        _inputs = stream.Select(q => q.Features.Select(v => (float)v).ToArray()).ToArray();
        _posteriors = stream.Select(q =>
        {
            var top = random.Next(5) == 0 ? 0.5f : 0.9f;
            var posterior = Enumerable.Repeat((1 - top) / (classes - 1), classes).ToArray();
            posterior[q.Class] = top;
            return posterior;
        }).ToArray();
    }

    /// <summary>When the stream's queries are made (all within one bucket of the horizons).</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public int Count => _inputs.Length;

    /// <summary>1,500 natural queries, then 1,500 JBDA-like steps from 20 seeds: a benign start, then an attack that gets flagged.</summary>
    public static MonitorQueries NaturalThenJbda()
    {
        var streams = new SyntheticStreams(seed: 3, Dimensions, Classes);
        var natural = Enumerable.Range(0, 1_500).Select(_ => streams.Natural()).ToList();
        return new MonitorQueries([.. natural, .. streams.Jbda(seeds: 20, queries: 1_500)], Classes, seed: 4);
    }

    public void Observe(ClientMonitor monitor, int query) => monitor.Observe(_inputs[query], _posteriors[query], 1, Start);

    public static byte[] Snapshot(ClientMonitor monitor)
    {
        var buffer = new ArrayBufferWriter<byte>();
        monitor.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
