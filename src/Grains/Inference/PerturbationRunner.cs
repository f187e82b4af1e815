using Mirage.Interfaces.Defense;

namespace Mirage.Grains.Inference;

/// <summary>Applies a policy's perturbation to a batch of posteriors (rows x classes, in place).</summary>
public class PerturbationRunner
{
    /// <summary>Null when the policy can be applied; otherwise what to fix.</summary>
    public virtual string? Problem(PerturbationPolicy policy) =>
        policy.Method is PerturbationMethod.None or PerturbationMethod.Block ? null : $"{policy.Method} is not available yet.";

    public virtual bool NeedsSurrogate(PerturbationPolicy policy) => false;

    public virtual void Apply(PerturbationPolicy policy, Span<float> posteriors, int classes, ReadOnlySpan<float> surrogate)
    {
        if (policy.Method != PerturbationMethod.None)
        {
            throw new NotSupportedException($"Perturbation {policy.Method} is not available yet.");
        }
    }
}
