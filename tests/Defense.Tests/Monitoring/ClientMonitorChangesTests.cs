using System.Buffers;
using Mirage.Defense.Monitoring;
using static Mirage.Defense.Tests.Monitoring.MonitorQueries;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// Changes since a full snapshot (<see cref="ClientMonitor.WriteChangesTo"/>): the base plus the latest
/// changes restore the monitor exactly as it was when the changes were written.
/// </summary>
public sealed class ClientMonitorChangesTests
{
    [Theory]
    [InlineData(50, 60, "sets still growing")]
    [InlineData(700, 730, "full rings: a few new points over the oldest")]
    [InlineData(700, 709, "full rings, some classes with no new point")]
    [InlineData(300, 2_400, "every ring rewritten many times over, flagged")]
    public void Base_and_changes_restore_the_monitor_that_goes_on_like_the_uninterrupted_one(int baseAt, int changesAt, string state)
    {
        var queries = NaturalThenJbda();
        var uninterrupted = new ClientMonitor(Space, Classes, Bounded);
        byte[] snapshot = [];
        byte[] changes = [];
        for (var q = 0; q < changesAt; q++)
        {
            queries.Observe(uninterrupted, q);
            if (q + 1 == baseAt)
            {
                snapshot = MonitorQueries.Snapshot(uninterrupted);
            }
            else if (q + 1 > baseAt && (q + 1) % 7 == 0)
            {
                // Cumulative: only the latest changes are kept; these earlier ones are superseded.
                changes = Changes(uninterrupted);
            }
        }

        changes = Changes(uninterrupted);
        Assert.True(ClientMonitor.TryRestore(snapshot, changes, Space, Classes, Bounded, out var restored, out var whyNot), $"{state}: {whyNot}");
        Assert.Equal(MonitorQueries.Snapshot(uninterrupted), MonitorQueries.Snapshot(restored));
        for (var q = changesAt; q < queries.Count; q++)
        {
            queries.Observe(uninterrupted, q);
            queries.Observe(restored, q);
            MonitorAssert.Same(uninterrupted, restored, Classes, q);
        }
    }

    [Fact]
    public void Changes_hold_only_the_points_and_distances_added_since_the_base()
    {
        var queries = NaturalThenJbda();
        var monitor = new ClientMonitor(Space, Classes, Bounded with { Prada = Bounded.Prada with { GrowingSetCapacity = 1_000 } });
        for (var q = 0; q < 1_000; q++)
        {
            queries.Observe(monitor, q);
        }

        var pointsAtBase = monitor.Prada.GrowingSetSize;
        var snapshot = MonitorQueries.Snapshot(monitor);
        Assert.True(Changes(monitor).Length < 5_000, "changes with nothing new beyond the windows");
        for (var q = 1_000; q < 1_020; q++)
        {
            queries.Observe(monitor, q);
        }

        var newPoints = monitor.Prada.GrowingSetSize - pointsAtBase;
        Assert.True(newPoints > 0);
        var pointBytes = Dimensions * sizeof(float);
        var changes = Changes(monitor);
        // Writing a full snapshot makes it the base of later changes: so after the changes.
        var full = MonitorQueries.Snapshot(monitor);
        // The same parts less the points and distances held before (every window is full: 40 a class; each of
        // the 20 queries added one distance): the base's checksum is all changes add.
        var distances = Classes * Bounded.Prada.DistanceWindow;
        Assert.Equal(full.Length - monitor.Prada.GrowingSetSize * pointBytes - distances * sizeof(double),
            changes.Length - newPoints * pointBytes - 20 * sizeof(double) - sizeof(ulong));
        Assert.True(snapshot.Length > 5 * changes.Length, $"{changes.Length} bytes of changes against a {snapshot.Length}-byte snapshot");
    }

    [Fact]
    public void There_are_no_changes_before_a_full_snapshot_and_a_restored_monitor_writes_against_its_own()
    {
        var queries = NaturalThenJbda();
        var monitor = new ClientMonitor(Space, Classes, Bounded);
        queries.Observe(monitor, 0);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.False(monitor.WriteChangesTo(buffer));
        Assert.Equal(0, buffer.WrittenCount);

        for (var q = 1; q < 400; q++)
        {
            queries.Observe(monitor, q);
        }

        var snapshot = MonitorQueries.Snapshot(monitor);
        Assert.True(ClientMonitor.TryRestore(snapshot, Space, Classes, Bounded, out var restored, out var whyNot), whyNot);
        for (var q = 400; q < 500; q++)
        {
            queries.Observe(monitor, q);
            queries.Observe(restored, q);
        }

        Assert.True(ClientMonitor.TryRestore(snapshot, Changes(restored), Space, Classes, Bounded, out var again, out whyNot), whyNot);
        Assert.Equal(MonitorQueries.Snapshot(monitor), MonitorQueries.Snapshot(again));
    }

    [Fact]
    public void Changes_against_another_base_or_corrupt_are_refused()
    {
        var queries = NaturalThenJbda();
        var monitor = new ClientMonitor(Space, Classes, Bounded);
        for (var q = 0; q < 300; q++)
        {
            queries.Observe(monitor, q);
        }

        var older = MonitorQueries.Snapshot(monitor);
        queries.Observe(monitor, 300);
        var newer = MonitorQueries.Snapshot(monitor);
        queries.Observe(monitor, 301);
        var changes = Changes(monitor);

        Assert.True(ClientMonitor.TryRestore(newer, changes, Space, Classes, Bounded, out _, out var whyNot), whyNot);
        Assert.False(ClientMonitor.TryRestore(older, changes, Space, Classes, Bounded, out var monitorOfOlder, out whyNot));
        Assert.Null(monitorOfOlder);
        Assert.Contains("another snapshot", whyNot);

        Assert.False(ClientMonitor.TryRestore(newer, changes.AsSpan(0, changes.Length - 1), Space, Classes, Bounded, out _, out whyNot));
        Assert.Contains("the changes", whyNot);
        Assert.False(ClientMonitor.TryRestore(newer, newer, Space, Classes, Bounded, out _, out whyNot));
        Assert.Contains("kind", whyNot);
        Assert.False(ClientMonitor.TryRestore(changes, Space, Classes, Bounded, out _, out whyNot));
        Assert.Contains("kind", whyNot);
    }

    private static byte[] Changes(ClientMonitor monitor)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.True(monitor.WriteChangesTo(buffer));
        return buffer.WrittenSpan.ToArray();
    }
}
