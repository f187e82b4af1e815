using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// The per-key quota over HTTP (docs/API.md, "Quota"): tenant demo's keys may make four queries a UTC day,
/// then get the configured action; the demo tenant's other keys are untouched.
/// </summary>
public sealed class QuotaTests
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";
    private const int PerDay = 4;

    [Fact]
    public async Task Past_a_block_quota_a_key_gets_the_blocked_clients_403_and_the_other_keys_go_on()
    {
        using var silo = QuotaSilo("block");
        var client = silo.ClientWithKey("demo-client-1");
        await UseUpAsync(silo, client);

        await AssertProblem(await client.PostAsync(Predict, Body(Rows(0, 1))), HttpStatusCode.Forbidden,
            "This client is not allowed to make predictions. Contact the API's operator.");
        Assert.Equal(HttpStatusCode.OK, (await silo.ClientWithKey("demo-client-2").PostAsync(Predict, Body(Rows(0, 1)))).StatusCode);
    }

    [Fact]
    public async Task The_operators_detail_shows_the_keys_use_of_its_quota_and_until_when_it_is_past_it()
    {
        using var silo = QuotaSilo("block");
        await UseUpAsync(silo, silo.ClientWithKey("demo-client-1"));

        var operatorClient = silo.ClientWithKey("demo-operator");
        var quota = (await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/clients/demo-client-1"))!["quota"]!;
        Assert.Equal(PerDay, (long)quota["perDay"]!);
        Assert.Equal(PerDay, (long)quota["usedToday"]!);
        Assert.Equal(PerDay, (long)quota["usedThisMonth"]!);
        Assert.Null(quota["perMonth"]);
        Assert.Equal("block", (string?)quota["past"]);
        Assert.Equal(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), ((DateTimeOffset)quota["exhaustedUntil"]!).UtcDateTime);

        // config/demo.json's own quota for acme: nothing used yet, nothing past.
        var acme = (await silo.ClientWithKey("acme-operator").GetFromJsonAsync<JsonObject>("/v1/admin/clients/acme-client-1"))!["quota"]!;
        Assert.Equal((100_000L, 1_000_000L, 0L, "label_only"), ((long)acme["perDay"]!, (long)acme["perMonth"]!, (long)acme["usedToday"]!, (string)acme["past"]!));
        Assert.Null(acme["exhaustedUntil"]);
    }

    [Fact]
    public async Task Past_a_label_only_quota_a_key_gets_its_true_labels_and_nothing_more()
    {
        using var silo = QuotaSilo("label_only");
        var client = silo.ClientWithKey("demo-client-1");
        var clean = await UseUpAsync(silo, client);

        var response = await client.PostAsync(Predict, Body(Rows(0, PerDay)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = (await response.Content.ReadFromJsonAsync<JsonObject>())!["outputs"]!.AsArray();
        for (var row = 0; row < PerDay; row++)
        {
            var probabilities = outputs[row]!["probabilities"]!.AsArray().Select(p => (double)p!).ToArray();
            Assert.Equal(clean[row], (int)outputs[row]!["label"]!);
            Assert.Equal(1, probabilities[clean[row]]);
            Assert.Equal(1, probabilities.Sum());
        }
    }

    private static SiloFactory QuotaSilo(string past) =>
        new SiloFactory().With("Mirage:Tenants:0:Quota:PerDay", $"{PerDay}").With("Mirage:Tenants:0:Quota:Past", past);

    /// <summary>Sends the day's quota in one request, waits until the client's grain has counted it, and answers the clean labels.</summary>
    private static async Task<int[]> UseUpAsync(SiloFactory silo, HttpClient client)
    {
        var response = await client.PostAsync(Predict, Body(Rows(0, PerDay)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var labels = (await response.Content.ReadFromJsonAsync<JsonObject>())!["outputs"]!.AsArray().Select(o => (int)o!["label"]!).ToArray();
        var operatorClient = silo.ClientWithKey("demo-operator");
        await WaitFor(async () => await QueriesOf(operatorClient, "demo-client-1") == PerDay);
        return labels;
    }
}
