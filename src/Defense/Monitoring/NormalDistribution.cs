namespace Mirage.Defense.Monitoring;

/// <summary>The standard normal distribution's quantile (AS 111) and upper tail, as Shapiro-Wilk needs them.</summary>
internal static class NormalDistribution
{
    private const double A0 = 2.50662823884, A1 = -18.61500062529, A2 = 41.39119773534, A3 = -25.44106049637;
    private const double B1 = -8.47351093090, B2 = 23.08336743743, B3 = -21.06224101826, B4 = 3.13082909833;
    private const double C0 = -2.78718931138, C1 = -2.29796479134, C2 = 4.85014127135, C3 = 2.32121276858;
    private const double D1 = 3.54388924762, D2 = 1.63706781897;

    /// <summary>Φ⁻¹(p) by Beasley and Springer's AS 111 (about 1e-7 accurate; what AS R94 was built on).</summary>
    public static double Quantile(double p)
    {
        var q = p - 0.5;
        if (Math.Abs(q) <= 0.42)
        {
            var r = q * q;
            return q * (((A3 * r + A2) * r + A1) * r + A0) / ((((B4 * r + B3) * r + B2) * r + B1) * r + 1);
        }

        var s = Math.Sqrt(-Math.Log(Math.Min(p, 1 - p)));
        var value = (((C3 * s + C2) * s + C1) * s + C0) / ((D2 * s + D1) * s + 1);
        return q < 0 ? -value : value;
    }

    /// <summary>P(Z > z) = erfc(z / √2) / 2.</summary>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>
    /// The complementary error function, by the Chebyshev-fitted exponential form of Numerical Recipes'
    /// erfcc (relative error below 1.2e-7 everywhere, which keeps Shapiro-Wilk's p within 1e-6 relative).
    /// </summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var result = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? result : 2 - result;
    }
}
