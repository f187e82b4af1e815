namespace Mirage.Silo.Telemetry;

/// <summary>Mirage:Telemetry: how the metrics that need the grains are gathered.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Mirage:Telemetry";

    /// <summary>
    /// How old this silo's copy of the tenants' client levels (<c>mirage_clients</c>) may be before a
    /// scrape starts reading them again; the scrape itself answers from the copy and never waits on a grain.
    /// </summary>
    public TimeSpan ClientLevelsRefresh { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The meters /metrics exports; unset, <see cref="DefaultMeters"/>. Each meter listened to costs its
    /// instruments' recording on the request path (docs/PERFORMANCE.md), so a deployment may keep fewer.
    /// </summary>
    public string[]? Meters { get; set; }

    /// <summary>
    /// Whether Orleans' instruments counted on every message (<see cref="IsPerMessage"/>: messaging and
    /// directory lookups) are exported too. Off by default: each grain call records about nine of them, two grain
    /// calls a prediction, and the cost shows in throughput (docs/PERFORMANCE.md, Telemetry). Orleans' other
    /// instruments (grain call latency, activations, storage, membership, runtime) are exported either way.
    /// </summary>
    public bool OrleansPerMessageInstruments { get; set; }

    /// <summary>An Orleans instrument recorded once or more on every message a silo sends or receives.</summary>
    public static bool IsPerMessage(string instrument) =>
        instrument.StartsWith("orleans-messaging-", StringComparison.Ordinal)
        || instrument.StartsWith("orleans-directory-lookups-", StringComparison.Ordinal);

    /// <summary>Mirage's, ASP.NET Core's request duration, Kestrel's connections and Orleans' own.</summary>
    public static readonly string[] DefaultMeters =
        [MirageMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.Orleans"];
}
