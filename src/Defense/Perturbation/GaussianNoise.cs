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

    /// <summary>A tiny seeded generator on the stack: no allocation per request, same stream for the same seed.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public double NextDouble()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
