using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Http;

/// <summary>The audit log through the real app: what each operator action records, who may read it, and that it outlives a restart.</summary>
public sealed class AuditApiTests
{
    private const string Audit = "/v1/admin/audit";
    private const string Client = "/v1/admin/clients/demo-client-2";

    [Fact]
    public async Task A_run_of_operator_actions_is_read_back_in_order_after_a_restart()
    {
        var database = Path.Combine(Path.GetTempPath(), $"mirage-audit-{Guid.NewGuid():N}.db");
        using (var first = new SiloFactory { DatabasePath = database })
        {
            var operatorClient = first.ClientWithKey("demo-operator");
            (await first.ClientWithKey("demo-client-2").PostAsync("/v1/models/fmnist-cnn/predict", Body(Rows(0, 3)))).EnsureSuccessStatusCode();
            foreach (var body in new[]
            {
                """{"level": 1}""",
                """{"policy": {"method": "top_k", "k": 2}}""",
                """{"exempt": true}""",
                """{"block": true}""",
            })
            {
                Assert.Equal(HttpStatusCode.OK, (await operatorClient.PutAsync(Client + "/override", Json(body))).StatusCode);
            }

            Assert.Equal(HttpStatusCode.OK, (await operatorClient.DeleteAsync(Client + "/override")).StatusCode);
            // The three queries reach the grain after their answer: wait until the reset has something to forget.
            await WaitFor(async () => await QueriesOf(operatorClient, "demo-client-2") == 3);
            Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync(Client + "/reset", null)).StatusCode);
            // Refused requests change nothing, so they record nothing.
            Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PutAsync(Client + "/override", Json("""{"level": 99}"""))).StatusCode);
        }

        using var second = new SiloFactory { DatabasePath = database };
        var log = await second.ClientWithKey("demo-operator").GetFromJsonAsync<JsonObject>(Audit);
        var entries = log!["entries"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(6, (int)log["total"]!);
        Assert.Equal([6L, 5, 4, 3, 2, 1], entries.Select(e => (long)e["sequence"]!));
        Assert.Equal(["reset", "clear_override", "override", "override", "override", "override"], entries.Select(e => (string?)e["action"]));
        Assert.All(entries, e =>
        {
            Assert.Equal(("demo-operator", "operator", "demo-client-2"), ((string?)e["actor"], (string?)e["role"], (string?)e["client"]));
            Assert.Equal(["sequence", "at", "actor", "role", "action", "client", "before", "after"], e.Select(p => p.Key));
        });
        var at = entries.Select(e => DateTimeOffset.Parse((string)e["at"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(at.OrderDescending(), at);
        Assert.All(at, t => Assert.Equal(TimeSpan.Zero, t.Offset));

        // Oldest first from here: each override's before is the one set by the action ahead of it.
        entries.Reverse();
        Assert.Null(entries[0]["before"]!["override"]);
        Assert.Equal(1, (int)entries[0]["after"]!["override"]!["level"]!);
        Assert.Equal((1, "watch"), ((int)entries[0]["after"]!["level"]!, (string?)entries[0]["after"]!["levelName"]));
        Assert.Equal(1, (int)entries[1]["before"]!["override"]!["level"]!);
        Assert.Equal("top_k", (string?)entries[1]["after"]!["override"]!["policy"]!["method"]);
        Assert.Equal("top_k", (string?)entries[2]["before"]!["override"]!["policy"]!["method"]);
        Assert.True((bool)entries[2]["after"]!["override"]!["exempt"]!);
        Assert.True((bool)entries[3]["after"]!["override"]!["block"]!);
        Assert.True((bool)entries[4]["before"]!["override"]!["block"]!);
        Assert.Null(entries[4]["after"]!["override"]);

        // The reset's before is what it forgot; after, nothing is left but the (cleared) override.
        Assert.Equal(3, (long)entries[5]["before"]!["queries"]!);
        Assert.NotNull(entries[5]["before"]!["suspicion"]);
        Assert.Equal((0L, 0.0, 0), ((long)entries[5]["after"]!["queries"]!, (double)entries[5]["after"]!["suspicion"]!, (int)entries[5]["after"]!["level"]!));

        // Another tenant's operator has a log of its own, and sees none of these, whatever it asks.
        var acme = second.ClientWithKey("acme-operator");
        Assert.Equal(0, (int)(await acme.GetFromJsonAsync<JsonObject>(Audit))!["total"]!);
        Assert.Equal(0, (int)(await acme.GetFromJsonAsync<JsonObject>(Audit + "?client=demo-client-2"))!["total"]!);
    }

    [Fact]
    public async Task The_log_filters_by_client_pages_and_refuses_bad_parameters_by_name()
    {
        using var silo = new SiloFactory();
        var operatorClient = silo.ClientWithKey("demo-operator");
        foreach (var client in new[] { "demo-client-1", "demo-client-3", "demo-client-1" })
        {
            (await operatorClient.PutAsync($"/v1/admin/clients/{client}/override", Json("""{"exempt": true}"""))).EnsureSuccessStatusCode();
        }

        var ofOne = await operatorClient.GetFromJsonAsync<JsonObject>(Audit + "?client=demo-client-1&limit=1&offset=1");
        Assert.Equal(2, (int)ofOne!["total"]!);
        Assert.Equal(1, (long)Assert.Single(ofOne["entries"]!.AsArray())!["sequence"]!);
        Assert.Equal(0, (int)(await operatorClient.GetFromJsonAsync<JsonObject>(Audit + "?client=nobody"))!["total"]!);

        foreach (var (query, detail) in new[]
        {
            ("limit=0", "limit must be a whole number between 1 and 1000"),
            ("limit=1001", "limit must be a whole number between 1 and 1000"),
            ("limit=abc", "limit must be"),
            ("offset=-1", "offset must be a whole number of at least 0"),
            ("offset=1.5", "offset must be"),
            ("client=", "client must be a client's name"),
        })
        {
            await AssertProblem(await operatorClient.GetAsync($"{Audit}?{query}"), HttpStatusCode.BadRequest, detail);
        }

        await AssertProblem(await silo.ClientWithKey("demo-client-1").GetAsync(Audit), HttpStatusCode.Forbidden, "role operator");
        await AssertProblem(await silo.ClientWithKey(null).GetAsync(Audit), HttpStatusCode.Unauthorized, "valid API key");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
