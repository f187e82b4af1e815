using System.Net;
using Mirage.Silo.Security;
using Mirage.Silo.Tests.Http;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Security;

/// <summary>A key over its rate, and a tenant over its share, get 429 with Retry-After; the other tenant does not notice.</summary>
public sealed class RateLimitTests
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    [Fact]
    public async Task A_key_past_its_burst_gets_429_with_retry_after_while_other_keys_go_on()
    {
        // A bucket of 3 that refills one token every 100 s: the 4th request within the test is over the rate.
        using var silo = KestrelSilo.With(
            ("Mirage:Security:RateLimits:Tenants:acme:RequestsPerSecond", "0.01"),
            ("Mirage:Security:RateLimits:Tenants:acme:Burst", "3"));
        using var acme = silo.Client("acme-client-1");
        using var demo = silo.Client("demo-client-1");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/models")).StatusCode);
        }

        var over = await acme.GetAsync("/v1/models");
        await AssertProblem(over, HttpStatusCode.TooManyRequests, "over its request rate");
        Assert.True(over.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {over.Headers.RetryAfter}");
        // Another tenant's key, and the same tenant's operator (its own key), are not affected.
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync("/v1/models")).StatusCode);
        using var acmeOperator = silo.Client("acme-operator");
        Assert.Equal(HttpStatusCode.OK, (await acmeOperator.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_using_its_whole_share_gets_429_and_another_tenant_is_still_answered()
    {
        using var silo = KestrelSilo.With(
            [.. KestrelSilo.Unthrottled,
            ("Mirage:Security:RateLimits:Tenants:acme:ConcurrentPredictions", "1"),
            ("Mirage:Security:RateLimits:Tenants:acme:QueuedPredictions", "0")]);
        using var acme = silo.Client("acme-client-1");
        using var demo = silo.Client("demo-client-1");

        // The share is taken before the body is read, so a body that has not arrived holds it.
        var held = new HeldBody();
        var first = acme.PostAsync(Predict, held);
        await held.Started;
        var second = await acme.PostAsync(Predict, Body(Rows(0, 1)));
        var otherTenant = await demo.PostAsync(Predict, Body(Rows(0, 1)));
        held.Finish();

        await AssertProblem(second, HttpStatusCode.TooManyRequests, "share of the inference capacity");
        Assert.Equal("1", second.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync(Predict, Body(Rows(0, 1)))).StatusCode);
    }

    [Fact]
    public void Tenants_inherit_the_default_field_by_field()
    {
        var limits = new RateLimitOptions
        {
            Default = new TenantRateLimits { RequestsPerSecond = 50, ConcurrentPredictions = 8 },
            Tenants = { ["acme"] = new TenantRateLimits { Burst = 7 } },
        };

        var acme = limits.For("acme");
        var other = limits.For("other");

        Assert.Equal((50.0, 7, 8, TenantRateLimits.BuiltIn.QueuedPredictions), (acme.RequestsPerSecond, acme.Burst, acme.ConcurrentPredictions, acme.QueuedPredictions));
        Assert.Equal((TenantRateLimits.BuiltIn.Burst, 8), (other.Burst, other.ConcurrentPredictions));
    }

    [Theory]
    [InlineData(1000, 100, 100)]
    [InlineData(10, 1, 100)]
    [InlineData(0.5, 1, 2000)]
    public void A_rate_becomes_tokens_per_replenishment_period(double perSecond, int tokens, int periodMs)
    {
        var bucket = MirageRateLimits.KeyBucket(new TenantRateLimits { RequestsPerSecond = perSecond, Burst = 5 });
        Assert.Equal((tokens, TimeSpan.FromMilliseconds(periodMs), 5), (bucket.TokensPerPeriod, bucket.ReplenishmentPeriod, bucket.TokenLimit));
    }

    /// <summary>A predict body that starts, then waits for <see cref="Finish"/> before sending the rest.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody() => Headers.ContentType = new("application/json");

        public Task Started => _started.Task;

        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(new { inputs = Rows(0, 1) });
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json[..10]));
            await stream.FlushAsync();
            _started.TrySetResult();
            await _finish.Task;
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(json[10..]));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
