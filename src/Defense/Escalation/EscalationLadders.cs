namespace Mirage.Defense.Escalation;

/// <summary>Each tenant's ladder; tenants without one of their own use the default.</summary>
public sealed class EscalationLadders(IReadOnlyDictionary<string, EscalationLadder> byTenant)
{
    public EscalationLadder For(string tenant) =>
        byTenant.TryGetValue(tenant, out var ladder) ? ladder : EscalationLadder.Default;
}
