using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Mirage.Silo.Configuration;
using Mirage.Silo.Security;

namespace Mirage.Silo.Hosting;

/// <summary>
/// Authentication (API keys), the role policies, rate limits and Kestrel's connection limits, in one
/// place: <see cref="AddMirageSecurity"/> while building, <see cref="UseMirageSecurity"/> before the endpoints.
/// </summary>
public static class SecurityHosting
{
    public static WebApplicationBuilder AddMirageSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The base handler logs "was not authenticated" at Information for every failed request; failed
        // sign-ins have their own category (ApiKeyAuthentication.SignInLog) instead.
        builder.Logging.AddFilter(typeof(ApiKeyAuthentication).FullName, LogLevel.Warning);
        // A query value that does not bind is a 400 in every environment, not an exception (a 500 in Development).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.Configure<SecurityOptions>(builder.Configuration.GetSection(SecurityOptions.Section));
        services.AddSingleton(sp => new ApiKeyDirectory(
            sp.GetRequiredService<IOptions<MirageOptions>>().Value.Tenants,
            sp.GetRequiredService<IOptions<SecurityOptions>>().Value.Admins));
        // The tenant grains list the configured clients that have not been seen yet.
        services.AddSingleton<Mirage.Grains.Tenants.IConfiguredClients>(sp => sp.GetRequiredService<ApiKeyDirectory>());
        services.AddSingleton(sp => new SignInThrottle(
            sp.GetRequiredService<IOptions<SecurityOptions>>().Value.SignIn, sp.GetRequiredService<TimeProvider>()));

        services.AddMirageForwardedFor();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResults>();
        services.AddAuthorizationBuilder()
            .AddPolicy(MiragePolicies.Client, p => p.RequireRole(nameof(ApiKeyRole.Client)))
            .AddPolicy(MiragePolicies.Operator, p => p.RequireRole(nameof(ApiKeyRole.Operator)))
            .AddPolicy(MiragePolicies.Admin, p => p.RequireRole(nameof(ApiKeyRole.Admin)))
            // Secure by default: an endpoint that names no policy still needs a key (health and readiness opt out).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().Build());

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<SecurityOptions>>((options, security) => MirageRateLimits.Configure(options, security.Value.RateLimits));

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var security = context.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
            kestrel.Limits.MaxConcurrentConnections = security.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = security.MaxConnections;
            kestrel.Limits.RequestHeadersTimeout = security.RequestHeadersTimeout;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }

    /// <summary>The caller's address behind a trusted proxy, sign-in, the policies, then the rate limits (which partition by the signed-in key).</summary>
    public static WebApplication UseMirageSecurity(this WebApplication app)
    {
        app.UseMirageForwardedFor();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
