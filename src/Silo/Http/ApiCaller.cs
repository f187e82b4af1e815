using Mirage.Silo.Configuration;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>Authenticates the caller of an endpoint and checks its role.</summary>
public static class ApiCaller
{
    public static ApiError? Resolve(HttpContext context, ApiKeyDirectory keys, ApiKeyRole? requiredRole, out ApiPrincipal principal)
    {
        principal = null!;
        var found = keys.Authenticate(context.Request.Headers.Authorization.ToString());
        if (found is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return new ApiError(StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send a valid API key as \"Authorization: Bearer <key>\".");
        }

        if (requiredRole is { } role && found.Role != role)
        {
            return new ApiError(StatusCodes.Status403Forbidden, "Forbidden", role == ApiKeyRole.Operator
                ? "This endpoint needs an operator key."
                : "This endpoint needs a client key; operator keys cannot predict.");
        }

        principal = found;
        return null;
    }
}
