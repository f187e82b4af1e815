namespace Mirage.Grains.Monitoring;

/// <summary>
/// What <see cref="TenantWatch"/> found: the pooled suspicion of a tenant's young keys, why, and the keys
/// involved (each should be raised to at least <paramref name="Suspicion"/>).
/// </summary>
public sealed record TenantAlert(double Suspicion, string Reason, IReadOnlySet<string> Clients, TenantWatch.Components Components);
