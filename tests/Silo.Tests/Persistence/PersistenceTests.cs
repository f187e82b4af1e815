using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Mirage.Interfaces.Clients;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Persistence;

/// <summary>Client records outlive the silo that wrote them (SQLite, the embedded default).</summary>
public sealed class PersistenceTests
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    [Fact]
    public async Task Queries_history_and_override_survive_a_graceful_restart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"mirage-restart-{Guid.NewGuid():N}.db");
        using (var first = new SiloFactory { DatabasePath = database })
        {
            await first.ClientWithKey("demo-operator").PutAsync("/v1/admin/clients/demo-client-2/override",
                new StringContent("""{"level": 1}""", Encoding.UTF8, "application/json"));
            for (var i = 0; i < 7; i++)
            {
                (await first.ClientWithKey("demo-client-2").PostAsync(Predict, Body(Rows(i * 3, 3)))).EnsureSuccessStatusCode();
            }

            await WaitFor(async () => await QueriesOf(first.ClientWithKey("demo-operator"), "demo-client-2") == 21);
        }

        // Shutdown deactivated the grain, which wrote what the cadence had not yet written.
        using var second = new SiloFactory { DatabasePath = database };
        var detail = await second.ClientWithKey("demo-operator").GetFromJsonAsync<JsonObject>("/v1/admin/clients/demo-client-2");
        Assert.Equal(21, (long)detail!["queries"]!);
        Assert.Equal(1, (int)detail["override"]!["level"]!);
        Assert.Equal(21, (long)detail["utility"]!["answers"]!);
        Assert.NotEmpty(detail["history"]!.AsArray());
    }

    [Fact]
    public async Task The_record_is_written_on_the_cadence_without_waiting_for_shutdown()
    {
        using var silo = new SiloFactory().With("Mirage:Persistence:WriteEveryObservations", "2");
        var client = silo.ClientWithKey("demo-client-3");
        for (var i = 0; i < 4; i++)
        {
            (await client.PostAsync(Predict, Body(Rows(i, 1)))).EnsureSuccessStatusCode();
        }

        // Read the store itself, not the grain: the record is there while the grain is still active.
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(MirageStorage.Name);
        var grainId = silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IClientGrain>("demo/demo-client-3").GetGrainId();
        var stored = new GrainState<ClientRecord>(new ClientRecord());
        await WaitFor(async () =>
        {
            await storage.ReadStateAsync("client", grainId, stored);
            return stored.RecordExists && stored.State?.Queries == 4;
        });
    }

    [Fact]
    public async Task Observations_short_of_the_cadences_count_are_written_after_its_time_even_when_traffic_stops()
    {
        using var silo = new SiloFactory()
            .With("Mirage:Persistence:WriteEveryObservations", "1000")
            .With("Mirage:Persistence:WriteEvery", "00:00:00.5");
        for (var i = 0; i < 3; i++)
        {
            (await silo.ClientWithKey("demo-client-3").PostAsync(Predict, Body(Rows(i, 2)))).EnsureSuccessStatusCode();
        }

        // No further request: only the grain's own flush timer can bring the 6 queries into the operators' list.
        await WaitFor(async () =>
        {
            var list = await silo.ClientWithKey("demo-operator").GetFromJsonAsync<JsonObject>("/v1/admin/clients?sort=queries");
            return list!["clients"]!.AsArray().Any(c => (string?)c!["client"] == "demo-client-3" && (long)c["queries"]! == 6);
        });
    }
}
