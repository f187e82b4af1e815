namespace Mirage.Defense.Perturbation;

/// <summary>
/// "gaussian_noise" {scale, seed?}: adds N(0, scale²) to every probability, clips at 0, renormalises.
/// Deterministic for a seed (the policy's, else the request's). A row left with no mass keeps its value.
/// </summary>
public sealed class GaussianNoise(double scale, long? seed) : IPerturbation
{
    public double Scale { get; } = scale;

    public long? Seed { get; } = seed;

    public bool NeedsSurrogate => false;

    public void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs)
    {
        var random = new SplitMix64(Seed is { } fixedSeed ? (ulong)fixedSeed : inputs.Seed);
        Span<float> original = classes <= 1024 ? stackalloc float[classes] : new float[classes];
        for (var offset = 0; offset < posteriors.Length; offset += classes)
        {
            var row = posteriors.Slice(offset, classes);
            row.CopyTo(original);
            for (var k = 0; k < classes; k++)
            {
                row[k] = (float)Math.Max(0.0, row[k] + Scale * StandardNormal(ref random));
            }

            Simplex.Normalize(row, original);
        }
    }

    /// <summary>Box-Muller: one standard normal draw.</summary>
    private static double StandardNormal(ref SplitMix64 random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
