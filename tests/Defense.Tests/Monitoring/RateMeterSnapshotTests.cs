using System.Buffers;
using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class RateMeterSnapshotTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_restored_meter_counts_on_like_the_one_that_never_stopped()
    {
        var uninterrupted = RateMeterAt(Start, 40);
        var restored = Restored(RateMeterAt(Start, 40));
        Assert.Equal(820, restored.PerMinute(Start.AddSeconds(39)));

        // Within the minute the restored meter holds the same buckets; later, both forget alike.
        foreach (var seconds in new[] { 40, 45, 59, 70, 95, 200 })
        {
            var at = Start.AddSeconds(seconds);
            uninterrupted.Add(at, 3);
            restored.Add(at, 3);
            Assert.Equal(uninterrupted.PerMinute(at), restored.PerMinute(at));
        }
    }

    [Fact]
    public void A_truncated_or_foreign_meter_snapshot_is_refused()
    {
        var snapshot = Snapshot(RateMeterAt(Start, 40));
        for (var length = 0; length < snapshot.Length; length++)
        {
            Assert.False(RateMeter.TryRestore(snapshot.AsSpan(0, length), out var meter, out var whyNot));
            Assert.Null(meter);
            Assert.False(string.IsNullOrEmpty(whyNot));
        }

        var buffer = new ArrayBufferWriter<byte>();
        new ClientMonitor(FeatureProjection.Identity(4), 2, new SuspicionOptions()).WriteTo(buffer);
        Assert.False(RateMeter.TryRestore(buffer.WrittenSpan, out _, out var notAMeter));
        Assert.Contains("kind", notAMeter);
    }

    /// <summary>A meter that saw 1, 2, ... queries in each of <paramref name="seconds"/> seconds (820 in all for 40).</summary>
    private static RateMeter RateMeterAt(DateTimeOffset start, int seconds)
    {
        var meter = new RateMeter();
        for (var s = 0; s < seconds; s++)
        {
            meter.Add(start.AddSeconds(s), s + 1);
        }

        return meter;
    }

    private static RateMeter Restored(RateMeter meter)
    {
        Assert.True(RateMeter.TryRestore(Snapshot(meter), out var restored, out var whyNot), whyNot);
        return restored;
    }

    private static byte[] Snapshot(RateMeter meter)
    {
        var buffer = new ArrayBufferWriter<byte>();
        meter.WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
