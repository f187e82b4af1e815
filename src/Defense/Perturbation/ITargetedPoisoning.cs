namespace Mirage.Defense.Perturbation;

/// <summary>
/// A poisoning that moves each answer toward a target it can name (MAD's y*). The camouflage ranks the
/// classes by the target rather than by the answer: the answer mixes the clean posterior back in, and
/// its smallest values would still rank the other classes in the clean order (the dark knowledge a
/// soft-label copy learns from), the true class first among them at MAD's extreme vertex.
/// </summary>
public interface ITargetedPoisoning : IPerturbation
{
    /// <summary>
    /// Writes the target for one clean row; <paramref name="surrogate"/> is that row's surrogate
    /// posterior, or empty when the row itself serves. A target that leaves the row unchanged (no
    /// budget) is the row itself.
    /// </summary>
    void WriteTarget(ReadOnlySpan<float> row, ReadOnlySpan<float> surrogate, Span<float> target);
}
