using System.Text.Json;
using System.Text.Json.Nodes;
using Mirage.Client.Api;
using Spectre.Console;

namespace Mirage.Client.Operators;

/// <summary>
/// What `mirage clients list/show/watch` print: tables on <paramref name="console"/>, or with --json the
/// service's document as it came, indented, on <paramref name="json"/> (scripts read it).
/// </summary>
internal sealed class ClientsScreen(MirageClient client, IAnsiConsole console, TextWriter json)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string ListPath(string sort, int limit) => $"v1/admin/clients?sort={Uri.EscapeDataString(sort)}&limit={limit}";

    public async Task ListAsync(string sort, int limit, bool asJson, CancellationToken cancellationToken)
    {
        var page = await client.GetJsonAsync(ListPath(sort, limit), cancellationToken);
        if (asJson)
        {
            await json.WriteLineAsync(page.ToJsonString(JsonOptions));
            return;
        }

        console.Write(ClientListView.Render(page));
    }

    public async Task ShowAsync(string name, bool asJson, CancellationToken cancellationToken)
    {
        var detail = await client.GetJsonAsync($"v1/admin/clients/{Uri.EscapeDataString(name)}", cancellationToken);
        if (asJson)
        {
            await json.WriteLineAsync(detail.ToJsonString(JsonOptions));
            return;
        }

        console.Write(ClientDetailView.Render(detail));
    }

    /// <summary>The list, read again every <paramref name="interval"/> and redrawn in place, until cancelled (Ctrl-C).</summary>
    public async Task WatchAsync(string sort, int limit, TimeSpan interval, CancellationToken cancellationToken)
    {
        var page = await client.GetJsonAsync(ListPath(sort, limit), cancellationToken);
        var layout = new Rows(ClientListView.Render(page), Status(DateTimeOffset.Now, interval));
        try
        {
            await console.Live(layout).StartAsync(async live =>
            {
                while (true)
                {
                    await Task.Delay(interval, cancellationToken);
                    JsonNode? next;
                    try
                    {
                        next = await client.GetJsonAsync(ListPath(sort, limit), cancellationToken);
                    }
                    catch (Exception ex) when (ex is MirageApiException or HttpRequestException)
                    {
                        // Keep the last table up and say why it is old; the next round tries again.
                        live.UpdateTarget(new Rows(ClientListView.Render(page), new Text($"refresh failed: {ex.Message}", new Style(Color.Red))));
                        continue;
                    }

                    page = next;
                    live.UpdateTarget(new Rows(ClientListView.Render(page), Status(DateTimeOffset.Now, interval)));
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the last table stays on screen.
        }
    }

    private static Text Status(DateTimeOffset at, TimeSpan interval) =>
        new($"as of {at:HH:mm:ss}, every {interval.TotalSeconds:0.#} s; Ctrl-C to stop", new Style(Color.Grey));
}
