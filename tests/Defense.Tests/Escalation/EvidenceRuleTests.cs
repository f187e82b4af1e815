using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Defense.Tests.Monitoring;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>The evidence rule (docs/DETECTION.md): volume alone never reaches a level that changes labels.</summary>
public sealed class EvidenceRuleTests
{
    private static readonly EscalationLadder Default = EscalationLadder.Default;
    internal static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.95, 0.0, "suspect")]   // full volume, no evidence: the highest label-keeping level reached
    [InlineData(0.95, 0.5, "suspect")]
    [InlineData(0.95, 0.8, "attack")]    // the evidence alone reaches attack's threshold
    [InlineData(0.65, 0.0, "suspect")]
    [InlineData(0.45, 0.0, "watch")]
    public void The_default_ladder_changes_labels_only_when_the_evidence_reaches_the_level(double suspicion, double evidence, string expected) =>
        Assert.Equal(expected, Default.Levels[Default.LevelFor(suspicion, evidence)].Name);

    [Fact]
    public void Volume_may_pass_a_label_changing_level_to_a_higher_label_keeping_one()
    {
        var ladder = new EscalationLadder(
        [
            TestLadders.Level("clean", 0),
            new EscalationLevel { Name = "poison", Threshold = 0.5, Policy = new PerturbationPolicy { Method = PerturbationMethod.Mad, Argmax = false } },
            new EscalationLevel { Name = "labels", Threshold = 0.8, Policy = PerturbationPolicy.LabelOnly },
        ], TestLadders.Calm);

        Assert.Equal("labels", ladder.Levels[ladder.LevelFor(0.9, 0.1)].Name);
        Assert.Equal("clean", ladder.Levels[ladder.LevelFor(0.6, 0.1)].Name);
        Assert.Equal("poison", ladder.Levels[ladder.LevelFor(0.6, 0.5)].Name);
        Assert.Equal("poison", ladder.TopLabelChanging()!.Name);
    }

    [Fact]
    public void A_flood_of_distinct_in_distribution_queries_is_flagged_but_never_answered_with_wrong_labels()
    {
        var (levels, _) = Run(Natural(10_000, seed: 21));

        Assert.DoesNotContain(levels, l => !Default.Levels[l].Policy.KeepsArgmax);
        Assert.Equal("suspect", Default.Levels[levels[^1]].Name);  // flagged for the operator on volume
    }

    [Fact]
    public void The_same_flood_with_prada_evidence_reaches_the_label_changing_level()
    {
        var streams = new SyntheticStreams(seed: 21);
        var queries = Natural(streams, 5_000).Concat(streams.Jbda(seeds: 20, queries: 5_000)).ToList();
        var (levels, monitor) = Run(queries);

        Assert.Equal(1, monitor.Components(Start).Prada);
        Assert.Equal("attack", Default.Levels[levels[^1]].Name);
        Assert.False(Default.Levels[levels[^1]].Policy.KeepsArgmax);
    }

    private static List<(double[] Features, int Class)> Natural(int count, int seed) => Natural(new SyntheticStreams(seed), count);

    private static List<(double[] Features, int Class)> Natural(SyntheticStreams streams, int count) =>
        Enumerable.Range(0, count).Select(_ => streams.Natural()).ToList();

    /// <summary>
    /// The queries, confidently answered, all at <see cref="Start"/>, through a monitor of the default options, the
    /// rule and a tracker on the default ladder: the level after each query.
    /// </summary>
    internal static (List<int> Levels, ClientMonitor Monitor) Run(IReadOnlyList<(double[] Features, int Class)> queries)
    {
        var monitor = new ClientMonitor(FeatureProjection.Identity(16), 10, new SuspicionOptions());
        var tracker = new EscalationTracker();
        var levels = new List<int>(queries.Count);
        var posterior = new float[10];
        foreach (var (features, label) in queries)
        {
            Array.Fill(posterior, 0.05f / 9);
            posterior[label] = 0.95f;
            monitor.Observe(features.Select(v => (float)v).ToArray(), posterior, 1, Start);
            levels.Add(tracker.Update(Default, monitor.Suspicion(Start), monitor.Evidence(Start), Start));
        }

        return (levels, monitor);
    }
}
