using System.Text.Json.Nodes;
using Mirage.Client.Operators;
using Spectre.Console.Testing;

namespace Mirage.Client.Tests.Operators;

/// <summary>The tables of `mirage clients list` and `show`, rendered from documents shaped as docs/API.md gives them.</summary>
public sealed class ClientViewsTests
{
    private const string Page = """
        {"clients": [
          {"client": "c-17", "suspicion": 0.93, "level": 3, "levelName": "attack", "queries": 5210, "flagged": true, "lastSeen": "2026-11-22T08:00:00Z"},
          {"client": "c-2", "suspicion": 0, "level": 0, "levelName": "clean", "queries": 0, "flagged": false, "lastSeen": "0001-01-01T00:00:00+00:00"}],
         "total": 412}
        """;

    [Fact]
    public void The_list_has_a_column_for_each_field_and_a_row_for_each_client()
    {
        var text = Render(ClientListView.Render(JsonNode.Parse(Page)!));

        var header = Assert.Single(Lines(text), l => l.Contains("Client"));
        Assert.True(ClientListView.Columns.All(header.Contains), header);
        var attacker = Assert.Single(Lines(text), l => l.Contains("c-17"));
        Assert.Contains("3 attack", attacker);
        Assert.Contains("0.930", attacker);
        Assert.Contains("5,210", attacker);
        Assert.Contains("yes", attacker);
        Assert.Contains("2026-11-22 08:00Z", attacker);
        Assert.Contains("2 of 412 clients", text);
    }

    [Fact]
    public void A_client_that_never_queried_was_last_seen_never()
    {
        var text = Render(ClientListView.Render(JsonNode.Parse(Page)!));

        var unseen = Assert.Single(Lines(text), l => l.Contains("c-2 "));
        Assert.Contains("never", unseen);
        Assert.DoesNotContain("0001", text);
    }

    [Fact]
    public void The_detail_shows_the_row_signals_utility_override_and_history()
    {
        var detail = JsonNode.Parse("""
            {"tenant": "demo", "client": "c-17", "suspicion": 0.93, "level": 3, "levelName": "attack", "queries": 5210,
             "flagged": true, "lastSeen": "2026-11-22T08:00:00Z",
             "signals": {"prada": {"w": 0.71, "samples": 350, "threshold": 0.9, "flagged": true, "recentDistances": [0.12], "lowestW": 0.65},
                         "lowConfidenceRate": 0.41, "classCoverage": 0.98, "classBalance": 0.9, "queryRate": 12.5, "splitAttack": false},
             "history": [{"at": "2026-11-22T07:58:00Z", "suspicion": 0, "level": 0},
                         {"at": "2026-11-22T07:59:00Z", "suspicion": 0.6, "level": 1},
                         {"at": "2026-11-22T08:00:00Z", "suspicion": 1.0, "level": 3}],
             "override": {"level": null, "policy": {"method": "reverse_sigmoid", "beta": 0.5, "gamma": 0.5, "decimals": null}, "exempt": null, "block": null},
             "utility": {"answers": 5210, "argmaxKeptRate": 0.97, "meanL1": 0.1234, "meanKlNats": 0.05},
             "quota": {"perDay": 5000, "usedToday": 5210, "perMonth": null, "usedThisMonth": 5210, "past": "label_only",
                       "exhaustedUntil": "2026-11-23T00:00:00+00:00"}}
            """)!;

        var text = Render(ClientDetailView.Render(detail));

        Assert.Contains("demo / c-17", text);
        Assert.Contains("3 attack", Assert.Single(Lines(text), l => l.Contains("c-17") && l.Contains("0.930")));
        Assert.Contains("0.71 (threshold 0.9, lowest 0.65)", Assert.Single(Lines(text), l => l.Contains("PRADA W")));
        Assert.Contains("12.5 / min", Assert.Single(Lines(text), l => l.Contains("Query rate")));
        Assert.Contains("0.97", Assert.Single(Lines(text), l => l.Contains("Argmax kept")));
        Assert.Contains("Override: policy reverse_sigmoid (beta 0.5, gamma 0.5)", text);
        Assert.Contains("Quota: 5,210 of 5,000 today; past it until 2026-11-23 00:00Z: label_only", text);
        Assert.Contains("▁▅█", text);  // suspicion 0, 0.6 and 1 on eight steps
        Assert.Contains("1.000", Assert.Single(Lines(text), l => l.Contains("2026-11-22 08:00Z") && !l.Contains("c-17")));
    }

    [Fact]
    public void A_client_without_a_detector_or_history_says_so()
    {
        var detail = JsonNode.Parse("""
            {"tenant": "demo", "client": "c-2", "suspicion": 0, "level": 0, "levelName": "clean", "queries": 0, "flagged": false,
             "lastSeen": "0001-01-01T00:00:00+00:00", "signals": {"prada": null}, "history": [], "override": null,
             "utility": {"answers": 0, "argmaxKeptRate": 1, "meanL1": 0, "meanKlNats": 0}}
            """)!;

        var text = Render(ClientDetailView.Render(detail));

        Assert.Contains("no detector yet", text);
        Assert.Contains("Override: none", text);
        Assert.Contains("Quota: none", text);
        Assert.Contains("History: none yet", text);
        Assert.Contains("never", Assert.Single(Lines(text), l => l.Contains("c-2 ") && l.Contains("clean")));
    }

    [Theory]
    [InlineData("""{"block": true}""", "block")]
    [InlineData("""{"level": 2, "exempt": null}""", "level 2")]
    [InlineData("""{"exempt": true}""", "exempt")]
    [InlineData("""{"policy": {"method": "label_only"}}""", "policy label_only")]
    public void An_override_names_what_it_sets(string json, string expected)
    {
        Assert.Equal(expected, CellText.Override(JsonNode.Parse(json)));
    }

    internal static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var console = new TestConsole().Width(160);
        console.Profile.Capabilities.Unicode = true;
        console.Write(renderable);
        return console.Output;
    }

    private static string[] Lines(string text) => text.Split('\n');
}
