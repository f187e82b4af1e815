using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Mirage.Silo.Security;

/// <summary>
/// ASP.NET Core's rate limiter, set up for docs/API.md: every signed-in key has a token bucket (its rate and
/// burst, all endpoints), and predictions of a tenant share a concurrency limit, so one tenant's flood
/// waits in its own queue instead of filling the shared inference queue that every tenant needs.
/// </summary>
public static class MirageRateLimits
{
    /// <summary>The endpoint policy of predict: the caller's tenant's share of the inference capacity.</summary>
    public const string TenantShare = "tenant-share";

    // The partitioned limiter replenishes its buckets itself every 100 ms, so no bucket needs a timer of its own.
    private static readonly TimeSpan Replenishment = TimeSpan.FromMilliseconds(100);

    public static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, ApiPrincipal>(context =>
            ApiPrincipal.Of(context) is { } caller
                ? RateLimitPartition.GetTokenBucketLimiter(caller, c => KeyBucket(limits.For(c.Tenant)))
                : RateLimitPartition.GetNoLimiter(Anonymous));
        options.AddPolicy(TenantShare, context =>
            ApiPrincipal.Of(context) is { } caller
                ? RateLimitPartition.GetConcurrencyLimiter(caller.Tenant, tenant => Share(limits.For(tenant)))
                : RateLimitPartition.GetNoLimiter(""));
        if (limits.RefusalDelay < TimeSpan.Zero || limits.MaxRefusalDelay < limits.RefusalDelay || limits.HeldRefusalsPerDelay < 1)
        {
            throw new InvalidOperationException(
                "Mirage:Security:RateLimits needs RefusalDelay ≥ 0, MaxRefusalDelay ≥ RefusalDelay and HeldRefusalsPerDelay ≥ 1.");
        }

        var holds = new RefusalHolds(limits.RefusalDelay, limits.MaxRefusalDelay, limits.HeldRefusalsPerDelay);
        options.OnRejected = (rejected, cancellationToken) => OnRejectedAsync(rejected, holds, cancellationToken);
    }

    /// <summary>Unauthenticated requests are never limited here: the authorization policies answer them 401 first.</summary>
    private static readonly ApiPrincipal Anonymous = new("", "", default);

    internal static TokenBucketRateLimiterOptions KeyBucket(TenantRateLimits limits)
    {
        var perSecond = limits.RequestsPerSecond!.Value;
        if (!(perSecond > 0) || limits.Burst is not > 0)
        {
            throw new InvalidOperationException("Rate limits need RequestsPerSecond > 0 and Burst > 0.");
        }

        // Slow rates get one token per period; fast ones a batch per 100 ms.
        var period = perSecond >= 10 ? Replenishment : TimeSpan.FromSeconds(1 / perSecond);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst.Value,
            TokensPerPeriod = Math.Max(1, (int)Math.Round(perSecond * period.TotalSeconds)),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    internal static ConcurrencyLimiterOptions Share(TenantRateLimits limits) => new()
    {
        PermitLimit = limits.ConcurrentPredictions is { } permits and > 0 ? permits
            : throw new InvalidOperationException("Rate limits need ConcurrentPredictions > 0."),
        QueueLimit = Math.Max(0, limits.QueuedPredictions!.Value),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    };

    private static readonly JsonSerializerOptions ProblemJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    // A flood is answered by the thousand: its problems are written once, not serialized per refusal.
    private static readonly byte[] OverRate = Problem("This key is over its request rate; retry after the Retry-After delay.");
    private static readonly byte[] ShareInUse = Problem("This tenant's share of the inference capacity is in use; retry after the Retry-After delay.");

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, RefusalHolds holds, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        // A token bucket knows when its next token comes; a full share does not, so one second.
        var overRate = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = overRate ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        using (var hold = holds.Enter(ApiPrincipal.Required(rejected.HttpContext)))
        {
            // The base hold never outlasts the Retry-After; a flooding key's longer hold lengthens its Retry-After.
            var duration = hold.Flooding ? hold.Duration : TimeSpan.FromSeconds(Math.Min(hold.Duration.TotalSeconds, seconds));
            seconds = Math.Max(seconds, (int)Math.Ceiling(duration.TotalSeconds));
            if (duration > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(duration, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // The caller hung up while held: nobody is left to answer.
                    return;
                }
            }
        }

        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        response.ContentType = "application/problem+json";
        await response.Body.WriteAsync(overRate ? OverRate : ShareInUse, cancellationToken);
    }

    private static byte[] Problem(string detail) => JsonSerializer.SerializeToUtf8Bytes(
        new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        ProblemJson);
}
