using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Mirage.Silo.Security;
using Mirage.Silo.Tests.Http;

namespace Mirage.Silo.Tests.Security;

/// <summary>
/// Behind nginx every connection comes from nginx: the sign-in throttle must count the caller named
/// by X-Forwarded-For, but only when a trusted proxy sent it.
/// </summary>
public sealed class ForwardedForTests
{
    [Fact]
    public async Task From_the_loopback_proxy_the_forwarded_caller_is_the_source_and_each_has_its_own_count()
    {
        using var silo = KestrelSilo.With(("Mirage:Security:SignIn:FreeFailures", "1000"));
        await FailSignInAsync(silo, "203.0.113.7");
        await FailSignInAsync(silo, "203.0.113.7");
        // What a caller put before the proxy's own entry is not believed: only the last address counts.
        await FailSignInAsync(silo, "198.51.100.1, 203.0.113.9");

        var lines = FailedSignIns(silo);
        Assert.Equal(3, lines.Count);
        Assert.Contains("from 203.0.113.7 ", lines[0], StringComparison.Ordinal);
        Assert.Contains("failure 2 of this source", lines[1], StringComparison.Ordinal);
        Assert.Contains("from 203.0.113.9 ", lines[2], StringComparison.Ordinal);
        Assert.Contains("failure 1 of this source", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_loopback_is_not_a_trusted_proxy_the_header_is_ignored()
    {
        using var silo = KestrelSilo.With(
            ("Mirage:Security:SignIn:FreeFailures", "1000"), ("Mirage:Security:ForwardedFor:TrustLoopback", "false"));
        await FailSignInAsync(silo, "203.0.113.7");

        var line = Assert.Single(FailedSignIns(silo));
        Assert.Contains("from 127.0.0.1 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_proxies_are_addresses_or_networks_and_anything_else_is_named()
    {
        var options = new ForwardedHeadersOptions();
        ForwardedForHosting.Configure(options, new ForwardedForOptions { TrustLoopback = false, TrustedProxies = ["10.0.0.5", " 172.18.0.0/16 "] });
        Assert.Equal([IPAddress.Parse("10.0.0.5")], options.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("172.18.0.0/16")], options.KnownIPNetworks);

        var refused = Assert.Throws<OptionsValidationException>(() => ForwardedForHosting.Configure(
            new ForwardedHeadersOptions(), new ForwardedForOptions { TrustedProxies = ["10.0.0.5", "nginx"] }));
        Assert.Contains("Mirage:Security:ForwardedFor:TrustedProxies:1 is \"nginx\"", refused.Message, StringComparison.Ordinal);

        // Empty lists would make ASP.NET believe every sender: no trusted proxy means no forwarding at all.
        var none = new ForwardedHeadersOptions();
        ForwardedForHosting.Configure(none, new ForwardedForOptions { TrustLoopback = false });
        Assert.Equal(ForwardedHeaders.None, none.ForwardedHeaders);
    }

    private static async Task FailSignInAsync(KestrelSilo silo, string forwardedFor)
    {
        using var client = silo.Client("not-a-key");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
    }

    private static List<string> FailedSignIns(KestrelSilo silo) =>
        silo.Logs.Messages.Where(m => m.Contains("Failed sign-in", StringComparison.Ordinal)).ToList();
}
