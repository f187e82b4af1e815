using Mirage.Tests.Shared;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mirage.Interfaces.Clients;
using Mirage.Silo.Tests.TestSupport;
using Orleans;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Mirage.Silo.Tests.Detection;

/// <summary>
/// What the detectors learned outlives the grain: an attacker that pauses until its grain is collected,
/// or until the silo restarts, between bursts of queries is caught as early as one that never pauses.
/// Each burst (50 queries) is too short for a PRADA test of its own (it needs more than 100 distances),
/// so a detector that started afresh on every activation would never flag it.
/// </summary>
public sealed class PausingAttackerTests(ITestOutputHelper output)
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";
    private const int Burst = 50;
    private const int Budget = 800;

    private static readonly string Config = TestConfiguration.Write("lab", ["steady", "pausing", "restarting"]);

    [Fact]
    public async Task An_attacker_pausing_past_the_idle_age_is_flagged_within_10_percent_of_one_that_never_pauses()
    {
        int steady;
        // Each attacker in a silo of its own: the same stream from two keys of one tenant would be caught
        // by the tenant's watch of its young keys, not by each key's own detector.
        using (var baseline = ShortIdleSilo(Path.Combine(Path.GetTempPath(), $"mirage-steady-{Guid.NewGuid():N}.db")))
        {
            steady = await EscalatedAfterAsync(baseline, "steady", pauseAfterEachBurst: null);
        }

        using var silo = ShortIdleSilo(Path.Combine(Path.GetTempPath(), $"mirage-pause-{Guid.NewGuid():N}.db"));

        var management = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var grainId = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IClientGrain>("lab/pausing").GetGrainId();
        var collections = 0;
        var pausing = await EscalatedAfterAsync(silo, "pausing", async () =>
        {
            // Longer than the idle age: wait until Orleans has really collected the grain.
            for (var i = 0; i < 200; i++)
            {
                await Task.Delay(100);
                var alive = await management.GetDetailedGrainStatistics([typeof(Grains.Clients.ClientGrain).FullName!]);
                if (!alive.Any(a => a.GrainId == grainId))
                {
                    collections++;
                    return silo;
                }
            }

            throw new TimeoutException("the pausing client's grain was not collected within 20 s");
        });

        output.WriteLine($"escalated after {steady} queries without pauses, {pausing} with a collection after every {Burst} ({collections} collections)");
        Assert.True(collections >= 2, $"only {collections} collections happened before the attacker was escalated");
        Assert.True(pausing <= steady * 1.1, $"the pausing attacker was escalated after {pausing} queries, the steady one after {steady}");
    }

    [Fact]
    public async Task An_attacker_whose_silo_restarts_between_bursts_is_flagged_within_10_percent_of_one_that_never_pauses()
    {
        var database = Path.Combine(Path.GetTempPath(), $"mirage-restart-{Guid.NewGuid():N}.db");
        int steady;
        using (var first = ShortIdleSilo(database))
        {
            steady = await EscalatedAfterAsync(first, "steady", pauseAfterEachBurst: null);
        }

        var silo = ShortIdleSilo(database);
        var restarts = 0;
        try
        {
            var restarting = await EscalatedAfterAsync(silo, "restarting", () =>
            {
                // A graceful stop deactivates every grain, which writes its record and its detectors.
                silo.Dispose();
                silo = ShortIdleSilo(database);
                restarts++;
                return Task.FromResult(silo);
            });

            output.WriteLine($"escalated after {steady} queries without pauses, {restarting} with a silo restart after every {Burst} ({restarts} restarts)");
            Assert.True(restarts >= 2, $"only {restarts} restarts happened before the attacker was escalated");
            Assert.True(restarting <= steady * 1.1, $"the restarting attacker was escalated after {restarting} queries, the steady one after {steady}");
        }
        finally
        {
            silo.Dispose();
        }
    }

    private static SiloFactory ShortIdleSilo(string database) => new SiloFactory { DatabasePath = database }
        .With("config", Config)
        .With("Mirage:Grains:IdleAge", "00:00:02")
        .With("Mirage:Grains:CollectionQuantum", "00:00:01");

    /// <summary>
    /// Sends the JBDA stream in batches of 10 until the client is escalated; answers the queries that took.
    /// After every burst, <paramref name="pauseAfterEachBurst"/> pauses and answers the silo to go on with.
    /// </summary>
    private static async Task<int> EscalatedAfterAsync(SiloFactory first, string client, Func<Task<SiloFactory>>? pauseAfterEachBurst)
    {
        var stream = new JbdaStream(seed: 5);
        var silo = first;
        var sent = 0;
        while (sent < Budget)
        {
            var batch = stream.Next(10);
            (await silo.ClientWithKey($"key-{client}").PostAsync(Predict, JsonContent.Create(new { inputs = batch }))).EnsureSuccessStatusCode();
            sent += batch.Length;
            if (await EscalatedAsync(silo, client, sent))
            {
                return sent;
            }

            if (pauseAfterEachBurst is not null && sent % Burst == 0)
            {
                silo = await pauseAfterEachBurst();
            }
        }

        throw new Xunit.Sdk.XunitException($"{client} was not escalated within {Budget} queries");
    }

    private static async Task<bool> EscalatedAsync(SiloFactory silo, string client, int sent)
    {
        var operatorClient = silo.ClientWithKey(TestConfiguration.OperatorKey);
        for (var i = 0; i < 500; i++)
        {
            var detail = (await operatorClient.GetFromJsonAsync<JsonObject>($"/v1/admin/clients/{client}"))!;
            if ((long)detail["queries"]! >= sent)
            {
                return (bool)detail["flagged"]!;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{client} did not catch up with {sent} queries");
    }
}
