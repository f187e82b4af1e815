using System.Security.Claims;

namespace Mirage.Silo.Security;

/// <summary>
/// The identity of one API key: its name and role as claims (for ASP.NET's role policies) and the caller
/// it stands for. Built once per configured key, so signing in allocates no claims.
/// </summary>
internal sealed class ApiKeyIdentity(ApiPrincipal caller)
    : ClaimsIdentity([new Claim(ClaimTypes.Name, caller.Name), new Claim(ClaimTypes.Role, caller.Role.ToString())], ApiKeyAuthentication.SchemeName)
{
    public ApiPrincipal Caller { get; } = caller;

    /// <summary>A signed-in user for the caller; shared by every request of the key, since nothing mutates it.</summary>
    public static ClaimsPrincipal UserOf(ApiPrincipal caller) => new(new ApiKeyIdentity(caller));
}
