using Mirage.Interfaces.Operators;

namespace Mirage.Grains.Tenants;

/// <summary>
/// What a tenant grain keeps across activations: its clients' latest summaries (the operators' read
/// model) and the keys its watch raised. The watch's pooled detectors are not kept: they look at young
/// keys only, whose queries arrive again within minutes.
/// </summary>
public sealed class TenantRecord
{
    public Dictionary<string, ClientSummary> Clients { get; set; } = new(StringComparer.Ordinal);

    public SortedSet<string> Raised { get; set; } = new(StringComparer.Ordinal);

    public string? LastReason { get; set; }
}
