using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Operators;

/// <summary>GET /v1/admin/clients/{client}: the summary plus what the suspicion is made of.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientDetail : ClientSummary
{
    [Id(0)] public required ClientSignals Signals { get; init; }

    /// <summary>Suspicion and level over time, oldest first, for operators to plot.</summary>
    [Id(1)] public required IReadOnlyList<SuspicionPoint> History { get; init; }

    [Id(2)] public ClientOverride? Override { get; init; }

    /// <summary>What the perturbations have cost this client's answers so far.</summary>
    [Id(3)] public required UtilityCostSummary Utility { get; init; }

    /// <summary>The client's use of its tenant's per-key quota; null when the tenant has none.</summary>
    [Id(4)] public QuotaStatus? Quota { get; init; }
}

/// <summary>
/// One point of a client's history: its suspicion and level, and the loudest detector's PRADA W (1 before
/// its first test) and low-confidence rate at that moment. Points stored before W was kept read as W 1, rate 0.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SuspicionPoint(DateTimeOffset At, double Suspicion, int Level, double W = 1, double LowConfidenceRate = 0);

/// <summary>Every signal normalised to [0, 1] (PRADA's W is its own statistic, see docs/ALGORITHMS.md).</summary>
[GenerateSerializer, Immutable]
public sealed record ClientSignals
{
    [Id(0)] public PradaSignal? Prada { get; init; }

    [Id(1)] public double LowConfidenceRate { get; init; }

    [Id(2)] public double ClassCoverage { get; init; }

    [Id(3)] public double ClassBalance { get; init; }

    /// <summary>Queries per minute, recent.</summary>
    [Id(4)] public double QueryRate { get; init; }

    /// <summary>Raised by the tenant's watch: this key takes part in an attack spread over several keys.</summary>
    [Id(5)] public bool SplitAttack { get; init; }

    /// <summary>The suspicion without volume (PRADA, out of distribution): only it may reach a level that changes labels.</summary>
    [Id(6)] public double Evidence { get; init; }

    /// <summary>The volume component: the strongest horizon's ramp, 0-1.</summary>
    [Id(7)] public double Volume { get; init; }
}

/// <summary>PRADA's latest test (W is 1 before the first), the lowest W so far, and the newest distances.</summary>
[GenerateSerializer, Immutable]
public sealed record PradaSignal(double W, int Samples, double Threshold, bool Flagged, IReadOnlyList<double> RecentDistances, double LowestW = 1);

/// <summary>Utility cost per answered input (docs/ALGORITHMS.md): argmax kept, L1 distance, KL(y‖ỹ) in nats.</summary>
[GenerateSerializer, Immutable]
public sealed record UtilityCostSummary(long Answers, double ArgmaxKeptRate, double MeanL1, double MeanKlNats);
