using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Perturbation;

/// <summary>
/// Builds perturbations from policies (validating their parameters) and keeps one instance per
/// distinct policy, since instances are immutable. The poisoning methods (reverse sigmoid, gaussian
/// noise, MAD) are wrapped in <see cref="Camouflage"/> unless the policy says <c>camouflage: false</c>,
/// so every ladder level and every pinned policy answers with clean-looking values by default.
/// </summary>
public sealed class PerturbationCatalog(ulong camouflageKey)
{
    /// <summary>Drawn once per process: the camouflage's tie-break order cannot be predicted from outside.</summary>
    private static readonly ulong ProcessKey = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));

    private readonly ConcurrentDictionary<PerturbationPolicy, IPerturbation> _built = new();

    /// <summary>A catalog whose camouflage uses this process's random key.</summary>
    public PerturbationCatalog()
        : this(ProcessKey)
    {
    }

    public IPerturbation Get(PerturbationPolicy policy) =>
        _built.GetOrAdd(policy, static (p, key) => Create(p, key), camouflageKey);

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

    /// <summary>The policy's perturbation, camouflaged with this process's key where it applies.</summary>
    public static IPerturbation Create(PerturbationPolicy policy) => Create(policy, ProcessKey);

    public static IPerturbation Create(PerturbationPolicy policy, ulong camouflageKey)
    {
        var raw = CreateRaw(policy);
        if (!Poisons(policy.Method))
        {
            return policy.Camouflage == true
                ? throw new ArgumentException(
                    $"camouflage applies to reverse_sigmoid, gaussian_noise and mad; {WireName(policy.Method)} answers are visible by design")
                : raw;
        }

        return policy.Camouflage ?? true ? new Camouflage(raw, camouflageKey) : raw;
    }

    /// <summary>The methods whose answers are meant to look clean: they rank classes, camouflage fills the values.</summary>
    public static bool Poisons(PerturbationMethod method) =>
        method is PerturbationMethod.ReverseSigmoid or PerturbationMethod.GaussianNoise or PerturbationMethod.Mad;

    private static IPerturbation CreateRaw(PerturbationPolicy policy) => policy.Method switch
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

    /// <summary>The method as the API spells it ("top_k"), for error messages.</summary>
    private static string WireName(PerturbationMethod method) =>
        typeof(PerturbationMethod).GetField(method.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
        ?? method.ToString();

    private static T Check<T>(T value, Func<T, bool> valid, string rule) =>
        valid(value) ? value : throw new ArgumentException($"{rule}; got {value}.");
}
