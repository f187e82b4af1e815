using Mirage.Interfaces.Operators;

namespace Mirage.Grains.Tenants;

/// <summary>
/// What a tenant grain keeps across activations: its clients' latest summaries (the operators' read
/// model), the keys its watch raised and the last hour's activity. The watch's pooled detectors and its young keys' own
/// distance series are not kept: they look at young keys only, whose queries arrive again within minutes.
/// </summary>
public sealed class TenantRecord
{
    public Dictionary<string, ClientSummary> Clients { get; set; } = new(StringComparer.Ordinal);

    public SortedSet<string> Raised { get; set; } = new(StringComparer.Ordinal);

    public string? LastReason { get; set; }

    /// <summary>Queries per minute, flags and alerts of the last hour, for the overview (a few KB at most).</summary>
    public TenantActivity Activity { get; set; } = new();
}
