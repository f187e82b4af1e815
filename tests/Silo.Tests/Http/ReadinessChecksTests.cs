using Microsoft.Extensions.Time.Testing;
using Mirage.Inference;
using Mirage.Silo.Http;

namespace Mirage.Silo.Tests.Http;

public sealed class ReadinessChecksTests
{
    [Fact]
    public async Task A_flood_of_readiness_calls_runs_the_checks_once_per_interval()
    {
        var time = new FakeTimeProvider();
        var storage = new CountingCheck();
        using var catalog = new ModelCatalog([]);
        var readiness = new ReadinessChecks(catalog, [storage], time);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => readiness.RunAsync(CancellationToken.None)));
        Assert.Equal(1, storage.Calls);
        Assert.All(answers, a => Assert.Equal(["no model is loaded"], a));

        time.Advance(ReadinessChecks.CacheFor);
        await readiness.RunAsync(CancellationToken.None);
        Assert.Equal(2, storage.Calls);
    }

    [Fact]
    public async Task A_check_that_throws_is_not_cached()
    {
        var storage = new CountingCheck { Throws = true };
        using var catalog = new ModelCatalog([]);
        var readiness = new ReadinessChecks(catalog, [storage], new FakeTimeProvider());

        await Assert.ThrowsAsync<InvalidOperationException>(() => readiness.RunAsync(CancellationToken.None));
        storage.Throws = false;
        Assert.Equal(["no model is loaded"], await readiness.RunAsync(CancellationToken.None));
        Assert.Equal(2, storage.Calls);
    }

    private sealed class CountingCheck : IReadinessCheck
    {
        private int _calls;

        public int Calls => _calls;

        public bool Throws { get; set; }

        public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Yield();
            return Throws ? throw new InvalidOperationException("storage exploded") : null;
        }
    }
}
