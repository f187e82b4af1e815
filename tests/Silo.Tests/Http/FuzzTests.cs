using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// 10,000 generated malformed and hostile requests against the real app behind Kestrel: none may be
/// answered 500 or above or log an error, and afterwards a known request of a tenant the fuzzer never
/// touched is answered byte for byte as before.
/// </summary>
public sealed class FuzzTests(KestrelSilo silo, ITestOutputHelper output) : IClassFixture<KestrelSilo>
{
    private const int Requests = 10_000;
    private const int Callers = 8;

    // A fixed seed, so a failure reproduces; the test prints it with the cases that failed.
    private const int Seed = 20261201;

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_no_5xx_and_leave_the_service_answering_exactly_as_before()
    {
        using var known = silo.Client("acme-client-1");
        var before = await KnownAnswer(known);

        var generator = new FuzzRequests(Seed);
        var cases = Enumerable.Range(0, Requests).Select(_ => generator.Next()).ToArray();
        var failures = new List<string>();
        var statuses = new int[600];
        var next = -1;
        var clock = Stopwatch.StartNew();
        // A bound on the whole run, so a hang fails the test instead of the CI job.
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var http = silo.Client(key: null);
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < cases.Length && !budget.IsCancellationRequested)
            {
                var status = await SendAsync(http, cases[index], budget.Token);
                Interlocked.Increment(ref statuses[Math.Max(0, status ?? 0)]);
                if (status is >= 500 or RawHttp.Hung)
                {
                    lock (failures)
                    {
                        failures.Add($"{status}: {cases[index].Description}");
                    }
                }
            }
        })));

        output.WriteLine($"seed {Seed}: {Requests} requests in {clock.Elapsed.TotalSeconds:F1} s; statuses: " +
            string.Join(", ", statuses.Select((count, status) => (count, status)).Where(s => s.count > 0).Select(s => $"{(s.status == 0 ? "closed" : s.status)} x{s.count}")));
        Assert.False(budget.IsCancellationRequested, $"the fuzz run took longer than its bound; {next} requests sent");
        Assert.True(failures.Count == 0, $"{failures.Count} answers >= 500 or hangs (-1) (seed {Seed}):\n" + string.Join('\n', failures.Take(20)));
        Assert.True(silo.Errors.Count == 0, "errors logged:\n" + string.Join('\n', silo.Errors.Take(10)));
        Assert.Equal(before, await KnownAnswer(known));
    }

    private static async Task<int?> SendAsync(HttpClient http, FuzzCase fuzz, CancellationToken cancellationToken)
    {
        if (fuzz.Raw is not null)
        {
            return await RawHttp.SendAsync(http.BaseAddress!, fuzz.Raw, fuzz.End);
        }

        using var request = fuzz.Http!();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
        {
            // The server closed the connection (an over-long header, say): a quiet close is allowed.
            return null;
        }
    }

    private static async Task<string> KnownAnswer(HttpClient client)
    {
        var response = await client.PostAsync("/v1/models/fmnist-cnn/predict", Body(Rows(3, 2)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
