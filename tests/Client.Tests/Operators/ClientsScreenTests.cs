using System.Text.Json.Nodes;
using Mirage.Client.Api;
using Mirage.Client.Operators;
using Mirage.Client.Tests.Cluster;
using Spectre.Console.Testing;

namespace Mirage.Client.Tests.Operators;

/// <summary>`mirage clients list/show/watch` against a real silo in this process.</summary>
public sealed class ClientsScreenTests(InProcessSilo silo) : IClassFixture<InProcessSilo>
{
    private readonly TestConsole _console = new TestConsole().Width(160);
    private readonly StringWriter _json = new();

    [Fact]
    public async Task The_list_is_a_table_where_a_client_that_never_queried_was_seen_never()
    {
        await Screen().ListAsync("client", 50, asJson: false, CancellationToken.None);

        var row = Assert.Single(_console.Output.Split('\n'), l => l.Contains("demo-client-3"));
        Assert.Contains("0 clean", row);
        Assert.Contains("never", row);
        Assert.Contains("Last seen", _console.Output);
        Assert.Empty(_json.ToString());
    }

    [Fact]
    public async Task With_json_the_list_and_the_detail_are_the_services_documents_unchanged()
    {
        var screen = Screen();
        await screen.ListAsync("client", 50, asJson: true, CancellationToken.None);
        await screen.ShowAsync("demo-client-3", asJson: true, CancellationToken.None);

        var operatorHttp = silo.ClientWithKey("demo-operator");
        var expected = ClientsScreen.JsonOptions;
        var page = JsonNode.Parse(await operatorHttp.GetStringAsync(ClientsScreen.ListPath("client", 50)))!;
        var detail = JsonNode.Parse(await operatorHttp.GetStringAsync("v1/admin/clients/demo-client-3"))!;
        Assert.Equal(page.ToJsonString(expected) + Environment.NewLine + detail.ToJsonString(expected) + Environment.NewLine, _json.ToString());
        // Today's raw form of a never-seen client's time, which scripts may parse.
        Assert.Contains("\"lastSeen\": \"0001-01-01T00:00:00\\u002B00:00\"", _json.ToString());
        Assert.Empty(_console.Output);
    }

    [Fact]
    public async Task Show_prints_the_clients_detail_as_tables()
    {
        await Screen().ShowAsync("demo-client-3", asJson: false, CancellationToken.None);

        Assert.Contains("demo / demo-client-3", _console.Output);
        Assert.Contains("no detector yet", _console.Output);
        Assert.Contains("Override: none", _console.Output);
    }

    [Fact]
    public async Task Watch_reads_the_list_again_each_interval_until_cancelled()
    {
        using var stop = new CancellationTokenSource();
        // The watch is stopped by its third read of the list, as Ctrl-C would stop it.
        var reads = new CountingHandler(count => { if (count == 3) stop.Cancel(); });
        var client = new MirageClient(silo.CreateDefaultClient(reads), "demo-operator");

        await new ClientsScreen(client, _console, _json).WatchAsync("client", 50, TimeSpan.FromMilliseconds(50), stop.Token);

        Assert.Equal(3, reads.Count);
        Assert.Contains("demo-client-1", _console.Output);
        Assert.Contains("Ctrl-C to stop", _console.Output);
    }

    private ClientsScreen Screen() => new(new MirageClient(silo.CreateClient(), "demo-operator"), _console, _json);

    private sealed class CountingHandler(Action<int> onRequest) : DelegatingHandler
    {
        private int _count;

        public int Count => _count;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            onRequest(Interlocked.Increment(ref _count));
            return response;
        }
    }
}
