using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Mirage.Silo.Http;

namespace Mirage.Silo.Security;

/// <summary>
/// Turns the policies' verdicts into docs/API.md's problems: no key or an unknown one is 401 with
/// WWW-Authenticate, a key of the wrong role 403 naming the role the endpoint needs.
/// </summary>
public sealed class ApiAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return new ApiError(StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send a valid API key as \"Authorization: Bearer <key>\".").ToResult().ExecuteAsync(context);
        }

        if (authorizeResult.Forbidden)
        {
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).ToList();
            var detail = roles.Count == 0
                ? "This key may not use this endpoint."
                : $"This endpoint needs a key of the role {string.Join(" or ", roles.Select(r => r.ToLowerInvariant()))}; " +
                  $"{ApiPrincipal.Of(context)?.Role.ToString().ToLowerInvariant() ?? "this"} keys cannot use it.";
            return new ApiError(StatusCodes.Status403Forbidden, "Forbidden", detail).ToResult().ExecuteAsync(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
