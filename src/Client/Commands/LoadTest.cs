using System.Diagnostics;
using Mirage.Client.Api;

namespace Mirage.Client.Commands;

/// <summary>
/// A closed-loop load generator: N concurrent callers, each sending its next request as soon as the
/// previous one is answered, for a fixed number of requests. Reports throughput and latency percentiles.
/// </summary>
internal static class LoadTest
{
    public sealed record Result(int Requests, int Errors, int Inputs, TimeSpan Elapsed, double[] LatenciesMs)
    {
        public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

        public double InputsPerSecond => Inputs / Elapsed.TotalSeconds;

        public double Percentile(double p) =>
            LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)(p * LatenciesMs.Length))];
    }

    public static async Task<Result> RunAsync(
        Func<int, MirageClient> clientForCaller, string model, float[][] pool, int batch, int concurrency, int requests,
        CancellationToken cancellationToken)
    {
        var latencies = new double[requests];
        var next = -1;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
        {
            var client = clientForCaller(caller);
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                var inputs = Enumerable.Range(0, batch).Select(j => pool[(index * batch + j) % pool.Length]).ToArray();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.PredictAsync(model, inputs, cancellationToken).ConfigureAwait(false);
                }
                catch (MirageApiException)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }, cancellationToken));
        await Task.WhenAll(callers).ConfigureAwait(false);
        clock.Stop();
        Array.Sort(latencies);
        return new Result(requests, errors, requests * batch, clock.Elapsed, latencies);
    }
}
