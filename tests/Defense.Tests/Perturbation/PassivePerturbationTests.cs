using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Perturbation;

public sealed class PassivePerturbationTests
{
    [Fact]
    public void Label_only_is_a_one_hot_of_each_rows_own_argmax()
    {
        float[] batch = [0.1f, 0.7f, 0.2f, 0.5f, 0.2f, 0.3f, 0.1f, 0.1f, 0.8f];
        LabelOnly.Instance.Apply(batch, 3, default);
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 0f, 0f, 0f, 1f], batch);
    }

    [Fact]
    public void Top_k_keeps_the_k_largest_and_renormalises()
    {
        float[] row = [0.1f, 0.4f, 0.2f, 0.3f];
        new TopK(2).Apply(row, 4, default);
        Assert.Equal(0f, row[0]);
        Assert.Equal(0f, row[2]);
        Assert.Equal(4f / 7, row[1], 6);
        Assert.Equal(3f / 7, row[3], 6);
    }

    [Fact]
    public void Top_1_is_a_one_hot_and_k_above_the_class_count_keeps_everything()
    {
        float[] row = [0.1f, 0.4f, 0.2f, 0.3f];
        var copy = row.ToArray();
        new TopK(1).Apply(row, 4, default);
        Assert.Equal([0f, 1f, 0f, 0f], row);
        new TopK(9).Apply(copy, 4, default);
        Assert.Equal([0.1f, 0.4f, 0.2f, 0.3f], copy);
    }

    [Fact]
    public void Rounding_rounds_half_to_even_then_renormalises()
    {
        float[] row = [0.125f, 0.375f, 0.5f];
        new Rounding(2).Apply(row, 3, default);
        // 0.125 -> 0.12 and 0.375 -> 0.38 (half to even), 0.5 stays; their sum is 1.0 already.
        Assert.Equal(0.12f, row[0], 6);
        Assert.Equal(0.38f, row[1], 6);
        Assert.Equal(0.5f, row[2], 6);
    }

    [Fact]
    public void Rounding_to_zero_decimals_that_loses_all_mass_answers_the_argmax()
    {
        float[] row = [0.3f, 0.4f, 0.3f];
        new Rounding(0).Apply(row, 3, default);
        Assert.Equal([0f, 1f, 0f], row);
    }

    [Fact]
    public void Gaussian_noise_is_reproducible_for_a_seed_and_differs_across_seeds()
    {
        var random = new Random(1);
        var y = RandomPosteriors.Batch(random, 10, 10);
        var (a, b, c) = (y.ToArray(), y.ToArray(), y.ToArray());
        var noise = new GaussianNoise(0.2, seed: null);
        noise.Apply(a, 10, new PerturbationInputs([], 42));
        noise.Apply(b, 10, new PerturbationInputs([], 42));
        noise.Apply(c, 10, new PerturbationInputs([], 43));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(y, a);
    }

    [Fact]
    public void Every_method_keeps_thousands_of_random_rows_on_the_simplex()
    {
        var random = new Random(2026);
        var policies = new PerturbationPolicy[]
        {
            PerturbationPolicy.None,
            new() { Method = PerturbationMethod.Rounding, Decimals = 3 },
            new() { Method = PerturbationMethod.Rounding, Decimals = 1 },
            new() { Method = PerturbationMethod.TopK, K = 3 },
            new() { Method = PerturbationMethod.LabelOnly },
            new() { Method = PerturbationMethod.GaussianNoise, Scale = 0.2, Seed = 5 },
            new() { Method = PerturbationMethod.GaussianNoise, Scale = 3 },
            new() { Method = PerturbationMethod.ReverseSigmoid, Beta = 1, Gamma = 0.1 },
            new() { Method = PerturbationMethod.ReverseSigmoid, Beta = 5, Gamma = 2 },
            new() { Method = PerturbationMethod.Mad, Epsilon = 0.7, Norm = MadNorm.L1, Argmax = false },
            new() { Method = PerturbationMethod.Mad, Epsilon = 2, Norm = MadNorm.L2, Argmax = true },
        };
        foreach (var classes in new[] { 2, 10, 100 })
        {
            foreach (var policy in policies)
            {
                var batch = RandomPosteriors.Batch(random, 3000 / classes * 10 / 10 + 50, classes);
                var surrogate = RandomPosteriors.Batch(random, batch.Length / classes, classes);
                PerturbationCatalog.Create(policy).Apply(batch, classes, new PerturbationInputs(surrogate, (ulong)classes));
                RandomPosteriors.AssertProbabilityVectors(batch, classes, $"{policy.Method} K={classes}");
            }
        }
    }

    [Theory]
    [InlineData("top_k", "top_k needs k of at least 1; got 0")]
    [InlineData("reverse_sigmoid", "reverse_sigmoid needs a finite beta > 0; got -1")]
    [InlineData("rounding", "rounding needs decimals between 0 and 8; got 12")]
    [InlineData("mad", "mad needs a finite epsilon >= 0; got -0.5")]
    [InlineData("gaussian_noise", "gaussian_noise needs a finite scale > 0; got 0")]
    public void Bad_parameters_are_refused_with_what_to_fix(string method, string message)
    {
        PerturbationPolicy policy = method switch
        {
            "top_k" => new() { Method = PerturbationMethod.TopK, K = 0 },
            "reverse_sigmoid" => new() { Method = PerturbationMethod.ReverseSigmoid, Beta = -1 },
            "rounding" => new() { Method = PerturbationMethod.Rounding, Decimals = 12 },
            "mad" => new() { Method = PerturbationMethod.Mad, Epsilon = -0.5 },
            _ => new() { Method = PerturbationMethod.GaussianNoise, Scale = 0 },
        };
        Assert.Equal(message + ".", PerturbationCatalog.Problem(policy));
    }

    [Fact]
    public void The_catalog_builds_one_instance_per_distinct_policy()
    {
        var catalog = new PerturbationCatalog();
        var a = catalog.Get(new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 });
        var b = catalog.Get(new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 });
        var c = catalog.Get(new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.6, Gamma = 0.5 });
        Assert.Same(a, b);
        Assert.NotSame(a, c);
    }

    [Fact]
    public void Block_is_never_applied()
    {
        Assert.Throws<InvalidOperationException>(() => BlockPerturbation.Instance.Apply(new float[3], 3, default));
    }
}
