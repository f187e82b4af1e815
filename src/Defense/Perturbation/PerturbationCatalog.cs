using System.Collections.Concurrent;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Perturbation;

/// <summary>
/// Builds perturbations from policies (validating their parameters) and keeps one instance per
/// distinct policy, since instances are immutable.
/// </summary>
public sealed class PerturbationCatalog
{
    private readonly ConcurrentDictionary<PerturbationPolicy, IPerturbation> _built = new();

    public IPerturbation Get(PerturbationPolicy policy) => _built.GetOrAdd(policy, Create);

    /// <summary>Null when the policy can be built; otherwise what to fix.</summary>
    public static string? Problem(PerturbationPolicy policy)
    {
        try
        {
            Create(policy);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    public static IPerturbation Create(PerturbationPolicy policy) => policy.Method switch
    {
        PerturbationMethod.None => NoPerturbation.Instance,
        PerturbationMethod.Block => BlockPerturbation.Instance,
        PerturbationMethod.LabelOnly => LabelOnly.Instance,
        PerturbationMethod.Rounding => new Rounding(Check(policy.Decimals ?? 3, d => d is >= 0 and <= 8, "rounding needs decimals between 0 and 8")),
        PerturbationMethod.TopK => new TopK(Check(policy.K ?? 1, k => k >= 1, "top_k needs k of at least 1")),
        PerturbationMethod.GaussianNoise => new GaussianNoise(
            Check(policy.Scale ?? 0.2, s => s > 0 && double.IsFinite(s), "gaussian_noise needs a finite scale > 0"), policy.Seed),
        PerturbationMethod.ReverseSigmoid => new ReverseSigmoid(
            Check(policy.Beta ?? 1.0, b => b > 0 && double.IsFinite(b), "reverse_sigmoid needs a finite beta > 0"),
            Check(policy.Gamma ?? 0.1, g => g > 0 && double.IsFinite(g), "reverse_sigmoid needs a finite gamma > 0")),
        PerturbationMethod.Mad => new Mad(
            Check(policy.Epsilon ?? 1.0, e => e >= 0 && double.IsFinite(e), "mad needs a finite epsilon >= 0"),
            policy.Norm ?? MadNorm.L1,
            policy.Argmax ?? false),
        _ => throw new ArgumentException($"Unknown perturbation method {policy.Method}."),
    };

    private static T Check<T>(T value, Func<T, bool> valid, string rule) =>
        valid(value) ? value : throw new ArgumentException($"{rule}; got {value}.");
}
