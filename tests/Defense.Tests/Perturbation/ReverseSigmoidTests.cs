using Mirage.Defense.Perturbation;

namespace Mirage.Defense.Tests.Perturbation;

public sealed class ReverseSigmoidTests
{
    [Theory]
    [InlineData(1.0, 0.1, new[] { 0.63552381, 0.21963538, 0.14484081 })]
    [InlineData(0.5, 0.5, new[] { 0.56032435, 0.24506512, 0.19461053 })]
    public void Matches_the_test_vectors_of_algorithms_md(double beta, double gamma, double[] expected)
    {
        float[] y = [0.7f, 0.2f, 0.1f];
        new ReverseSigmoid(beta, gamma).Apply(y, 3, default);
        for (var k = 0; k < 3; k++)
        {
            Assert.True(Math.Abs(expected[k] - y[k]) <= 1e-6, $"class {k}: {y[k]} vs {expected[k]}");
        }
    }

    [Fact]
    public void Equals_a_naive_reference_on_random_posteriors()
    {
        var random = new Random(7);
        foreach (var (beta, gamma) in new[] { (1.0, 0.1), (0.5, 0.5), (0.3, 1.0), (0.8, 0.2) })
        {
            var batch = RandomPosteriors.Batch(random, 200, 10);
            var original = batch.ToArray();
            new ReverseSigmoid(beta, gamma).Apply(batch, 10, default);
            for (var r = 0; r < 200; r++)
            {
                var expected = Reference(original.AsSpan(r * 10, 10), beta, gamma);
                for (var k = 0; k < 10; k++)
                {
                    Assert.True(Math.Abs(expected[k] - batch[r * 10 + k]) <= 1e-6, $"β={beta} γ={gamma} row {r} class {k}");
                }
            }
        }
    }

    [Fact]
    public void At_gamma_1_every_class_maps_to_a_half_so_the_answer_is_uniform()
    {
        var random = new Random(3);
        var batch = RandomPosteriors.Batch(random, 20, 10);
        new ReverseSigmoid(1.0, 1.0).Apply(batch, 10, default);
        Assert.All(batch, p => Assert.InRange(p, 0.1 - 1e-5, 0.1 + 1e-5));
    }

    [Fact]
    public void Beta_half_gamma_half_keeps_the_argmax_on_random_posteriors()
    {
        var random = new Random(11);
        var batch = RandomPosteriors.Batch(random, 2000, 10);
        var original = batch.ToArray();
        new ReverseSigmoid(0.5, 0.5).Apply(batch, 10, default);
        for (var r = 0; r < 2000; r++)
        {
            Assert.Equal(RandomPosteriors.ArgMax(original.AsSpan(r * 10, 10)), RandomPosteriors.ArgMax(batch.AsSpan(r * 10, 10)));
        }
    }

    /// <summary>The formula written out plainly, in double (ART's: clip inside the logit only).</summary>
    private static double[] Reference(ReadOnlySpan<float> y, double beta, double gamma)
    {
        var result = new double[y.Length];
        for (var k = 0; k < y.Length; k++)
        {
            var clipped = Math.Min(Math.Max(y[k], 1e-9), 1 - 1e-9);
            var logit = Math.Log(clipped) - Math.Log(1 - clipped);
            var sigmoid = 1 / (1 + Math.Exp(-gamma * logit));
            result[k] = Math.Min(Math.Max(y[k] - beta * (sigmoid - 0.5), 0), 1);
        }

        var sum = result.Sum();
        return result.Select(v => v / sum).ToArray();
    }
}
