using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Mirage.Interfaces.Defense;

/// <summary>How the returned probabilities are perturbed (docs/ALGORITHMS.md names the methods and parameters).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PerturbationMethod>))]
[TypeConverter(typeof(WireNameEnumConverter<PerturbationMethod>))]
public enum PerturbationMethod
{
    [JsonStringEnumMemberName("none")] None,
    [JsonStringEnumMemberName("rounding")] Rounding,
    [JsonStringEnumMemberName("top_k")] TopK,
    [JsonStringEnumMemberName("label_only")] LabelOnly,
    [JsonStringEnumMemberName("gaussian_noise")] GaussianNoise,
    [JsonStringEnumMemberName("reverse_sigmoid")] ReverseSigmoid,
    [JsonStringEnumMemberName("mad")] Mad,
    [JsonStringEnumMemberName("block")] Block,
}

[JsonConverter(typeof(JsonStringEnumConverter<MadNorm>))]
[TypeConverter(typeof(WireNameEnumConverter<MadNorm>))]
public enum MadNorm
{
    [JsonStringEnumMemberName("l1")] L1,
    [JsonStringEnumMemberName("l2")] L2,
}

/// <summary>
/// One perturbation method with its parameters, as operators write it
/// (<c>{"method": "reverse_sigmoid", "beta": 0.5, "gamma": 0.5}</c>). Parameters a method does not use
/// stay null; a null parameter the method uses takes its documented default.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PerturbationPolicy
{
    [Id(0)] public required PerturbationMethod Method { get; init; }

    /// <summary>rounding: decimals kept (default 3).</summary>
    [Id(1)] public int? Decimals { get; init; }

    /// <summary>top_k: classes kept.</summary>
    [Id(2)] public int? K { get; init; }

    /// <summary>gaussian_noise: standard deviation (default 0.2).</summary>
    [Id(3)] public double? Scale { get; init; }

    /// <summary>gaussian_noise: fixed seed (tests); otherwise seeded per request.</summary>
    [Id(4)] public long? Seed { get; init; }

    /// <summary>reverse_sigmoid: size of the perturbation (default 1).</summary>
    [Id(5)] public double? Beta { get; init; }

    /// <summary>reverse_sigmoid: steepness (default 0.1).</summary>
    [Id(6)] public double? Gamma { get; init; }

    /// <summary>mad: distance budget in the chosen norm.</summary>
    [Id(7)] public double? Epsilon { get; init; }

    /// <summary>mad: the norm of the budget (default L1).</summary>
    [Id(8)] public MadNorm? Norm { get; init; }

    /// <summary>mad: use the argmax-preserving oracle (MAD-argmax).</summary>
    [Id(9)] public bool? Argmax { get; init; }

    /// <summary>
    /// reverse_sigmoid, gaussian_noise, mad: answer the clean probabilities in the order the method
    /// ranks the classes (default true; false answers the method's raw output).
    /// </summary>
    [Id(10)] public bool? Camouflage { get; init; }

    /// <summary>
    /// Whether every answer keeps the model's own label (the argmax): true for none, rounding, top_k,
    /// label_only, reverse_sigmoid and mad with argmax; false for gaussian noise (noise can reorder the
    /// top classes), mad's extreme vertex, and block (it answers no label at all). The one place the
    /// evidence rule (docs/DETECTION.md) and the quota's "poison" read it from.
    /// Derived from the method, so it is not part of the policy's JSON (docs/API.md's shape stays).
    /// </summary>
    [JsonIgnore]
    public bool KeepsArgmax => Method switch
    {
        PerturbationMethod.None or PerturbationMethod.Rounding or PerturbationMethod.TopK
            or PerturbationMethod.LabelOnly or PerturbationMethod.ReverseSigmoid => true,
        PerturbationMethod.Mad => Argmax == true,
        _ => false,
    };

    public static PerturbationPolicy None { get; } = new() { Method = PerturbationMethod.None };

    public static PerturbationPolicy LabelOnly { get; } = new() { Method = PerturbationMethod.LabelOnly };

    public static PerturbationPolicy Block { get; } = new() { Method = PerturbationMethod.Block };
}
