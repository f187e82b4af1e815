using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
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
            ("Mirage:Security:RateLimits:Tenants:acme:QueuedPredictions", "0"),
            // Refusals answered at once, so the held request's own refusal (below) shows up within the loop's 20 ms.
            ("Mirage:Security:RateLimits:RefusalDelay", "00:00:00")]);
        using var acme = silo.Client("acme-client-1");
        using var demo = silo.Client("demo-client-1");

        // The share is taken before the body is read, so a request whose body has not all arrived holds it.
        // Written over a raw socket: when the write returns, the headers are on the wire.
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { inputs = Rows(0, 1) }));
        Socket? held = null;

        // Ask until the silo answers 429, within a bound. A request of ours may reach the silo before the
        // held one and take the share itself; the held one is then refused (it has an answer waiting) and
        // is sent again.
        HttpResponseMessage second;
        var attempts = 0;
        do
        {
            if (held is null || held.Available > 0)
            {
                held?.Dispose();
                held = await HoldAsync(silo.BaseAddress, json);
                await Task.Delay(20);
            }

            second = await acme.PostAsync(Predict, Body(Rows(0, 1)));
        }
        while (second.StatusCode == HttpStatusCode.OK && ++attempts < 250 && await Delay());

        var otherTenant = await demo.PostAsync(Predict, Body(Rows(0, 1)));
        await held.SendAsync(json[10..], SocketFlags.None);
        using var holder = held;
        var answer = new byte[64];
        var read = await held.ReceiveAsync(answer, SocketFlags.None);

        await AssertProblem(second, HttpStatusCode.TooManyRequests, "share of the inference capacity");
        Assert.Equal("1", second.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await acme.PostAsync(Predict, Body(Rows(0, 1)))).StatusCode);
    }

    [Fact]
    public async Task A_refusal_is_held_for_the_refusal_delay_so_a_caller_ignoring_retry_after_cannot_ask_at_full_speed()
    {
        using var silo = KestrelSilo.With(
            ("Mirage:Security:RateLimits:Tenants:acme:RequestsPerSecond", "0.01"),
            ("Mirage:Security:RateLimits:Tenants:acme:Burst", "1"),
            ("Mirage:Security:RateLimits:RefusalDelay", "00:00:00.600"));
        using var acme = silo.Client("acme-client-1");
        using var demo = silo.Client("demo-client-1");
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/models")).StatusCode);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refusals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => acme.GetAsync("/v1/models")));
        var held = clock.Elapsed;

        // Task.Delay never ends early, so a refusal answered before the delay means it was not held.
        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.True(held >= TimeSpan.FromMilliseconds(550), $"refusals answered after {held.TotalMilliseconds:F0} ms");
        // The held key's refusals cost another tenant nothing.
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task A_key_flooding_on_more_connections_than_its_held_refusals_gets_longer_holds_and_says_so_in_retry_after()
    {
        using var silo = KestrelSilo.With(
            ("Mirage:Security:RateLimits:Tenants:acme:RequestsPerSecond", "1"),
            ("Mirage:Security:RateLimits:Tenants:acme:Burst", "1"),
            ("Mirage:Security:RateLimits:RefusalDelay", "00:00:00.300"),
            ("Mirage:Security:RateLimits:HeldRefusalsPerDelay", "2"),
            ("Mirage:Security:RateLimits:MaxRefusalDelay", "00:00:05"));
        using var acme = silo.Client("acme-client-1");
        Assert.Equal(HttpStatusCode.OK, (await acme.GetAsync("/v1/models")).StatusCode);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refusals = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var response = await acme.GetAsync("/v1/models");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Answered: clock.Elapsed);
        }));

        // Eight held at once, two allowed: the last is held 0.3 s x 8 / 2 = 1.2 s and asks for 2 s.
        Assert.All(refusals, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        Assert.True(refusals.Max(r => r.Answered) >= TimeSpan.FromMilliseconds(1150), $"longest hold {refusals.Max(r => r.Answered).TotalMilliseconds:F0} ms");
        Assert.Contains(refusals, r => r.RetryAfter == TimeSpan.FromSeconds(2));
        Assert.All(refusals, r => Assert.True(r.RetryAfter >= TimeSpan.FromSeconds(1)));
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

    /// <summary>A predict request whose headers and first 10 body bytes are on the wire, the rest held back.</summary>
    private static async Task<Socket> HoldAsync(Uri silo, byte[] json)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(silo.Host, silo.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST {Predict} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer acme-client-1\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {json.Length}\r\n\r\n").Concat(json[..10]).ToArray(), SocketFlags.None);
        return socket;
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(20);
        return true;
    }
}
