using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// The replay rule on real test images: an attacker whose key was caught starts new keys that re-send its
/// queries exactly (the same seed images, the same seeded steps). Exact repeats are no pooled distance, so
/// without the rule those keys leave no evidence at all; with it each is raised, while keys re-sending an
/// honest key's queries, and an honest key that shares some images with the caught key's seeds, are not.
/// </summary>
public sealed class TenantWatchReplayTests
{
    private const string Caught = "caught";
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void New_keys_that_re_send_a_raised_key_s_queries_are_each_raised_by_the_replay_rule()
    {
        var attack = TenantTraffic.Jbda(seed: 5, firstImage: 0, queries: 400);
        var watch = new TenantWatch(TenantTraffic.Classes, TenantTraffic.Space.Dimensions, new TenantWatchOptions(), new SuspicionOptions());
        Send(watch, Caught, attack, static key => key == Caught);

        var raised = new Dictionary<string, string>();
        for (var k = 0; k < 6; k++)
        {
            // Each new key re-sends 60 of the caught key's queries, in requests of 10.
            foreach (var (key, reason) in Send(watch, $"new-{k}", attack.Skip(k * 60).Take(60).ToList(), static key => key == Caught))
            {
                raised.TryAdd(key, reason);
            }
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(k => $"new-{k}"), raised.Keys.Order());
        Assert.All(raised.Values, reason => Assert.Contains("re-send exactly the queries of keys already raised", reason));
    }

    [Fact]
    public void Keys_that_re_send_the_queries_of_a_key_that_was_not_raised_are_not_raised()
    {
        var images = TenantTraffic.Benign(seed: 6, firstImage: 0, count: 400);
        var watch = new TenantWatch(TenantTraffic.Classes, TenantTraffic.Space.Dimensions, new TenantWatchOptions(), new SuspicionOptions());
        Send(watch, "first", images, static _ => false);

        for (var k = 0; k < 6; k++)
        {
            Assert.Empty(Send(watch, $"again-{k}", images.Skip(k * 60).Take(60).ToList(), static _ => false));
        }
    }

    [Fact]
    public void An_honest_key_whose_test_images_include_the_caught_key_s_seed_images_is_not_raised()
    {
        // The caught JBDA key's seeds are test images 0-99; the honest key sends 600 test images from 0 in a
        // shuffled order, so a sixth of its queries are exact repeats of the caught key's.
        var watch = new TenantWatch(TenantTraffic.Classes, TenantTraffic.Space.Dimensions, new TenantWatchOptions(), new SuspicionOptions());
        Send(watch, Caught, TenantTraffic.Jbda(seed: 7, firstImage: 0, queries: 400), static key => key == Caught);

        var honest = TenantTraffic.Benign(seed: 8, firstImage: 0, count: 600);
        var involved = Send(watch, "honest", honest, static key => key == Caught);

        Assert.DoesNotContain(involved, raise => raise.Key == "honest");
    }

    [Fact]
    public void The_ledger_counts_only_repeats_of_another_raised_key_and_forgets_its_oldest_queries_first()
    {
        var ledger = new ReplayLedger(capacity: 2);
        float[] a = [1, 2], b = [3, 4], c = [5, 6];
        static bool RaisedIsX(string key) => key == "x";

        Assert.False(ledger.IsReplay("x", a, RaisedIsX));
        Assert.False(ledger.IsReplay("x", a, RaisedIsX));   // its own repeat
        Assert.True(ledger.IsReplay("y", a, RaisedIsX));    // a raised key's query
        Assert.False(ledger.IsReplay("y", b, RaisedIsX));
        Assert.False(ledger.IsReplay("x", b, RaisedIsX));   // y is not raised

        Assert.False(ledger.IsReplay("x", c, RaisedIsX));   // a's entry, the oldest, is forgotten
        Assert.False(ledger.IsReplay("y", a, RaisedIsX));
    }

    [Fact]
    public void A_key_s_series_counts_its_queries_and_its_replays()
    {
        var watch = new TenantWatch(TenantTraffic.Classes, TenantTraffic.Space.Dimensions, new TenantWatchOptions(), new SuspicionOptions());
        var jbda = TenantTraffic.Jbda(seed: 7, firstImage: 0, queries: 40);
        Send(watch, Caught, jbda, static key => key == Caught);

        Send(watch, "again", jbda.Take(30).Concat(TenantTraffic.Benign(seed: 9, firstImage: 500, count: 20)).ToList(), static key => key == Caught);

        var series = watch.Keys.Find("again")!;
        Assert.Equal((50L, 30L), (series.Rows, series.Replays));
        Assert.Equal((40L, 0L), (watch.Keys.Find(Caught)!.Rows, watch.Keys.Find(Caught)!.Replays));
    }

    /// <summary>The rows in requests of 10; every (key, reason) the watch answered on the way.</summary>
    private static List<(string Key, string Reason)> Send(TenantWatch watch, string key, IReadOnlyList<(float[] Image, int Label)> rows, Func<string, bool> isRaised)
    {
        var answered = new List<(string, string)>();
        for (var offset = 0; offset < rows.Count; offset += 10)
        {
            var (features, predicted) = TenantTraffic.Request(rows.Skip(offset).Take(10).ToList());
            var (involved, reason) = watch.Observe(key, features, predicted, TenantTraffic.Space.Dimensions, Start.AddSeconds(offset), isRaised);
            answered.AddRange(involved.Select(k => (k, reason!)));
        }

        return answered;
    }
}
