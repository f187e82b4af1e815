using Mirage.Silo.Configuration;

namespace Mirage.Silo.Security;

/// <summary>Who is calling: a client (predicts) or an operator (steers its own tenant's clients).</summary>
public sealed record ApiPrincipal(string Tenant, string Name, ApiKeyRole Role);
