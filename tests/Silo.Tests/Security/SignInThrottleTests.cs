using System.Net;
using Microsoft.Extensions.Time.Testing;
using Mirage.Silo.Security;
using Mirage.Silo.Tests.Http;

namespace Mirage.Silo.Tests.Security;

public sealed class SignInThrottleTests
{
    private static readonly SignInThrottleOptions Options = new()
    {
        FreeFailures = 3, Window = TimeSpan.FromMinutes(1), FirstDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1), MaxSources = 4,
    };

    [Fact]
    public void Failures_past_the_allowance_are_delayed_doubling_up_to_the_ceiling()
    {
        var throttle = new SignInThrottle(Options, new FakeTimeProvider());

        var delays = Enumerable.Range(0, 9).Select(_ => throttle.RecordFailure("10.0.0.1").Delay.TotalMilliseconds).ToArray();

        Assert.Equal([0, 0, 0, 100, 200, 400, 800, 1000, 1000], delays);
    }

    [Fact]
    public void Each_source_has_its_own_count_and_a_new_window_starts_again()
    {
        var time = new FakeTimeProvider();
        var throttle = new SignInThrottle(Options, time);
        for (var i = 0; i < 5; i++)
        {
            throttle.RecordFailure("10.0.0.1");
        }

        Assert.Equal((1, TimeSpan.Zero), throttle.RecordFailure("10.0.0.2"));
        Assert.Equal(6, throttle.RecordFailure("10.0.0.1").Failures);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((1, TimeSpan.Zero), throttle.RecordFailure("10.0.0.1"));
    }

    [Fact]
    public void Many_sources_do_not_grow_the_memory_without_bound_and_a_flood_logs_a_few_lines()
    {
        var throttle = new SignInThrottle(Options, new FakeTimeProvider());
        for (var i = 0; i < 1000; i++)
        {
            throttle.RecordFailure($"10.0.{i / 256}.{i % 256}");
        }

        // Past MaxSources the table starts again, so a source seen long ago counts from one.
        Assert.Equal(1, throttle.RecordFailure("10.0.0.0").Failures);
        var logged = Enumerable.Range(1, 100_000).Count(SignInThrottle.ShouldLog);
        // 1..6, then 8, 16, ..., 65536.
        Assert.Equal(6 + 14, logged);
    }

    [Fact]
    public async Task A_failed_sign_in_is_logged_with_its_source_and_never_the_key()
    {
        using var silo = KestrelSilo.With(("Mirage:Security:SignIn:FreeFailures", "1000"));
        const string guess = "guessed-key-7f3a9c";
        using var client = silo.Client(guess);

        var response = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var line = Assert.Single(silo.Logs.Messages, m => m.Contains("Failed sign-in", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1", line, StringComparison.Ordinal);
        Assert.Contains("/v1/models", line, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Logs.Messages, m => m.Contains(guess, StringComparison.Ordinal));
    }
}
