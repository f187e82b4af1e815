namespace Mirage.Silo.Security;

/// <summary>
/// "Mirage:Security:ForwardedFor": the proxies (nginx) whose X-Forwarded-For names the caller. A request
/// from anywhere else keeps its own address, whatever header it sends, so a caller cannot pick the
/// source the sign-in throttle counts against.
/// </summary>
public sealed class ForwardedForOptions
{
    /// <summary>A proxy on the silo's own machine (deploy/nginx.conf in scripts/cluster.sh). Off when every local caller is a direct client.</summary>
    public bool TrustLoopback { get; set; } = true;

    /// <summary>Further proxies: addresses ("10.0.0.5") or networks ("172.18.0.0/16", a compose network).</summary>
    public List<string> TrustedProxies { get; set; } = [];
}
