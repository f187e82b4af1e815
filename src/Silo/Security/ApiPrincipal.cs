using Mirage.Silo.Configuration;

namespace Mirage.Silo.Security;

/// <summary>
/// Who is calling: a client (predicts), an operator (steers its own tenant's clients) or an admin
/// (the platform; its tenant is empty).
/// </summary>
public sealed record ApiPrincipal(string Tenant, string Name, ApiKeyRole Role)
{
    /// <summary>The caller a request was authenticated as, or null when it was not.</summary>
    public static ApiPrincipal? Of(HttpContext context) => (context.User.Identity as ApiKeyIdentity)?.Caller;

    /// <summary>The caller of an endpoint that requires one of <see cref="MiragePolicies"/> (authorization ran first).</summary>
    public static ApiPrincipal Required(HttpContext context) =>
        Of(context) ?? throw new InvalidOperationException("The endpoint has no authorization policy, so it has no caller.");
}
