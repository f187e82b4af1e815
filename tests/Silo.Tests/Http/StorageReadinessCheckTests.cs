using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Mirage.Grains.Storage;
using Mirage.Silo.Http;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Silo.Tests.Http;

/// <summary>/readyz's storage check against stores that answer, fail and hang (the real app's store: PredictApiTests' /readyz 200).</summary>
public sealed class StorageReadinessCheckTests
{
    [Fact]
    public async Task A_store_that_answers_is_ready_and_is_asked_through_the_mirage_storage()
    {
        var store = new ScriptedStorage();
        Assert.Null(await Check(store).ProblemAsync(CancellationToken.None));
        Assert.Equal(["readiness"], store.StateNamesRead);
    }

    [Fact]
    public async Task A_store_that_fails_is_not_ready_and_the_answer_keeps_its_reason_to_the_log()
    {
        var store = new ScriptedStorage { Failure = new InvalidOperationException("connection to secret-host:5432 refused") };
        var problem = await Check(store).ProblemAsync(CancellationToken.None);
        Assert.Equal("grain storage \"mirage\" is not reachable", problem);
    }

    [Fact]
    public async Task A_store_that_hangs_is_not_ready_when_the_checks_time_runs_out()
    {
        var store = new ScriptedStorage { Hangs = true };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.Equal("grain storage \"mirage\" did not answer in time", await Check(store).ProblemAsync(timeout.Token));
    }

    private static StorageReadinessCheck Check(IGrainStorage store)
    {
        var services = new ServiceCollection().AddKeyedSingleton(MirageStorage.Name, store).BuildServiceProvider();
        return new StorageReadinessCheck(services, NullLogger<StorageReadinessCheck>.Instance);
    }

    private sealed class ScriptedStorage : IGrainStorage
    {
        public Exception? Failure { get; init; }

        public bool Hangs { get; init; }

        public List<string> StateNamesRead { get; } = [];

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            StateNamesRead.Add(stateName);
            return Hangs ? new TaskCompletionSource().Task : Failure is not null ? Task.FromException(Failure) : Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            throw new InvalidOperationException("the readiness check must never write");

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            throw new InvalidOperationException("the readiness check must never clear");
    }
}
