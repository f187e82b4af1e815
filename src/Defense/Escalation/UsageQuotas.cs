namespace Mirage.Defense.Escalation;

/// <summary>Each tenant's per-key quota; tenants without one have none. Checked against the tenants' ladders at start-up.</summary>
public sealed class UsageQuotas
{
    private readonly IReadOnlyDictionary<string, UsageQuota> _byTenant;

    public UsageQuotas(IReadOnlyDictionary<string, UsageQuota> byTenant, EscalationLadders ladders)
    {
        foreach (var (tenant, quota) in byTenant)
        {
            if (quota.Problem(ladders.For(tenant)) is { } problem)
            {
                throw new ArgumentException($"Tenant {tenant}'s Quota: {problem}", nameof(byTenant));
            }
        }

        _byTenant = byTenant;
    }

    public static UsageQuotas None { get; } = new(new Dictionary<string, UsageQuota>(), new EscalationLadders(new Dictionary<string, EscalationLadder>()));

    public UsageQuota? For(string tenant) => _byTenant.GetValueOrDefault(tenant);
}
