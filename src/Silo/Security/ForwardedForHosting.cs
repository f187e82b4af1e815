using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Mirage.Silo.Security;

/// <summary>
/// ASP.NET Core's forwarded headers, X-Forwarded-For only, from the proxies of <see cref="ForwardedForOptions"/>:
/// behind nginx every connection comes from nginx, and without this one guesser would slow every caller's
/// sign-ins, or none.
/// </summary>
public static class ForwardedForHosting
{
    public static IServiceCollection AddMirageForwardedFor(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<SecurityOptions>>((options, security) => Configure(options, security.Value.ForwardedFor))
            // A proxy that does not parse stops start-up rather than the first request.
            .ValidateOnStart();
        return services;
    }

    /// <summary>First in the pipeline, so sign-in and everything after it see the caller's own address.</summary>
    public static IApplicationBuilder UseMirageForwardedFor(this IApplicationBuilder app) => app.UseForwardedHeaders();

    internal static void Configure(ForwardedHeadersOptions options, ForwardedForOptions forwarded)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
        // Only the last address, the one the trusted proxy added: anything before it is the caller's own text.
        options.ForwardLimit = 1;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        if (forwarded.TrustLoopback)
        {
            options.KnownIPNetworks.Add(new System.Net.IPNetwork(IPAddress.Loopback, 8));
            options.KnownProxies.Add(IPAddress.IPv6Loopback);
        }

        for (var i = 0; i < forwarded.TrustedProxies.Count; i++)
        {
            var text = forwarded.TrustedProxies[i].Trim();
            if (IPAddress.TryParse(text, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else if (System.Net.IPNetwork.TryParse(text, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else
            {
                throw new OptionsValidationException(nameof(ForwardedHeadersOptions), typeof(ForwardedHeadersOptions),
                    [$"{SecurityOptions.Section}:ForwardedFor:TrustedProxies:{i} is \"{text}\": give an IP address (10.0.0.5) or a network (172.18.0.0/16)."]);
            }
        }

        // With no proxy and no network listed, ASP.NET believes the header from anyone: trust none instead.
        if (options.KnownProxies.Count == 0 && options.KnownIPNetworks.Count == 0)
        {
            options.ForwardedHeaders = ForwardedHeaders.None;
        }
    }
}
