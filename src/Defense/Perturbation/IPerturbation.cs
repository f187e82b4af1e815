namespace Mirage.Defense.Perturbation;

/// <summary>
/// A deceptive perturbation of a batch of posteriors, applied in place: rows x classes values,
/// row-major. Every row stays a probability vector (non-negative, sums to 1). Instances are immutable
/// and thread-safe, so one serves every request with the same policy.
/// </summary>
public interface IPerturbation
{
    /// <summary>True when <see cref="Apply"/> needs the surrogate model's posteriors (MAD).</summary>
    bool NeedsSurrogate { get; }

    void Apply(Span<float> posteriors, int classes, PerturbationInputs inputs);
}

/// <summary>What a perturbation may use besides the posteriors themselves.</summary>
public readonly ref struct PerturbationInputs(ReadOnlySpan<float> surrogate, ulong seed)
{
    /// <summary>The surrogate's posteriors for the same rows; empty when the method needs none.</summary>
    public ReadOnlySpan<float> Surrogate { get; } = surrogate;

    /// <summary>Seeds random methods; fixed per request, so a request's answer is reproducible.</summary>
    public ulong Seed { get; } = seed;
}
