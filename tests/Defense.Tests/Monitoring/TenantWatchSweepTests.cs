using Mirage.Defense.Monitoring;
using Xunit.Abstractions;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// The numbers of docs/DETECTION.md's tenant-watch section: eight seeds of a 10-key JBDA split with 0, 1 or 3
/// benign requests beside each attack request, each key's rows interleaved request by request or arriving in
/// one call (as the client grains' batches do), and benign keys alone: a 10-key split of test images (both
/// arrivals), 40 late keys of a tenant whose pool is already full, and 40 keys of natural-like synthetic
/// queries. Run: dotnet test tests/Defense.Tests -c Release --filter TenantWatchSweep --logger "console;verbosity=detailed"
/// </summary>
public sealed class TenantWatchSweepTests(ITestOutputHelper output)
{
    private const int Dimensions = 128;

    [Fact]
    public void Over_eight_seeds_most_jbda_keys_are_raised_and_no_benign_key()
    {
        var (attack, attackRaised, benign, benignRaised) = (0, 0, 0, 0);
        for (var seed = 1; seed <= 8; seed++)
        {
            foreach (var benignPerAttack in new[] { 0, 1, 3 })
            {
                foreach (var batched in new[] { false, true })
                {
                    var raised = SplitAttack(seed, benignPerAttack, batched);
                    (attack, attackRaised) = (attack + 10, attackRaised + raised.Count(k => k.StartsWith("split", StringComparison.Ordinal)));
                    (benign, benignRaised) = (benign + 3, benignRaised + raised.Count(k => k.StartsWith("benign", StringComparison.Ordinal)));
                }
            }

            foreach (var raised in new[] { BenignSplit(seed, batched: false), BenignSplit(seed, batched: true), LateKeys(seed), Synthetic(seed) })
            {
                (benign, benignRaised) = (benign + raised.Keys, benignRaised + raised.Raised);
            }
        }

        output.WriteLine($"JBDA keys raised {attackRaised} of {attack}; benign keys raised {benignRaised} of {benign}");
        Assert.Equal(0, benignRaised);
        Assert.True(attackRaised >= 0.85 * attack, $"JBDA keys raised {attackRaised} of {attack}");
    }

    private static HashSet<string> SplitAttack(int seed, int benignPerAttack, bool batched)
    {
        var watch = new Watch(Dimensions);
        var jbda = TenantTraffic.Jbda(seed * 7, 500 * (seed - 1), 600);
        var benign = Enumerable.Range(0, 3).Select(k => TenantTraffic.Benign(seed * 10 + k, 5000 + (seed * 3 + k) * 600 % 4400, 600)).ToArray();
        if (batched)
        {
            // Benign keys' batches first, then each attack key's six requests in one call.
            for (var k = 0; k < 3 && benignPerAttack > 0; k++)
            {
                watch.Send($"benign-{k}", benign[k].Take(200 * benignPerAttack).ToList());
            }

            for (var k = 0; k < 10; k++)
            {
                watch.Send($"split-{k}", Enumerable.Range(0, 6).SelectMany(r => jbda.GetRange((r * 10 + k) * 10, 10)).ToList());
            }
        }
        else
        {
            for (var request = 0; request < 60; request++)
            {
                watch.Send($"split-{request % 10}", jbda.GetRange(request * 10, 10));
                for (var b = 0; b < benignPerAttack; b++)
                {
                    var turn = request * benignPerAttack + b;
                    watch.Send($"benign-{turn % 3}", benign[turn % 3].GetRange(turn / 3 * 10, 10));
                }
            }
        }

        // With no benign traffic beside the attack, benign keys start right after it.
        for (var request = 0; request < 30 && benignPerAttack == 0; request++)
        {
            watch.Send($"benign-{request % 3}", benign[request % 3].GetRange(request / 3 * 10, 10));
        }

        return watch.Raised;
    }

    private static (int Keys, int Raised) BenignSplit(int seed, bool batched)
    {
        var watch = new Watch(Dimensions);
        var images = TenantTraffic.Benign(seed + 50, 1000 * (seed - 1), 600);
        for (var request = 0; request < 60; request++)
        {
            var k = batched ? request / 6 : request % 10;
            var rows = batched ? images.GetRange((request % 6 * 10 + k) * 10, 10) : images.GetRange(request * 10, 10);
            watch.Send($"benign-{k}", rows);
        }

        return (10, watch.Raised.Count);
    }

    private static (int Keys, int Raised) LateKeys(int seed)
    {
        var watch = new Watch(Dimensions);
        var earlier = TenantTraffic.Benign(seed, 0, 6000);
        for (var request = 0; request < 600; request++)
        {
            watch.Send($"earlier-{request % 20}", earlier.GetRange(request * 10, 10));
        }

        watch.Raised.Clear();
        var late = TenantTraffic.Benign(seed + 100, 6000, 4000);
        for (var request = 0; request < 400; request++)
        {
            watch.Send($"late-{request % 40}", late.GetRange(request * 10, 10));
        }

        return (40, watch.Raised.Count);
    }

    private static (int Keys, int Raised) Synthetic(int seed)
    {
        var streams = new SyntheticStreams(seed);
        var watch = new Watch(streams.Dimensions);
        for (var request = 0; request < 400; request++)
        {
            var queries = Enumerable.Range(0, 10).Select(_ => streams.Natural()).ToArray();
            watch.Observe($"synthetic-{request % 40}", queries.SelectMany(q => q.Features.Select(v => (float)v)).ToArray(), queries.Select(q => q.Class).ToArray());
        }

        return (40, watch.Raised.Count);
    }

    private sealed class Watch(int dimensions)
    {
        private readonly TenantWatch _watch = new(TenantTraffic.Classes, dimensions, new TenantWatchOptions(), new SuspicionOptions());
        private DateTimeOffset _at = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

        public HashSet<string> Raised { get; } = new(StringComparer.Ordinal);

        public void Send(string key, IReadOnlyList<(float[] Image, int Label)> rows)
        {
            var (features, predicted) = TenantTraffic.Request(rows);
            Observe(key, features, predicted);
        }

        public void Observe(string key, float[] features, int[] predicted)
        {
            _at = _at.AddMilliseconds(10);
            Raised.UnionWith(_watch.Observe(key, features, predicted, dimensions, _at).Involved);
        }
    }
}
