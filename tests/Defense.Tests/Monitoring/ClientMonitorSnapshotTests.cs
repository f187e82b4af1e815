using Mirage.Defense.Monitoring;
using static Mirage.Defense.Tests.Monitoring.MonitorQueries;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// A monitor snapshotted and restored mid-stream must go on exactly as the one that never stopped: the
/// same distances, thresholds, W, flags and suspicion at every later query, bit for bit.
/// </summary>
public sealed class ClientMonitorSnapshotTests
{
    [Theory]
    [InlineData(5, "before any class has 10 distances or any test ran")]
    [InlineData(700, "growing sets at their cap, distance windows and monitor windows wrapped")]
    [InlineData(2_400, "mid-attack, flagged")]
    public void A_monitor_restored_mid_stream_matches_the_uninterrupted_one_at_every_later_query(int restoreAt, string state)
    {
        var queries = NaturalThenJbda();
        var uninterrupted = new ClientMonitor(Space, Classes, Bounded);
        var interrupted = new ClientMonitor(Space, Classes, Bounded);
        for (var q = 0; q < restoreAt; q++)
        {
            queries.Observe(uninterrupted, q);
            queries.Observe(interrupted, q);
        }

        AssertStateIsAsNamed(uninterrupted, restoreAt, state);
        interrupted = Restored(interrupted);
        MonitorAssert.Same(uninterrupted, interrupted, Classes, restoreAt);
        for (var q = restoreAt; q < queries.Count; q++)
        {
            queries.Observe(uninterrupted, q);
            queries.Observe(interrupted, q);
            MonitorAssert.Same(uninterrupted, interrupted, Classes, q);
        }

        Assert.True(uninterrupted.Prada.Flagged, "the attack must end flagged, or this test checks no flagged state");
        Assert.Equal(MonitorQueries.Snapshot(uninterrupted), MonitorQueries.Snapshot(interrupted));
    }

    [Fact]
    public void A_monitor_restored_every_250_queries_matches_the_uninterrupted_one()
    {
        // As a grain that writes its state every few hundred queries and is deactivated now and then.
        var queries = NaturalThenJbda();
        var uninterrupted = new ClientMonitor(Space, Classes, Bounded);
        var interrupted = new ClientMonitor(Space, Classes, Bounded);
        for (var q = 0; q < queries.Count; q++)
        {
            if (q % 250 == 0)
            {
                interrupted = Restored(interrupted);
            }

            queries.Observe(uninterrupted, q);
            queries.Observe(interrupted, q);
            MonitorAssert.Same(uninterrupted, interrupted, Classes, q);
        }

        Assert.Equal(1, uninterrupted.Components(MonitorQueries.Start).Prada);
    }

    [Fact]
    public void A_fresh_monitor_is_a_small_snapshot_and_restores_fresh()
    {
        var snapshot = MonitorQueries.Snapshot(new ClientMonitor(Space, Classes, new SuspicionOptions()));
        Assert.True(snapshot.Length < 1_024, $"{snapshot.Length} bytes");

        Assert.True(ClientMonitor.TryRestore(snapshot, Space, Classes, new SuspicionOptions(), out var restored, out var whyNot), whyNot);
        Assert.Equal(0, restored.Queries);
        Assert.True(double.IsNaN(restored.Prada.W));
        Assert.Equal(0, restored.Prada.GrowingSetSize);
    }

    [Fact]
    public void Points_are_raw_floats_so_a_snapshot_costs_about_four_bytes_a_coordinate()
    {
        var queries = NaturalThenJbda();
        var monitor = new ClientMonitor(Space, Classes, Bounded);
        for (var q = 0; q < 1_000; q++)
        {
            queries.Observe(monitor, q);
        }

        var points = monitor.Prada.GrowingSetSize * Dimensions * sizeof(float);
        var distances = Classes * Bounded.Prada.DistanceWindow * sizeof(double);
        var snapshot = MonitorQueries.Snapshot(monitor);
        // Beyond the points and distances: headers, counters and the two windows of 100 (a byte each), about 1 KB.
        Assert.InRange(snapshot.Length, points + distances, points + distances + 1_280);
    }

    private static ClientMonitor Restored(ClientMonitor monitor)
    {
        Assert.True(ClientMonitor.TryRestore(MonitorQueries.Snapshot(monitor), Space, Classes, Bounded, out var restored, out var whyNot), whyNot);
        return restored;
    }

    private static void AssertStateIsAsNamed(ClientMonitor monitor, int queries, string state)
    {
        var growingSetCap = Bounded.Prada.GrowingSetCapacity;
        switch (queries)
        {
            case < 100:
                Assert.True(double.IsNaN(monitor.Prada.W), state);
                break;
            case < 1_500:
                Assert.True(monitor.Prada.GrowingSetSize == growingSetCap && monitor.Queries > Bounded.Window, state);
                Assert.False(monitor.Prada.Flagged, state);
                break;
            default:
                Assert.True(monitor.Prada.Flagged && monitor.Prada.ConsecutiveFlaggedTests > 0, state);
                break;
        }
    }
}
