using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Operators;

/// <summary>GET /v1/admin/clients/{client}: the summary plus what the suspicion is made of.</summary>
public sealed record ClientDetail : ClientSummary
{
    public required ClientSignals Signals { get; init; }

    /// <summary>Suspicion and level over time, oldest first, for operators to plot.</summary>
    public required IReadOnlyList<SuspicionPoint> History { get; init; }

    public ClientOverride? Override { get; init; }

    /// <summary>What the perturbations have cost this client's answers so far.</summary>
    public required UtilityCostSummary Utility { get; init; }
}

public sealed record SuspicionPoint(DateTimeOffset At, double Suspicion, int Level);

/// <summary>Every signal normalised to [0, 1] (PRADA's W is its own statistic, see ALGORITHMS.md).</summary>
public sealed record ClientSignals
{
    public PradaSignal? Prada { get; init; }

    public double LowConfidenceRate { get; init; }

    public double ClassCoverage { get; init; }

    public double ClassBalance { get; init; }

    /// <summary>Queries per minute, recent.</summary>
    public double QueryRate { get; init; }

    /// <summary>Raised by the tenant's watch: this key takes part in an attack spread over several keys.</summary>
    public bool SplitAttack { get; init; }
}

public sealed record PradaSignal(double W, int Samples, double Threshold, bool Flagged, IReadOnlyList<double> RecentDistances);

/// <summary>Utility cost per answered input (ALGORITHMS.md): argmax kept, L1 distance, KL(y‖ỹ) in nats.</summary>
public sealed record UtilityCostSummary(long Answers, double ArgmaxKeptRate, double MeanL1, double MeanKlNats);
