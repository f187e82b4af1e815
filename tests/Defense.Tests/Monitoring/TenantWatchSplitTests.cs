using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// The watch against a smarter split attacker, on real Fashion-MNIST test images in the silo's PRADA space:
/// JBDA (Papernot's λ = 0.1 steps from 100 shared seeds) split over ten keys of 60 queries, with benign
/// keys of the same tenant sending test images at the same time. The attack keys must be found however
/// much benign traffic shares the pool (it used to make the pooled distances look normal), and no benign
/// key may be raised for sharing the pool with them (it used to be, by its share of the pooled window).
/// </summary>
public sealed class TenantWatchSplitTests
{
    private const int Dimensions = 128;
    private static readonly string[] AttackKeys = Enumerable.Range(0, 10).Select(i => $"split-{i}").ToArray();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    public void A_jbda_split_over_ten_keys_is_found_while_three_benign_keys_send_test_images(int seed, int benignRequestsPerAttackRequest)
    {
        var tenant = new Tenant();
        var jbda = TenantTraffic.Jbda(seed, firstImage: 500 * seed, queries: 600);
        var benign = BenignKeys(seed, 3, 60 * benignRequestsPerAttackRequest / 3 * 10 + 10);
        for (var request = 0; request < 60; request++)
        {
            tenant.Send(AttackKeys[request % 10], jbda.GetRange(request * 10, 10));
            for (var b = 0; b < benignRequestsPerAttackRequest; b++)
            {
                var turn = request * benignRequestsPerAttackRequest + b;
                tenant.Send($"benign-{turn % 3}", benign[turn % 3].GetRange(turn / 3 * 10, 10));
            }
        }

        Assert.Equal(AttackKeys, tenant.Raised);
        // The benign keys outnumber the attack's queries; its own pooled test passes meanwhile.
        Assert.False(tenant.Watch.Prada.Flagged, $"pooled W {tenant.Watch.Prada.W:F3}");
        Assert.All(AttackKeys, key => Assert.True(tenant.Watch.Keys.Find(key)!.W < 0.9, $"{key}: W {tenant.Watch.Keys.Find(key)!.W:F3}"));
    }

    [Fact]
    public void A_benign_key_that_starts_while_the_pooled_test_is_failing_is_not_raised()
    {
        var tenant = new Tenant();
        var jbda = TenantTraffic.Jbda(seed: 21, firstImage: 5000, queries: 600);
        var benign = BenignKeys(seed: 5, keys: 2, images: 300);
        var pooledFailedWhileBenignSent = false;
        for (var request = 0; request < 60; request++)
        {
            tenant.Send(AttackKeys[request % 10], jbda.GetRange(request * 10, 10));
            if (request >= 30)
            {
                // Two benign keys start in the second half of the attack: one sending much (300 images),
                // one little (30, too few for its own test, judged by its standing alone).
                tenant.Send("benign-big", benign[0].GetRange((request - 30) * 10, 10));
                if (request % 10 == 0)
                {
                    tenant.Send("benign-small", benign[1].GetRange(request, 10));
                }

                pooledFailedWhileBenignSent |= tenant.Watch.Prada.ConsecutiveFlaggedTests >= 3;
            }
        }

        Assert.True(pooledFailedWhileBenignSent, "the pooled test should fail during the attack, or this test shows nothing");
        Assert.Equal(AttackKeys, tenant.Raised);
        Assert.True(tenant.Watch.Keys.Find("benign-big")!.W >= 0.9, $"benign W {tenant.Watch.Keys.Find("benign-big")!.W:F3}");
    }

    [Fact]
    public void Benign_keys_alone_are_never_raised_and_each_key_is_tested_on_its_own()
    {
        var tenant = new Tenant();
        var benign = BenignKeys(seed: 12, keys: 5, images: 600);
        for (var request = 0; request < 300; request++)
        {
            tenant.Send($"benign-{request % 5}", benign[request % 5].GetRange(request / 5 * 10, 10));
        }

        Assert.Empty(tenant.Raised);
        for (var k = 0; k < 5; k++)
        {
            var series = tenant.Watch.Keys.Find($"benign-{k}")!;
            Assert.Equal(128, series.Held);
            Assert.True(series.W >= 0.9, $"benign-{k}: W {series.W:F3}");
        }
    }

    /// <summary>Disjoint runs of the test split's second half (the attacks' seeds come from the first).</summary>
    private static List<(float[] Image, int Label)>[] BenignKeys(int seed, int keys, int images) =>
        Enumerable.Range(0, keys).Select(k => TenantTraffic.Benign(seed * 31 + k, 5000 + (seed * 7 + k) * images % (5000 - images), images)).ToArray();

    /// <summary>One tenant's watch with the default options, and every key it raised so far.</summary>
    private sealed class Tenant
    {
        private readonly SortedSet<string> _raised = new(StringComparer.Ordinal);
        private DateTimeOffset _at = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

        public TenantWatch Watch { get; } = new(TenantTraffic.Classes, Dimensions, new TenantWatchOptions(), new SuspicionOptions());

        public IReadOnlyList<string> Raised => [.. _raised];

        public void Send(string key, IReadOnlyList<(float[] Image, int Label)> rows)
        {
            var (features, predicted) = TenantTraffic.Request(rows);
            _at = _at.AddMilliseconds(50);
            var (involved, reason) = Watch.Observe(key, features, predicted, Dimensions, _at);
            Assert.Equal(involved.Count > 0, reason is not null);
            _raised.UnionWith(involved);
        }
    }
}
