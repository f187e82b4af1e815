using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mirage.Console.Tests.TestSupport;
using Mirage.Silo.Tests.Http;

namespace Mirage.Console.Tests.Api;

/// <summary>
/// What the console reads beyond the original contract (docs/API.md): its files at / without a key,
/// GET /v1/admin/tenant, the list's level and flagged filters, flaggedSince, and W in the history.
/// </summary>
public sealed class ConsoleDataApiTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/console/app.js", "text/javascript")]
    [InlineData("/console/console.css", "text/css")]
    [InlineData("/console/vendor/uPlot.esm.js", "text/javascript")]
    public async Task The_consoles_files_are_served_without_a_key_under_a_strict_policy(string path, string type)
    {
        using var anonymous = silo.Client(null);
        using var response = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_page_holds_no_data_and_a_missing_file_is_a_plain_404()
    {
        using var anonymous = silo.Client(null);
        var page = await anonymous.GetStringAsync("/");
        Assert.DoesNotContain("demo-", page, StringComparison.Ordinal);
        using var missing = await anonymous.GetAsync("/console/no-such-file.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        // Anything else still needs a key, as before.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/admin/tenant")).StatusCode);
    }

    [Theory]
    [InlineData("demo-client-1", HttpStatusCode.Forbidden)]
    [InlineData("demo-admin", HttpStatusCode.Forbidden)]
    [InlineData("no-such-key", HttpStatusCode.Unauthorized)]
    public async Task The_tenant_overview_needs_an_operator_key(string key, HttpStatusCode expected)
    {
        using var client = silo.Client(key);
        using var response = await client.GetAsync("/v1/admin/tenant");
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_attack_shows_in_the_overview_the_filters_the_flag_time_and_the_history()
    {
        using var operatorApi = silo.Client("demo-operator");
        using var attacker = silo.Client("demo-client-1");
        using var benign = silo.Client("demo-client-2");
        await Traffic.BenignAsync(benign, 96);
        var sent = await Traffic.AttackUntilAsync(attacker, operatorApi, "demo-client-1", "attack");
        await Traffic.ListedAsync(operatorApi, "demo-client-1", row => (long)row["queries"]! == sent && (string?)row["levelName"] == "attack");
        await Traffic.ListedAsync(operatorApi, "demo-client-2", row => (long)row["queries"]! == 96);

        var overview = (await operatorApi.GetFromJsonAsync<JsonObject>("/v1/admin/tenant"))!;
        Assert.Equal("demo", (string?)overview["tenant"]);
        Assert.Equal(3, (int)overview["clients"]!);
        var levels = overview["levels"]!.AsArray().ToDictionary(l => (string)l!["levelName"]!, l => (int)l!["clients"]!);
        Assert.Equal(new Dictionary<string, int> { ["clean"] = 2, ["watch"] = 0, ["suspect"] = 0, ["attack"] = 1 }, levels);
        var minutes = overview["queriesPerMinute"]!.AsArray();
        Assert.Equal(60, minutes.Count);
        Assert.Equal(sent + 96, minutes.Sum(m => (long)m!["queries"]!));
        Assert.Equal(1, (int)overview["flagsLastHour"]!);
        var flag = overview["recentFlags"]!.AsArray().Single()!;
        Assert.Equal("demo-client-1", (string?)flag["client"]);
        Assert.Empty(overview["splitAttacks"]!.AsArray());

        // Filters, applied before paging: total counts what matches.
        Assert.Equal(["demo-client-1"], await Names(operatorApi, "?flagged=true"));
        Assert.Equal(["demo-client-1"], await Names(operatorApi, "?level=attack"));
        Assert.Equal(["demo-client-1"], await Names(operatorApi, "?level=3&flagged=true"));
        Assert.Empty(await Names(operatorApi, "?level=3&flagged=false"));
        Assert.Equal(["demo-client-2", "demo-client-3"], await Names(operatorApi, "?flagged=false&sort=client"));
        Assert.Equal(["demo-client-3"], await Names(operatorApi, "?level=CLEAN&sort=client&offset=1&limit=1"));
        var clean = (await operatorApi.GetFromJsonAsync<JsonObject>("/v1/admin/clients?level=0&limit=1"))!;
        Assert.Equal(2, (int)clean["total"]!);

        // The row and the detail say since when; the history has W beside the suspicion.
        var list = (await operatorApi.GetFromJsonAsync<JsonObject>("/v1/admin/clients"))!["clients"]!.AsArray();
        Assert.NotNull(list[0]!["flaggedSince"]);
        Assert.Null(list[1]!["flaggedSince"]);
        var detail = await Traffic.DetailAsync(operatorApi, "demo-client-1");
        var history = detail["history"]!.AsArray();
        Assert.Equal(1.0, (double)history[0]!["w"]!);
        Assert.True((double)history[^1]!["w"]! < (double)detail["signals"]!["prada"]!["threshold"]!, detail.ToJsonString());
        Assert.InRange((double)history[^1]!["lowConfidenceRate"]!, 0, 1);
        Assert.Equal((string?)flag["at"], (string?)detail["flaggedSince"]);
    }

    [Theory]
    [InlineData("?level=9", "level must be a level of your tenant's ladder, 0 to 3 or one of clean, watch, suspect, attack; got \"9\".")]
    [InlineData("?level=-1", "level must be a level of your tenant's ladder, 0 to 3 or one of clean, watch, suspect, attack; got \"-1\".")]
    [InlineData("?level=panic", "level must be a level of your tenant's ladder, 0 to 3 or one of clean, watch, suspect, attack; got \"panic\".")]
    [InlineData("?flagged=yes", "flagged must be true or false; got \"yes\".")]
    public async Task A_bad_filter_is_a_400_that_names_the_parameter(string query, string detail)
    {
        using var operatorApi = silo.Client("demo-operator");
        using var response = await operatorApi.GetAsync("/v1/admin/clients" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
    }

    private static async Task<string[]> Names(HttpClient operatorApi, string query) =>
        (await operatorApi.GetFromJsonAsync<JsonObject>("/v1/admin/clients" + query))!["clients"]!.AsArray()
            .Select(c => (string)c!["client"]!).ToArray();
}
