using Mirage.Defense.Perturbation;

namespace Mirage.Defense.Tests.Perturbation;

public sealed class UtilityCostTests
{
    [Fact]
    public void Measures_argmax_kept_l1_and_kl_in_nats()
    {
        float[] original = [0.7f, 0.2f, 0.1f, 0.5f, 0.5f, 0f];
        float[] answered = [0.5f, 0.3f, 0.2f, 0f, 1f, 0f];
        var cost = new UtilityCost();
        cost.Add(original, answered, 3);

        // Row 1: argmax kept, L1 = 0.2 + 0.1 + 0.1, KL = 0.7 ln(0.7/0.5) + 0.2 ln(0.2/0.3) + 0.1 ln(0.1/0.2).
        // Row 2: argmax 0 -> 1 lost, L1 = 1, KL = 0.5 ln(0.5/1e-12) + 0.5 ln(0.5/1).
        var kl1 = 0.7 * Math.Log(0.7 / 0.5) + 0.2 * Math.Log(0.2 / 0.3) + 0.1 * Math.Log(0.1 / 0.2);
        var kl2 = 0.5 * Math.Log(0.5 / 1e-12) + 0.5 * Math.Log(0.5);
        var summary = cost.Summary();
        Assert.Equal(2, summary.Answers);
        Assert.Equal(0.5, summary.ArgmaxKeptRate);
        Assert.Equal((0.4 + 1.0) / 2, summary.MeanL1, 6);
        Assert.Equal((kl1 + kl2) / 2, summary.MeanKlNats, 5);
    }

    [Fact]
    public void Merging_equals_adding_everything_to_one()
    {
        var random = new Random(8);
        var (y, z) = (RandomPosteriors.Batch(random, 40, 10), RandomPosteriors.Batch(random, 40, 10));
        var whole = new UtilityCost();
        whole.Add(y, z, 10);
        var (first, second) = (new UtilityCost(), new UtilityCost());
        first.Add(y.AsSpan(0, 200), z.AsSpan(0, 200), 10);
        second.Add(y.AsSpan(200), z.AsSpan(200), 10);
        first.Merge(second);
        Assert.Equal(whole.Summary().Answers, first.Summary().Answers);
        Assert.Equal(whole.Summary().MeanKlNats, first.Summary().MeanKlNats, 9);
    }
}
