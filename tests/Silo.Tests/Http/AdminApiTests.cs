using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Http;

public sealed class AdminApiTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    [Fact]
    public async Task A_client_pinned_to_reverse_sigmoid_gets_exactly_the_reference_transformation_of_the_clean_answer()
    {
        var operatorClient = silo.Client("demo-operator");
        await Put(operatorClient, "demo-client-2", """{"policy": {"method": "reverse_sigmoid", "beta": 0.5, "gamma": 0.5, "camouflage": false}}""");
        await Put(operatorClient, "demo-client-3", """{"exempt": true}""");

        var rows = Rows(10, 32);
        var pinned = await Probabilities(silo.Client("demo-client-2"), rows);
        var exempt = await Probabilities(silo.Client("demo-client-3"), rows);

        for (var r = 0; r < rows.Length; r++)
        {
            var expected = ReverseSigmoidReference(exempt[r], 0.5, 0.5);
            for (var k = 0; k < 10; k++)
            {
                Assert.True(Math.Abs(expected[k] - pinned[r][k]) <= 1e-6, $"row {r} class {k}: {pinned[r][k]} vs {expected[k]}");
            }
        }

        await operatorClient.DeleteAsync("/v1/admin/clients/demo-client-2/override");
        await operatorClient.DeleteAsync("/v1/admin/clients/demo-client-3/override");
    }

    [Fact]
    public async Task Detail_shows_queries_utility_and_override_and_reset_forgets_the_history()
    {
        var operatorClient = silo.Client("acme-operator");
        await Put(operatorClient, "acme-client-1", """{"policy": {"method": "label_only"}}""");
        (await silo.Client("acme-client-1").PostAsync(Predict, Body(Rows(0, 20)))).EnsureSuccessStatusCode();

        await WaitFor(async () => await QueriesOf(operatorClient, "acme-client-1") == 20);
        var detail = await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/clients/acme-client-1");
        Assert.Equal("label_only", (string?)detail!["override"]!["policy"]!["method"]);
        // The policy's JSON is what was pinned (docs/API.md), not what is derived from it.
        Assert.Equal(["method"], detail["override"]!["policy"]!.AsObject().Where(p => p.Value is not null).Select(p => p.Key));
        Assert.Equal(20, (long)detail["utility"]!["answers"]!);
        Assert.Equal(1.0, (double)detail["utility"]!["argmaxKeptRate"]!);
        Assert.True((double)detail["utility"]!["meanL1"]! > 0);
        Assert.NotEmpty(detail["history"]!.AsArray());

        var reset = await (await operatorClient.PostAsync("/v1/admin/clients/acme-client-1/reset", null)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(0, (long)reset!["queries"]!);
        Assert.Empty(reset["history"]!.AsArray());
        Assert.NotNull(reset["override"]);
        await operatorClient.DeleteAsync("/v1/admin/clients/acme-client-1/override");
    }

    [Fact]
    public async Task The_list_is_sorted_by_suspicion_and_holds_only_the_operators_tenant()
    {
        var list = await silo.Client("demo-operator").GetFromJsonAsync<JsonObject>("/v1/admin/clients?sort=suspicion&limit=2&offset=0");

        Assert.Equal(3, (int)list!["total"]!);
        var clients = list["clients"]!.AsArray();
        Assert.Equal(2, clients.Count);
        Assert.All(clients, c => Assert.StartsWith("demo-client-", (string?)c!["client"]));
        Assert.True((double)clients[0]!["suspicion"]! >= (double)clients[1]!["suspicion"]!);
    }

    [Fact]
    public async Task Another_tenants_client_does_not_exist_for_an_operator()
    {
        var operatorClient = silo.Client("acme-operator");
        await AssertProblem(await operatorClient.GetAsync("/v1/admin/clients/demo-client-1"), HttpStatusCode.NotFound, "no client \"demo-client-1\"");
        await AssertProblem(
            await operatorClient.PutAsync("/v1/admin/clients/demo-client-1/override", Json("""{"block": true}""")),
            HttpStatusCode.NotFound, "no client");
        await AssertProblem(await operatorClient.PostAsync("/v1/admin/clients/demo-client-1/reset", null), HttpStatusCode.NotFound, "no client");
    }

    [Fact]
    public async Task Client_keys_cannot_use_the_admin_endpoints()
    {
        await AssertProblem(await silo.Client("demo-client-1").GetAsync("/v1/admin/clients"), HttpStatusCode.Forbidden, "needs a key of the role operator");
        await AssertProblem(await silo.Client(null).GetAsync("/v1/admin/clients"), HttpStatusCode.Unauthorized, "API key");
    }

    [Theory]
    [InlineData("""{"level": 9}""", "level must be between 0 and 3")]
    [InlineData("""{"level": 1, "block": true}""", "exactly one of")]
    [InlineData("""{}""", "exactly one of")]
    [InlineData("""{"policy": {"method": "top_k", "k": 0}}""", "top_k needs k of at least 1")]
    [InlineData("""{"policy": {"method": "shuffle"}}""", "not valid JSON")]
    [InlineData("""not json""", "not valid JSON")]
    [InlineData("""{"level": "high"}""", "not valid JSON of API.md's shape (at $.level)")]
    [InlineData("""{"block": true, "block": true}""", "each key once")]
    public async Task A_bad_override_is_refused_and_changes_nothing(string body, string detail)
    {
        var operatorClient = silo.Client("demo-operator");
        await AssertProblem(await operatorClient.PutAsync("/v1/admin/clients/demo-client-1/override", Json(body)), HttpStatusCode.BadRequest, detail);
        var after = await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/clients/demo-client-1");
        Assert.Null(after!["override"]);
    }

    [Fact]
    public async Task A_blocked_client_gets_a_neutral_403_and_is_unblocked_by_deleting_the_override()
    {
        var operatorClient = silo.Client("demo-operator");
        await Put(operatorClient, "demo-client-1", """{"block": true}""");
        var blocked = await silo.Client("demo-client-1").PostAsync(Predict, Body(Rows(0, 1)));
        await AssertProblem(blocked, HttpStatusCode.Forbidden, "not allowed to make predictions");
        Assert.DoesNotContain("block", await blocked.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        await operatorClient.DeleteAsync("/v1/admin/clients/demo-client-1/override");
        (await silo.Client("demo-client-1").PostAsync(Predict, Body(Rows(0, 1)))).EnsureSuccessStatusCode();
    }

    private static async Task Put(HttpClient operatorClient, string client, string body) =>
        (await operatorClient.PutAsync($"/v1/admin/clients/{client}/override", Json(body))).EnsureSuccessStatusCode();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<double[][]> Probabilities(HttpClient client, float[][] rows)
    {
        var response = await client.PostAsync(Predict, Body(rows));
        response.EnsureSuccessStatusCode();
        var outputs = (await response.Content.ReadFromJsonAsync<JsonObject>())!["outputs"]!.AsArray();
        return outputs.Select(o => o!["probabilities"]!.AsArray().Select(p => (double)p!).ToArray()).ToArray();
    }

    /// <summary>docs/ALGORITHMS.md's reverse sigmoid written out plainly.</summary>
    private static double[] ReverseSigmoidReference(double[] y, double beta, double gamma)
    {
        var perturbed = y.Select(v =>
        {
            var c = Math.Min(Math.Max(v, 1e-9), 1 - 1e-9);
            var r = beta * (1 / (1 + Math.Exp(-gamma * Math.Log(c / (1 - c)))) - 0.5);
            return Math.Min(Math.Max(v - r, 0), 1);
        }).ToArray();
        var sum = perturbed.Sum();
        return perturbed.Select(v => v / sum).ToArray();
    }
}
