using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mirage.Client.Operators;

/// <summary>The operators' client list (GET /v1/admin/clients) as a table, one row a client.</summary>
internal static class ClientListView
{
    public static readonly string[] Columns = ["Client", "Level", "Suspicion", "Queries", "Flagged", "Last seen"];

    public static IRenderable Render(JsonNode page)
    {
        var table = NewTable();
        var clients = page["clients"]?.AsArray() ?? [];
        foreach (var row in clients.OfType<JsonNode>())
        {
            table.AddRow(Row(row));
        }

        var total = (int?)page["total"] ?? clients.Count;
        table.Caption(string.Create(CultureInfo.InvariantCulture, $"{clients.Count} of {total} clients"));
        return table;
    }

    /// <summary>The list's columns, numbers right-aligned.</summary>
    public static Table NewTable()
    {
        var table = new Table().RoundedBorder();
        foreach (var column in Columns)
        {
            table.AddColumn(new TableColumn(column));
        }

        table.Columns[2].RightAligned();
        table.Columns[3].RightAligned();
        return table;
    }

    /// <summary>The cells of one client's row, flagged clients in their level's colour.</summary>
    public static IRenderable[] Row(JsonNode row)
    {
        var flagged = row["flagged"] is { } f && (bool)f;
        var style = !flagged ? Style.Plain : (int?)row["level"] >= 2 ? new Style(Color.Red) : new Style(Color.Yellow);
        return
        [
            new Text((string?)row["client"] ?? "", style),
            new Text(CellText.Level(row), style),
            new Text(CellText.Number(row["suspicion"], "0.000"), style),
            new Text(CellText.Count(row["queries"])),
            new Text(CellText.YesNo(row["flagged"]), style),
            new Text(CellText.Time(row["lastSeen"])),
        ];
    }
}
