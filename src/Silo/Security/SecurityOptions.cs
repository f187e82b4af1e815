using Mirage.Silo.Configuration;

namespace Mirage.Silo.Security;

/// <summary>The "Mirage:Security" section: platform keys, rate limits, sign-in throttling, connection limits.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Mirage:Security";

    /// <summary>Platform operators' keys (role Admin): metrics and Orleans' dashboard, across tenants.</summary>
    public List<ApiKeyOptions> Admins { get; set; } = [];

    public RateLimitOptions RateLimits { get; set; } = new();

    public SignInThrottleOptions SignIn { get; set; } = new();

    /// <summary>Which proxies' X-Forwarded-For is believed, so the sign-in throttle sees the caller behind them.</summary>
    public ForwardedForOptions ForwardedFor { get; set; } = new();

    /// <summary>Connections Kestrel keeps open at once; more wait in the listen backlog or are refused.</summary>
    public long MaxConnections { get; set; } = 4096;

    /// <summary>How long a caller may take to send its request headers (slow-loris callers are cut off).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Per key: a token bucket (rate and burst) over every request. Per tenant: a share of the inference
/// capacity, as predictions in flight at once plus a short queue. Over either: 429 with Retry-After.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>What every tenant gets unless <see cref="Tenants"/> says otherwise.</summary>
    public TenantRateLimits Default { get; set; } = new();

    /// <summary>Per tenant name: the limits that differ from <see cref="Default"/> (unset fields take the default's).</summary>
    public Dictionary<string, TenantRateLimits> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a refusal is held before its 429 goes out (never longer than its Retry-After). A caller that
    /// ignores Retry-After and asks again at once would otherwise turn refusals, each answered in
    /// microseconds, into a flood of work on the cores every other tenant shares; held, each of its
    /// connections asks at most once per delay. Zero answers at once.
    /// </summary>
    public TimeSpan RefusalDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Refusals of one key that may be held at once at <see cref="RefusalDelay"/>; past that each new one is held
    /// longer in proportion (a key flooding on 640 connections gets 10 s holds), up to <see cref="MaxRefusalDelay"/>,
    /// and its Retry-After says so. A key that honours Retry-After never comes near it.
    /// </summary>
    public int HeldRefusalsPerDelay { get; set; } = 64;

    /// <summary>The longest a refusal is held (and then its Retry-After), however many connections its key floods on.</summary>
    public TimeSpan MaxRefusalDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The limits of one tenant, every field set.</summary>
    public TenantRateLimits For(string tenant)
    {
        var builtIn = TenantRateLimits.BuiltIn;
        var general = Default;
        Tenants.TryGetValue(tenant, out var own);
        return new TenantRateLimits
        {
            RequestsPerSecond = own?.RequestsPerSecond ?? general.RequestsPerSecond ?? builtIn.RequestsPerSecond,
            Burst = own?.Burst ?? general.Burst ?? builtIn.Burst,
            ConcurrentPredictions = own?.ConcurrentPredictions ?? general.ConcurrentPredictions ?? builtIn.ConcurrentPredictions,
            QueuedPredictions = own?.QueuedPredictions ?? general.QueuedPredictions ?? builtIn.QueuedPredictions,
        };
    }
}

/// <summary>A tenant's limits; unset fields fall back (the tenant's, then Default's, then the built-in values).</summary>
public sealed class TenantRateLimits
{
    public static TenantRateLimits BuiltIn => new()
    {
        RequestsPerSecond = 1000, Burst = 2000, ConcurrentPredictions = 32, QueuedPredictions = 256,
    };

    /// <summary>Sustained requests a second per key (every endpoint).</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>Requests a key may send at once above its rate (the bucket's size).</summary>
    public int? Burst { get; set; }

    /// <summary>The tenant's predictions in the inference pools at once (all its keys together).</summary>
    public int? ConcurrentPredictions { get; set; }

    /// <summary>The tenant's predictions waiting for a free share; more are 429.</summary>
    public int? QueuedPredictions { get; set; }
}

/// <summary>How failed sign-ins (an unknown key) are slowed: per source address, past a free allowance.</summary>
public sealed class SignInThrottleOptions
{
    /// <summary>Failures per source and window answered at once.</summary>
    public int FreeFailures { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The delay of the first failure past the allowance; each further one doubles it up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sources remembered at most; past it the oldest windows are forgotten.</summary>
    public int MaxSources { get; set; } = 10_000;
}
