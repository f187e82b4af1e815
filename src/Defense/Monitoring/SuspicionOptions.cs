namespace Mirage.Defense.Monitoring;

/// <summary>The knobs of <see cref="SuspicionRule"/>; docs/DETECTION.md explains each.</summary>
public sealed record SuspicionOptions
{
    /// <summary>A query is low-confidence when the model's top probability is below this.</summary>
    public double LowConfidenceBelow { get; init; } = 0.6;

    /// <summary>
    /// Low-confidence rate that starts to count, and the rate at which it counts fully. Measured on the
    /// victim: benign Fashion-MNIST windows of 1,000 sit at 0.06-0.09, the lab's natural-image pool
    /// (photo crops and digits) at 0.24, inverted images at 0.19, blurred ones at 0.57.
    /// </summary>
    public double LowConfidenceFrom { get; init; } = 0.15;

    public double LowConfidenceFull { get; init; } = 0.22;

    /// <summary>
    /// PRADA counts once this many tests in a row have flagged (10 queries apart). A synthetic stream
    /// stays far below δ; a benign stream can dip near δ for one early test of ~100 distances.
    /// </summary>
    public int PradaPersistence { get; init; } = 3;

    /// <summary>The volume's horizons (docs/DETECTION.md): the short one also fixes how fast a flagged heavy user comes down.</summary>
    public VolumeHorizon ShortHorizon { get; init; } = VolumeHorizon.Hour;

    public VolumeHorizon LongHorizon { get; init; } = VolumeHorizon.Day;

    /// <summary>
    /// Queries before the low-confidence rate is trusted: at 200 a benign window's rate (about 0.07,
    /// standard error 0.02) stays well clear of LowConfidenceFrom.
    /// </summary>
    public long MinimumQueries { get; init; } = 200;

    /// <summary>Weights of the out-of-distribution and volume components (PRADA's is 1).</summary>
    public double OutOfDistributionWeight { get; init; } = 0.9;

    public double VolumeWeight { get; init; } = 0.9;

    /// <summary>Queries kept for the low-confidence rate.</summary>
    public int Window { get; init; } = 1_000;

    public PradaOptions Prada { get; init; } = new();

    /// <summary>
    /// Dimensions of PRADA's random projection; 0 measures distances on the raw input. 128, not 64:
    /// on benign Fashion-MNIST streams 64 dimensions gave lowest W values of 0.90-0.92, too close to
    /// δ = 0.9; 128 gave 0.935 and the raw input 0.948 (docs/DETECTION.md).
    /// </summary>
    public int ProjectionDimensions { get; init; } = 128;

    public int ProjectionSeed { get; init; } = 17;
}
