using System.Text.Json;
using Mirage.Defense.Monitoring;
using Mirage.Tests.Shared;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// Compares with scipy.stats.shapiro on generated samples (lab/fixtures/shapiro_wilk_samples.py wrote the
/// fixture), and covers the inputs where rounding could push W past 1 or n past AS R94's 5,000.
/// </summary>
public sealed class ShapiroWilkScipyTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(RepositoryFiles.Root, "tests", "Defense.Tests", "Fixtures", "Prada", "shapiro-wilk-scipy.json")));
        return fixture.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases.Value)
        {
            names.Add(c.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Agrees_with_scipy(string name)
    {
        var c = Cases.Value.Single(c => c.GetProperty("name").GetString() == name);
        var sample = c.GetProperty("sample").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expectedW = c.GetProperty("w").GetDouble();
        var expectedP = c.GetProperty("p").GetDouble();

        var result = ShapiroWilk.Test(sample);

        // scipy's swilk computes in single precision: its W is off by a few 1e-6 (more past n = 5,000).
        Assert.True(Math.Abs(result.W - expectedW) <= 5e-6, $"W {result.W} vs scipy {expectedW}");
        // p is steep in W, so scipy's p is only near ours; the double-precision reference pins it.
        Assert.True(Math.Abs(Math.Log(result.PValue / expectedP)) <= 0.03, $"p {result.PValue} vs scipy {expectedP}");
        if (c.TryGetProperty("wDouble", out var wDouble))
        {
            Assert.True(Math.Abs(result.W - wDouble.GetDouble()) <= 1e-12, $"W {result.W} vs double {wDouble.GetDouble()}");
            var pDouble = c.GetProperty("pDouble").GetDouble();
            Assert.True(Math.Abs(result.PValue - pDouble) <= 1e-5 * pDouble, $"p {result.PValue} vs double {pDouble}");
        }
    }

    [Theory]
    [InlineData(new double[] { 1, 2, 3 })]
    [InlineData(new double[] { -1, 0, 1 })]
    [InlineData(new double[] { 0.1, 0.2, 0.3 })]
    [InlineData(new double[] { 1e9 + 1, 1e9 + 2, 1e9 + 3 })]
    public void A_perfectly_straight_sample_of_three_gives_w_1_and_p_1_not_nan(double[] sample)
    {
        var result = ShapiroWilk.Test(sample);

        Assert.InRange(result.W, 1 - 1e-12, 1);
        Assert.InRange(result.PValue, 1 - 1e-6, 1);
    }

    [Fact]
    public void Symmetric_triples_never_round_w_past_1()
    {
        // [c − t, c, c + t] is perfectly straight: W = 1 up to rounding, and rounding above 1 made √W > 1 and p NaN.
        var random = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            var c = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7));
            var t = random.NextDouble() * Math.Pow(10, random.Next(-6, 7)) + 1e-9;
            var result = ShapiroWilk.Test([c - t, c, c + t]);
            Assert.True(result.W <= 1 && !double.IsNaN(result.PValue), $"[{c - t}, {c}, {c + t}]: {result}");
        }
    }

    [Fact]
    public void No_sample_size_gives_w_above_1_or_a_nan_p()
    {
        // Samples shaped like the expected normal order statistics are as straight as samples get: W ≈ 1.
        for (var n = 3; n <= 300; n++)
        {
            var sample = Enumerable.Range(1, n).Select(i => Math.Round(NormalQuantile((i - 0.375) / (n + 0.25)), 3)).ToArray();
            var result = ShapiroWilk.Test(sample);
            Assert.False(double.IsNaN(result.W) || double.IsNaN(result.PValue), $"n = {n}: {result}");
            Assert.InRange(result.W, 0, 1);
            Assert.InRange(result.PValue, 0, 1);
        }
    }

    [Fact]
    public void N_of_3_has_the_exact_distribution_and_floors_w_at_three_quarters()
    {
        // For n = 3, W = 3/4 + (3/4)·(...) has the closed form p = 1 − (6/π)·acos(√W); [1, 2, 4] gives W = 27/28.
        var result = ShapiroWilk.Test([1, 2, 4]);
        Assert.Equal(27.0 / 28, result.W, 1e-12);
        Assert.Equal(1 - 6 / Math.PI * Math.Acos(Math.Sqrt(27.0 / 28)), result.PValue, 1e-12);
        // The most lopsided triple (two equal values) is W's floor, with p = 0.
        var floor = ShapiroWilk.Test([5, 5, 9]);
        Assert.Equal(0.75, floor.W, 1e-12);
        Assert.Equal(0, floor.PValue, 1e-9);
    }

    private static double NormalQuantile(double p)
    {
        // Bisection on the normal CDF via erf's series is plenty for building a test sample.
        double lo = -10, hi = 10;
        for (var i = 0; i < 100; i++)
        {
            var mid = (lo + hi) / 2;
            if (NormalCdf(mid) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    private static double NormalCdf(double z)
    {
        // Abramowitz-Stegun 26.2.17 (7.5e-8): accurate enough to place test points.
        var t = 1 / (1 + 0.2316419 * Math.Abs(z));
        var density = Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
        var tail = density * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return z >= 0 ? 1 - tail : tail;
    }
}
