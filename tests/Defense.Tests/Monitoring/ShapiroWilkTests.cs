using Mirage.Defense.Monitoring;

namespace Mirage.Defense.Tests.Monitoring;

public sealed class ShapiroWilkTests
{
    public static TheoryData<double[], double, double> Vectors() => new()
    {
        { [1, 2, 4], 0.9642857143, 0.636886845 },
        { [2, 4, 4.5, 5, 9], 0.9141076093, 0.4926636491 },
        { Enumerable.Range(1, 12).Select(i => (double)i).ToArray(), 0.9668963633, 0.8757314439 },
        { Enumerable.Range(1, 20).Select(i => (double)i * i).ToArray(), 0.9061306286, 0.05380958913 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Matches_the_vectors_of_algorithms_md(double[] sample, double w, double p)
    {
        var result = ShapiroWilk.Test(sample);
        Assert.True(Math.Abs(result.W - w) <= 1e-6, $"W {result.W} vs {w}");
        Assert.True(Math.Abs(result.PValue - p) <= 1e-4 * p, $"p {result.PValue} vs {p}");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Is_invariant_to_shift_scale_and_order(double[] sample, double w, double p)
    {
        var moved = sample.Select(x => -3.5 + 1000 * x).Reverse().ToArray();
        var result = ShapiroWilk.Test(moved);
        Assert.True(Math.Abs(result.W - w) <= 1e-6);
        Assert.True(Math.Abs(result.PValue - p) <= 1e-4 * p);
    }

    [Fact]
    public void Constant_input_is_perfectly_normal_not_nan()
    {
        Assert.Equal(new ShapiroWilk.Result(1, 1), ShapiroWilk.Test([4.2, 4.2, 4.2, 4.2, 4.2]));
    }

    [Fact]
    public void Ties_give_finite_results_in_range()
    {
        var result = ShapiroWilk.Test([1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 7, 7]);
        Assert.InRange(result.W, 0, 1);
        Assert.InRange(result.PValue, 0, 1);
    }

    [Fact]
    public void Normal_samples_pass_and_skewed_samples_fail_at_5000()
    {
        var random = new Random(3);
        var normal = Enumerable.Range(0, 5000).Select(_ => Gaussian(random)).ToArray();
        var skewed = normal.Select(Math.Exp).ToArray();

        var ofNormal = ShapiroWilk.Test(normal);
        var ofSkewed = ShapiroWilk.Test(skewed);

        Assert.True(ofNormal.W > 0.99, $"W of a normal sample: {ofNormal.W}");
        Assert.True(ofNormal.PValue > 0.001, $"p of a normal sample: {ofNormal.PValue}");
        Assert.True(ofSkewed.W < 0.9, $"W of a lognormal sample: {ofSkewed.W}");
        Assert.True(ofSkewed.PValue < 1e-6);
    }

    [Fact]
    public void Fewer_than_3_values_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([1, 2]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([]));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
