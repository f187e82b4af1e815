using Mirage.Defense.Monitoring;
using Mirage.Grains.Clients;

namespace Mirage.Grains.Tests.Clients;

/// <summary>The two detector blobs a client grain keeps: the full one and the changes since it.</summary>
public sealed class DetectorSnapshotTests
{
    private const int InputLength = 784;
    private const int Classes = 10;
    private static readonly SuspicionOptions Options = new();
    private readonly FeatureSpaces _spaces = new(Options);

    [Fact]
    public void The_full_blob_and_its_changes_restore_every_query_the_monitor_saw()
    {
        var (monitors, rate) = Observed(queries: 1_000, seed: 1);
        var full = DetectorSnapshot.WriteFull(rate, monitors);
        Observe(monitors["m"], 50, seed: 2);
        var changes = DetectorSnapshot.WriteChanges(rate, monitors)!;

        var restored = new Dictionary<string, ClientMonitor>();
        var refused = new List<string>();
        DetectorSnapshot.Read(full, changes, _spaces, Options, restored, refused);

        Assert.Empty(refused);
        Assert.Equal(1_050, restored["m"].Queries);
        Assert.Equal(monitors["m"].Prada.W, restored["m"].Prada.W);
        Assert.Equal(monitors["m"].Prada.Samples, restored["m"].Prada.Samples);
        // The changes are what makes the point of keeping them: far smaller than the full blob.
        Assert.True(changes.Length < full.Length / 4, $"changes {changes.Length} B against a full blob of {full.Length} B");
    }

    [Fact]
    public void Changes_of_another_full_blob_are_left_out_and_the_full_blob_alone_is_restored()
    {
        var (monitors, rate) = Observed(queries: 300, seed: 1);
        DetectorSnapshot.WriteFull(rate, monitors);
        Observe(monitors["m"], 100, seed: 2);
        var staleChanges = DetectorSnapshot.WriteChanges(rate, monitors)!;
        var newer = DetectorSnapshot.WriteFull(rate, monitors);  // a crash before the changes were cleared

        var restored = new Dictionary<string, ClientMonitor>();
        var refused = new List<string>();
        DetectorSnapshot.Read(newer, staleChanges, _spaces, Options, restored, refused);

        Assert.Equal(400, restored["m"].Queries);
        Assert.Single(refused);
    }

    [Fact]
    public void A_monitor_without_a_full_blob_has_no_changes_to_write()
    {
        var (monitors, rate) = Observed(queries: 10, seed: 3);
        Assert.Null(DetectorSnapshot.WriteChanges(rate, monitors));
    }

    [Fact]
    public void A_truncated_blob_restores_nothing_and_says_so()
    {
        var (monitors, rate) = Observed(queries: 50, seed: 4);
        var full = DetectorSnapshot.WriteFull(rate, monitors);
        var restored = new Dictionary<string, ClientMonitor>();
        var refused = new List<string>();
        DetectorSnapshot.Read(full.AsSpan(0, full.Length / 2), [], _spaces, Options, restored, refused);

        Assert.Empty(restored);
        Assert.NotEmpty(refused);
    }

    private (Dictionary<string, ClientMonitor> Monitors, RateMeter Rate) Observed(int queries, int seed)
    {
        var monitor = new ClientMonitor(_spaces.For("m", InputLength), Classes, Options);
        Observe(monitor, queries, seed);
        var rate = new RateMeter();
        rate.Add(DateTimeOffset.UnixEpoch, queries);
        return (new Dictionary<string, ClientMonitor> { ["m"] = monitor }, rate);
    }

    private static void Observe(ClientMonitor monitor, int queries, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[InputLength];
        var posterior = new float[Classes];
        for (var q = 0; q < queries; q++)
        {
            for (var i = 0; i < InputLength; i++)
            {
                inputs[i] = (float)random.NextDouble();
            }

            Array.Fill(posterior, 0.02f);
            posterior[random.Next(Classes)] = 0.82f;
            monitor.Observe(inputs, posterior, 1, DateTimeOffset.UtcNow);
        }
    }
}
