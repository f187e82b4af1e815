namespace Mirage.Grains.Monitoring;

/// <summary>The knobs of <see cref="SuspicionRule"/>; docs/DETECTION.md explains each.</summary>
public sealed record SuspicionOptions
{
    /// <summary>A query is low-confidence when the model's top probability is below this.</summary>
    public double LowConfidenceBelow { get; init; } = 0.6;

    /// <summary>Low-confidence rate that starts to count, and the rate at which it counts fully.</summary>
    public double LowConfidenceFrom { get; init; } = 0.3;

    public double LowConfidenceFull { get; init; } = 0.6;

    /// <summary>PRADA's W at which suspicion starts to rise; at the detector's δ it is full.</summary>
    public double PradaFrom { get; init; } = 0.96;

    /// <summary>Queries from which a client's volume starts to count, and fully counts.</summary>
    public long VolumeFrom { get; init; } = 2_000;

    public long VolumeFull { get; init; } = 5_000;

    /// <summary>Queries before the low-confidence rate is trusted.</summary>
    public long MinimumQueries { get; init; } = 100;

    /// <summary>Weights of the out-of-distribution and volume components (PRADA's is 1).</summary>
    public double OutOfDistributionWeight { get; init; } = 0.9;

    public double VolumeWeight { get; init; } = 0.9;

    /// <summary>Queries kept for the low-confidence rate and the class histogram.</summary>
    public int Window { get; init; } = 1_000;

    public PradaOptions Prada { get; init; } = new();

    /// <summary>Dimensions of PRADA's random projection; 0 measures distances on the raw input.</summary>
    public int ProjectionDimensions { get; init; } = 64;

    public int ProjectionSeed { get; init; } = 17;
}
