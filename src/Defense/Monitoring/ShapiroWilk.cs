using System.Buffers;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// The Shapiro-Wilk test of normality, W and its p-value, by Royston's AS R94 (1995) as scipy.stats.shapiro
/// computes it (docs/ALGORITHMS.md has every constant). Double precision throughout. Royston fitted the p-value for
/// 3 ≤ n ≤ 5000; larger samples are answered as scipy answers them (same formulas, p less certain), because a
/// pooled PRADA test of a model with many classes can hold more than 5,000 distances.
/// </summary>
public static class ShapiroWilk
{
    /// <summary>The largest n Royston's p-value approximation was fitted for; W itself holds for any n.</summary>
    public const int MaxTabledSamples = 5000;

    private static readonly double[] C1 = [0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056];
    private static readonly double[] C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
    private static readonly double[] SmallMean = [0.5440, -0.39978, 0.025054, -0.0006714];
    private static readonly double[] SmallLogSd = [1.3822, -0.77857, 0.062767, -0.0020322];
    private static readonly double[] LargeMean = [-1.5861, -0.31082, -0.083751, 0.0038915];
    private static readonly double[] LargeLogSd = [-0.4803, -0.082676, 0.0030302];

    public readonly record struct Result(double W, double PValue);

    public static Result Test(ReadOnlySpan<double> sample)
    {
        RequireEnough(sample.Length, nameof(sample));
        var rented = ArrayPool<double>.Shared.Rent(sample.Length);
        try
        {
            var sorted = rented.AsSpan(0, sample.Length);
            sample.CopyTo(sorted);
            sorted.Sort();
            return OfSorted(sorted);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The same test for a sample already in ascending order (PRADA keeps its pool sorted), without the copy and sort.</summary>
    public static Result TestSorted(ReadOnlySpan<double> sorted)
    {
        RequireEnough(sorted.Length, nameof(sorted));
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] < sorted[i - 1])
            {
                throw new ArgumentException($"The sample is not in ascending order at {i}.", nameof(sorted));
            }
        }

        return OfSorted(sorted);
    }

    private static void RequireEnough(int n, string parameter)
    {
        if (n < 3)
        {
            throw new ArgumentException($"Shapiro-Wilk needs at least 3 values; got {n}.", parameter);
        }
    }

    private static Result OfSorted(ReadOnlySpan<double> sorted)
    {
        var n = sorted.Length;
        if (sorted[n - 1] - sorted[0] < 1e-19)
        {
            return new Result(1, 1);
        }

        var rented = ArrayPool<double>.Shared.Rent(n / 2);
        try
        {
            var a = rented.AsSpan(0, n / 2);
            Coefficients(n, a);
            var w = Statistic(sorted, a);
            if (n == 3 && w < 0.75)
            {
                // 0.75 is W's floor at n = 3; rounding can dip below it.
                w = 0.75;
            }

            return new Result(w, PValue(n, w));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>a_1..a_⌊n/2⌋ (positive): the i-th smallest value gets −a_i, the i-th largest +a_i.</summary>
    private static void Coefficients(int n, Span<double> a)
    {
        var half = n / 2;
        if (n == 3)
        {
            a[0] = Math.Sqrt(0.5);
            return;
        }

        var s = 0.0;
        for (var i = 0; i < half; i++)
        {
            a[i] = NormalDistribution.Quantile((i + 1 - 0.375) / (n + 0.25));
            s += a[i] * a[i];
        }

        s *= 2;
        var root = Math.Sqrt(s);
        var u = 1 / Math.Sqrt(n);
        var m1 = a[0];
        var a1 = Polynomial(C1, u) - m1 / root;
        int first;
        double phi;
        if (n > 5)
        {
            var m2 = a[1];
            var a2 = Polynomial(C2, u) - m2 / root;
            phi = (s - 2 * m1 * m1 - 2 * m2 * m2) / (1 - 2 * a1 * a1 - 2 * a2 * a2);
            a[1] = a2;
            first = 2;
        }
        else
        {
            phi = (s - 2 * m1 * m1) / (1 - 2 * a1 * a1);
            first = 1;
        }

        a[0] = a1;
        var scale = Math.Sqrt(phi);
        for (var i = first; i < half; i++)
        {
            a[i] = -a[i] / scale;
        }
    }

    /// <summary>W, the squared correlation of coefficients and sorted sample, via a stable 1 − W.</summary>
    private static double Statistic(ReadOnlySpan<double> sorted, ReadOnlySpan<double> a)
    {
        var n = sorted.Length;
        var mean = 0.0;
        foreach (var x in sorted)
        {
            mean += x;
        }

        mean /= n;
        double ssa = 0, ssx = 0, sax = 0;
        for (var i = 0; i < n; i++)
        {
            var coefficient = i < a.Length ? -a[i] : n - 1 - i < a.Length ? a[n - 1 - i] : 0;
            var centred = sorted[i] - mean;
            ssa += coefficient * coefficient;
            ssx += centred * centred;
            sax += coefficient * centred;
        }

        var root = Math.Sqrt(ssa * ssx);
        // Cauchy-Schwarz keeps this ≥ 0 exactly, but not in rounding; W a hair above 1 would make p NaN.
        var oneMinusW = Math.Max(0, (root - sax) * (root + sax) / (ssa * ssx));
        return 1 - oneMinusW;
    }

    private static double PValue(int n, double w)
    {
        if (n == 3)
        {
            const double sixOverPi = 6 / Math.PI;
            return Math.Max(0, 1 - sixOverPi * Math.Acos(Math.Sqrt(w)));
        }

        var y = Math.Log(1 - w);
        double mean, sd;
        if (n <= 11)
        {
            var gamma = -2.273 + 0.459 * n;
            if (y >= gamma)
            {
                return 1e-19;
            }

            y = -Math.Log(gamma - y);
            mean = Polynomial(SmallMean, n);
            sd = Math.Exp(Polynomial(SmallLogSd, n));
        }
        else
        {
            var v = Math.Log(n);
            mean = Polynomial(LargeMean, v);
            sd = Math.Exp(Polynomial(LargeLogSd, v));
        }

        return NormalDistribution.UpperTail((y - mean) / sd);
    }

    private static double Polynomial(ReadOnlySpan<double> c, double x)
    {
        var value = 0.0;
        for (var i = c.Length - 1; i >= 0; i--)
        {
            value = value * x + c[i];
        }

        return value;
    }
}
