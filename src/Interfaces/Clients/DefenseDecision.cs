using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Clients;

/// <summary>
/// The escalation level a client is at and the perturbation its answers get; while the client is past its
/// tenant's quota, <see cref="PastQuota"/> applies instead until <see cref="QuotaUntil"/> (the next UTC day or
/// month), a moment the request path checks with its own clock.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DefenseDecision([property: Id(0)] int Level, [property: Id(1)] string LevelName, [property: Id(2)] PerturbationPolicy Policy)
{
    public static DefenseDecision Clean { get; } = new(0, "clean", PerturbationPolicy.None);

    [Id(3)] public PerturbationPolicy? PastQuota { get; init; }

    [Id(4)] public DateTimeOffset QuotaUntil { get; init; }

    /// <summary>Whether the ladder's or the operator's policy blocks (the quota aside).</summary>
    public bool Blocks => Policy.Method == PerturbationMethod.Block;

    /// <summary>The policy a request at <paramref name="now"/> gets: the quota's while it is used up, else <see cref="Policy"/>.</summary>
    public PerturbationPolicy PolicyAt(DateTimeOffset now) => PastQuota is { } past && now < QuotaUntil ? past : Policy;
}
