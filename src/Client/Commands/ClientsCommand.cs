using System.CommandLine;
using System.Text.Json.Nodes;
using Mirage.Client.Operators;
using Spectre.Console;

namespace Mirage.Client.Commands;

/// <summary>`mirage clients`: the operators' commands over GET/PUT/DELETE/POST /v1/admin/clients.</summary>
internal static class ClientsCommand
{
    public static Command Build()
    {
        var command = new Command("clients", "Operators: inspect and steer the clients of your tenant.");
        var sort = new Option<string>("--sort")
        {
            Description = "suspicion (default), queries, lastSeen or client.",
            DefaultValueFactory = _ => "suspicion",
        };
        var limit = new Option<int>("--limit") { Description = "How many clients (1-1000).", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON instead of a table." };
        var list = new Command("list", "Clients sorted by suspicion, as a table.") { sort, limit, json };
        list.SetAction((parse, ct) => RunAsync(Screen(parse).ListAsync(parse.GetValue(sort)!, parse.GetValue(limit), parse.GetValue(json), ct)));

        var name = new Argument<string>("client") { Description = "The client's name." };
        var show = new Command("show", "One client's detail: its row, signals, utility, override and history.") { name, json };
        show.SetAction((parse, ct) => RunAsync(Screen(parse).ShowAsync(parse.GetValue(name)!, parse.GetValue(json), ct)));

        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes.", DefaultValueFactory = _ => 5 };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0.1 and <= 3600))
            {
                result.AddError("--interval must be between 0.1 and 3600 seconds.");
            }
        });
        var watch = new Command("watch", "The client list, refreshed in place every --interval seconds; Ctrl-C stops.") { sort, limit, interval };
        watch.SetAction((parse, ct) => RunAsync(Screen(parse).WatchAsync(
            parse.GetValue(sort)!, parse.GetValue(limit), TimeSpan.FromSeconds(parse.GetValue(interval)), ct)));

        var body = new Argument<string>("override") { Description = "JSON, e.g. '{\"level\": 0}' or '{\"block\": true}'." };
        var pin = new Command("override", "Set a client's override.") { name, body };
        pin.SetAction((parse, ct) => PrintAsync(MirageCommandLine.ClientOf(parse).SendJsonAsync(
            HttpMethod.Put, $"v1/admin/clients/{Escape(parse, name)}/override", JsonNode.Parse(parse.GetValue(body)!), ct)));

        var clear = new Command("clear-override", "Remove a client's override.") { name };
        clear.SetAction((parse, ct) => PrintAsync(MirageCommandLine.ClientOf(parse).SendJsonAsync(
            HttpMethod.Delete, $"v1/admin/clients/{Escape(parse, name)}/override", null, ct)));

        var reset = new Command("reset", "Forget a client's history.") { name };
        reset.SetAction((parse, ct) => PrintAsync(MirageCommandLine.ClientOf(parse).SendJsonAsync(
            HttpMethod.Post, $"v1/admin/clients/{Escape(parse, name)}/reset", null, ct)));

        foreach (var sub in new[] { list, show, watch, pin, clear, reset })
        {
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static ClientsScreen Screen(ParseResult parse) => new(MirageCommandLine.ClientOf(parse), AnsiConsole.Console, Console.Out);

    private static string Escape(ParseResult parse, Argument<string> argument) => Uri.EscapeDataString(parse.GetValue(argument)!);

    private static async Task<int> RunAsync(Task screen)
    {
        await screen;
        return 0;
    }

    private static async Task<int> PrintAsync(Task<JsonNode> call)
    {
        Console.WriteLine((await call).ToJsonString(ClientsScreen.JsonOptions));
        return 0;
    }
}
