using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// A snapshot that cannot be trusted, or was taken in another configuration, is refused with the reason
/// (the grain then starts a fresh monitor): never an exception, never a half-restored monitor.
/// </summary>
public sealed class ClientMonitorSnapshotRefusalTests
{
    private const int InputLength = 32;
    private const int Classes = 10;

    private static readonly SuspicionOptions Options = new()
    {
        Window = 100,
        Prada = new PradaOptions { GrowingSetCapacity = 100, DistanceWindow = 40, RecentDistances = 20 },
    };

    private static readonly FeatureProjection Space = FeatureProjection.Random(InputLength, 16, seed: 17);

    [Fact]
    public void Every_truncation_is_refused_as_truncated_or_corrupt()
    {
        var snapshot = Populated();
        for (var length = 0; length < snapshot.Length; length++)
        {
            var whyNot = Refused(snapshot.AsSpan(0, length), Space, Options);
            Assert.True(whyNot.Contains("truncated", StringComparison.Ordinal) || whyNot.Contains("start like", StringComparison.Ordinal), $"{length} bytes: {whyNot}");
        }
    }

    [Fact]
    public void Any_flipped_bit_is_refused()
    {
        var snapshot = MonitorQueries.Snapshot(new ClientMonitor(Space, Classes, Options));
        for (var bit = 0; bit < 8 * snapshot.Length; bit++)
        {
            var flipped = snapshot.ToArray();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Refused(flipped, Space, Options);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_body_that_lies_under_a_valid_checksum_is_refused_or_restores_a_monitor_that_works(bool changes)
    {
        // As a writer with a bug would produce: every byte of the body in turn inverted, the hash made to
        // match. A tiny space and windows keep the bytes few, so every field is hit.
        var space = FeatureProjection.Identity(2);
        var options = Options with { Window = 20, Prada = Options.Prada with { DistanceWindow = 12, RecentDistances = 5 } };
        var streams = new SyntheticStreams(seed: 10, 2, Classes);
        var queries = new MonitorQueries(Enumerable.Range(0, 330).Select(_ => streams.Natural()).ToList(), Classes, seed: 11);
        var source = new ClientMonitor(space, Classes, options);
        for (var q = 0; q < 300; q++)
        {
            queries.Observe(source, q);
        }

        var snapshot = MonitorQueries.Snapshot(source);
        var buffer = new ArrayBufferWriter<byte>();
        source.WriteChangesTo(buffer);
        var told = changes ? buffer.WrittenSpan.ToArray() : snapshot;
        var refused = 0;
        for (var at = 6; at < told.Length - sizeof(ulong); at++)
        {
            var lying = told.ToArray();
            lying[at] ^= 0xFF;
            BinaryPrimitives.WriteUInt64LittleEndian(lying.AsSpan(lying.Length - sizeof(ulong)), XxHash3.HashToUInt64(lying.AsSpan(0, lying.Length - sizeof(ulong))));
            var restoredOrNot = changes
                ? ClientMonitor.TryRestore(snapshot, lying, space, Classes, options, out var monitor, out _)
                : ClientMonitor.TryRestore(lying, space, Classes, options, out monitor, out _);
            if (!restoredOrNot)
            {
                refused++;
                continue;
            }

            for (var q = 300; q < queries.Count; q++)
            {
                queries.Observe(monitor!, q);
            }
        }

        // Sizes, counters, ring positions and window entries are checked; an inverted coordinate or distance is not refusable.
        Assert.InRange(refused, 100, told.Length - 1);
    }

    [Fact]
    public void Another_format_version_is_refused_as_such()
    {
        var snapshot = Populated();
        snapshot[5]++;
        Assert.Contains("format version 3", Refused(snapshot, Space, Options));
    }

    [Fact]
    public void Bytes_appended_after_the_snapshot_are_refused()
    {
        Refused([.. Populated(), 0], Space, Options);
    }

    [Fact]
    public void A_rate_meter_snapshot_is_not_a_monitor()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new RateMeter().WriteTo(buffer);
        Assert.Contains("kind", Refused(buffer.WrittenSpan, Space, Options));
    }

    [Theory]
    [InlineData("dimensions", "16 feature dimensions")]
    [InlineData("input length", "32 input values")]
    [InlineData("seed", "another feature space")]
    [InlineData("identity", "another feature space")]
    public void A_snapshot_from_another_feature_space_is_refused(string change, string reason)
    {
        var other = change switch
        {
            "dimensions" => FeatureProjection.Random(InputLength, 8, seed: 17),
            "input length" => FeatureProjection.Random(2 * InputLength, 16, seed: 17),
            "seed" => FeatureProjection.Random(InputLength, 16, seed: 18),
            _ => FeatureProjection.Random(InputLength, InputLength, seed: 17),
        };

        var populated = Populated();
        if (change == "identity")
        {
            // Same sizes as the identity space of 32 values, another matrix: only the fingerprint tells them apart.
            populated = Populated(FeatureProjection.Identity(InputLength));
        }

        Assert.Contains(reason, Refused(populated, other, Options));
    }

    [Fact]
    public void A_snapshot_with_other_classes_is_refused()
    {
        Assert.Contains("10 classes", Refused(Populated(), Space, Options, classes: 5));
    }

    [Theory]
    [InlineData("window", "100 observations in a window")]
    [InlineData("capacity", "10 growing-set points per class")]
    [InlineData("distances", "40 distances per class")]
    [InlineData("recent", "20 recent distances")]
    public void A_snapshot_taken_with_other_bounds_is_refused(string change, string reason)
    {
        var other = change switch
        {
            "window" => Options with { Window = 200 },
            "capacity" => Options with { Prada = Options.Prada with { GrowingSetCapacity = 200 } },
            "distances" => Options with { Prada = Options.Prada with { DistanceWindow = 80 } },
            _ => Options with { Prada = Options.Prada with { RecentDistances = 10 } },
        };

        Assert.Contains(reason, Refused(Populated(), Space, other));
    }

    [Fact]
    public void Knobs_that_size_nothing_may_change_between_snapshot_and_restore()
    {
        // δ, the test's period and the suspicion rule's knobs only steer what happens next.
        var tuned = Options with { PradaPersistence = 5, LowConfidenceBelow = 0.7, Prada = Options.Prada with { Threshold = 0.95, TestEvery = 20 } };
        Assert.True(ClientMonitor.TryRestore(Populated(), Space, Classes, tuned, out var restored, out var whyNot), whyNot);
        Assert.Equal(600, restored.Queries);
        Assert.Equal(0.95, restored.Prada.Threshold);
    }

    /// <summary>600 natural queries: every growing set at its cap and the windows wrapped.</summary>
    private static byte[] Populated(FeatureProjection? space = null)
    {
        space ??= Space;
        var streams = new SyntheticStreams(seed: 8, InputLength, Classes);
        var queries = new MonitorQueries(Enumerable.Range(0, 600).Select(_ => streams.Natural()).ToList(), Classes, seed: 9);
        var monitor = new ClientMonitor(space, Classes, Options);
        for (var q = 0; q < queries.Count; q++)
        {
            queries.Observe(monitor, q);
        }

        Assert.Equal(Options.Prada.GrowingSetCapacity, monitor.Prada.GrowingSetSize);
        return MonitorQueries.Snapshot(monitor);
    }

    private static string Refused(ReadOnlySpan<byte> snapshot, FeatureProjection space, SuspicionOptions options, int classes = Classes)
    {
        Assert.False(ClientMonitor.TryRestore(snapshot, space, classes, options, out var monitor, out var whyNot));
        Assert.Null(monitor);
        Assert.False(string.IsNullOrWhiteSpace(whyNot));
        return whyNot;
    }
}
