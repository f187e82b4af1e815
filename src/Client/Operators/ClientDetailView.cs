using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mirage.Client.Operators;

/// <summary>
/// One client's detail (GET /v1/admin/clients/{client}) as tables: its row, its signals, what the
/// perturbations cost it, its override, and its suspicion history as a sparkline over its latest points.
/// </summary>
internal static class ClientDetailView
{
    // The history keeps up to 240 points (one a minute); a line of 60 is the last hour, and the table its latest points.
    private const int SparklineWidth = 60;
    private const int HistoryRows = 8;

    public static IRenderable Render(JsonNode detail)
    {
        var row = ClientListView.NewTable().Title(Markup.Escape($"{(string?)detail["tenant"]} / {(string?)detail["client"]}"));
        row.AddRow(ClientListView.Row(detail));
        return new Rows(row, Signals(detail["signals"]), Utility(detail["utility"]),
            new Text($"Override: {CellText.Override(detail["override"])}"), new Text($"Quota: {Quota(detail["quota"])}"), History(detail["history"]?.AsArray() ?? []));
    }

    private static Table Signals(JsonNode? signals)
    {
        var table = NameValue("Signal");
        if (signals?["prada"] is { } prada)
        {
            Add(table, "PRADA W", $"{CellText.Number(prada["w"])} (threshold {CellText.Number(prada["threshold"])}, lowest {CellText.Number(prada["lowestW"])})");
            Add(table, "PRADA samples", CellText.Count(prada["samples"]));
            Add(table, "PRADA flagged", CellText.YesNo(prada["flagged"]));
        }
        else
        {
            Add(table, "PRADA", "no detector yet (no query since created or reset)");
        }

        Add(table, "Low-confidence rate", CellText.Number(signals?["lowConfidenceRate"]));
        Add(table, "Class coverage", CellText.Number(signals?["classCoverage"]));
        Add(table, "Class balance", CellText.Number(signals?["classBalance"]));
        Add(table, "Query rate", $"{CellText.Number(signals?["queryRate"], "0.#")} / min");
        Add(table, "Split attack", CellText.YesNo(signals?["splitAttack"]));
        return table;
    }

    private static Table Utility(JsonNode? utility)
    {
        var table = NameValue("Utility");
        Add(table, "Answers", CellText.Count(utility?["answers"]));
        Add(table, "Argmax kept", CellText.Number(utility?["argmaxKeptRate"]));
        Add(table, "Mean L1", CellText.Number(utility?["meanL1"], "0.####"));
        Add(table, "Mean KL (nats)", CellText.Number(utility?["meanKlNats"], "0.####"));
        return table;
    }

    /// <summary>The key's use of its tenant's quota: "1,200 of 100,000 today, 3,400 of 1,000,000 this month; then label_only".</summary>
    private static string Quota(JsonNode? quota)
    {
        if (quota is null)
        {
            return "none";
        }

        var limits = new List<string>();
        if (quota["perDay"] is { } perDay)
        {
            limits.Add($"{CellText.Count(quota["usedToday"])} of {CellText.Count(perDay)} today");
        }

        if (quota["perMonth"] is { } perMonth)
        {
            limits.Add($"{CellText.Count(quota["usedThisMonth"])} of {CellText.Count(perMonth)} this month");
        }

        var past = quota["exhaustedUntil"] is { } until ? $"past it until {CellText.Time(until)}: {(string?)quota["past"]}" : $"then {(string?)quota["past"]}";
        return $"{string.Join(", ", limits)}; {past}";
    }

    private static IRenderable History(JsonArray history)
    {
        if (history.Count == 0)
        {
            return new Text("History: none yet");
        }

        var points = history.OfType<JsonNode>().ToList();
        var line = Sparkline.Of(points.Select(p => (double?)p["suspicion"] ?? 0).ToList(), SparklineWidth);
        var table = new Table().RoundedBorder().Title($"History {line}").AddColumns("At", "Suspicion", "Level");
        foreach (var point in points.TakeLast(HistoryRows))
        {
            table.AddRow(CellText.Time(point["at"]), CellText.Number(point["suspicion"], "0.000"), CellText.Count(point["level"]));
        }

        return table;
    }

    private static Table NameValue(string name) => new Table().RoundedBorder().AddColumns(name, "Value");

    // Plain text cells: a string cell would be read as Spectre markup, and values may hold brackets.
    private static void Add(Table table, string name, string value) => table.AddRow(new Text(name), new Text(value));
}
