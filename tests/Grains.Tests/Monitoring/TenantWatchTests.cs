using Mirage.Grains.Monitoring;

namespace Mirage.Grains.Tests.Monitoring;

public sealed class TenantWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Young = TimeSpan.FromHours(2);

    [Fact]
    public void Jbda_split_over_ten_keys_is_caught_by_pooled_prada_though_no_key_alone_can_be_tested()
    {
        var streams = new SyntheticStreams(seed: 11);
        var watch = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var perKey = Enumerable.Range(0, 10).Select(_ => new PradaDetector(streams.Classes, streams.Dimensions, new PradaOptions())).ToArray();
        var attackers = Enumerable.Range(0, 10).Select(k => $"jbda-{k}").ToArray();

        TenantAlert? alert = null;
        var firedAt = -1;
        var stream = streams.Jbda(seeds: 100, queries: 400);
        for (var q = 0; q < stream.Count; q++)
        {
            var (x, c) = stream[q];
            var at = Start.AddSeconds(q);
            watch.Observe(attackers[q % 10], Young, x, c, 0.95, at);
            perKey[q % 10].Observe(x, c);
            alert ??= watch.Check(at);
            firedAt = alert is not null && firedAt < 0 ? q : firedAt;
        }

        Assert.NotNull(alert);
        Assert.True(firedAt < 300, $"fired at query {firedAt}");
        Assert.Equal(1, alert.Components.Prada);
        Assert.Equal(1, alert.Suspicion);
        Assert.Equal(attackers.ToHashSet(), alert.Clients);
        // Forty queries each: no key's own detector ever gets the 100 distances a test needs.
        Assert.All(perKey, detector => Assert.True(double.IsNaN(detector.W)));
    }

    [Fact]
    public void Twenty_benign_young_keys_querying_natural_data_raise_nothing()
    {
        var streams = new SyntheticStreams(seed: 12);
        var watch = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var lowestW = 1.0;
        for (var q = 0; q < 2_000; q++)
        {
            var (x, c) = streams.Natural();
            var at = Start.AddSeconds(3 * q);
            Assert.True(watch.Observe($"user-{q % 20}", Young, x, c, 0.9, at));
            Assert.Null(watch.Check(at));
            lowestW = double.IsNaN(watch.Prada.W) ? lowestW : Math.Min(lowestW, watch.Prada.W);
        }

        Assert.Equal(20, watch.PooledClients);
        Assert.True(lowestW > 0.9, $"lowest pooled W {lowestW}");
    }

    [Fact]
    public void In_distribution_knockoff_split_over_thirty_keys_is_caught_by_pooled_volume_and_balance()
    {
        var streams = new SyntheticStreams(seed: 13);
        var watch = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var keys = Enumerable.Range(0, 30).Select(k => $"knockoff-{k}").ToHashSet();

        var at = Start;
        for (var q = 0; q < 15_000; q++)
        {
            var (x, c) = streams.Natural();
            at = Start.AddSeconds(2 * q);
            watch.Observe($"knockoff-{q % 30}", Young, x, c, 0.9, at);
        }

        var alert = watch.Check(at);
        Assert.NotNull(alert);
        Assert.True(alert.Components.Volume > 0.95, $"volume {alert.Components.Volume}");
        Assert.Equal(0, alert.Components.Prada);
        Assert.True(alert.Suspicion >= 0.85);
        Assert.Equal(keys, alert.Clients);

        // A day later the window is empty again.
        Assert.Null(watch.Check(at.AddHours(25)));
        Assert.Equal(0, watch.PooledQueries);
    }

    [Fact]
    public void Established_keys_are_not_pooled()
    {
        var streams = new SyntheticStreams(seed: 14);
        var watch = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var at = Start;
        for (var q = 0; q < 15_000; q++)
        {
            var (x, c) = streams.Natural();
            at = Start.AddSeconds(2 * q);
            Assert.False(watch.Observe($"old-{q % 30}", TimeSpan.FromDays(30), x, c, 0.9, at));
        }

        Assert.Null(watch.Check(at));
        Assert.Equal(0, watch.PooledQueries);
    }

    [Fact]
    public void One_heavy_young_key_is_left_to_its_own_client_signals()
    {
        var streams = new SyntheticStreams(seed: 15);
        var watch = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var at = Start;
        for (var q = 0; q < 15_000; q++)
        {
            var (x, c) = streams.Natural();
            at = Start.AddSeconds(2 * q);
            // 95% of the queries from one key: not spread, so not a split.
            watch.Observe(q % 20 == 0 ? "light" : "heavy", Young, x, c, 0.9, at);
        }

        Assert.Equal(0, watch.Assess(at).Volume);
        Assert.Null(watch.Check(at));
    }

    [Fact]
    public void Out_of_distribution_queries_split_over_keys_are_caught_and_in_distribution_ones_are_not()
    {
        var streams = new SyntheticStreams(seed: 16);
        var foreign = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var native = new TenantWatch(streams.Classes, streams.Dimensions, new TenantWatchOptions());
        var random = new Random(16);
        var at = Start;
        for (var q = 0; q < 500; q++)
        {
            var (x, c) = streams.Natural();
            at = Start.AddSeconds(q);
            // A foreign pool: 70% of answers below the 0.6 confidence line; a native one: 5%.
            foreign.Observe($"ood-{q % 5}", Young, x, c, random.NextDouble() < 0.7 ? 0.4 : 0.9, at);
            native.Observe($"user-{q % 5}", Young, x, c, random.NextDouble() < 0.05 ? 0.4 : 0.9, at);
        }

        var alert = foreign.Check(at);
        Assert.NotNull(alert);
        Assert.True(alert.Components.OutOfDistribution > 0.9);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => $"ood-{k}").ToHashSet(), alert.Clients);
        Assert.Null(native.Check(at));
    }

    [Fact]
    public void Batches_are_projected_and_pooled_row_by_row()
    {
        var projection = FeatureProjection.Random(32, 8, seed: 3);
        var watch = new TenantWatch(3, projection.Dimensions, new TenantWatchOptions());
        var inputs = new float[2 * 32];
        inputs.AsSpan(32).Fill(1);
        float[] probabilities = [0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.2f];

        watch.Observe("k", Young, projection, inputs, probabilities, rows: 2, Start);

        Assert.Equal(2, watch.PooledQueries);
        // The second row's top probability, 0.5, is below 0.6.
        Assert.Equal(0.5, watch.PooledLowConfidenceRate);
    }
}
