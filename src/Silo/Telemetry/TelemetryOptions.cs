namespace Mirage.Silo.Telemetry;

/// <summary>Mirage:Telemetry: how the metrics that need the grains are gathered.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Mirage:Telemetry";

    /// <summary>
    /// How often the silo reads each tenant's client list for <c>mirage_clients</c>; a scrape answers
    /// from that copy, so scrapes never call the tenant grains.
    /// </summary>
    public TimeSpan ClientLevelsRefresh { get; set; } = TimeSpan.FromSeconds(15);
}
