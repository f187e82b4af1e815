using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mirage.Client.Api;
using Mirage.Client.Operators;

namespace Mirage.Client.Commands;

/// <summary>The commands of the `mirage` tool: models, predict, load, and the operators' clients commands.</summary>
internal static class MirageCommandLine
{
    private static readonly Option<string> Url = new("--url")
    {
        Description = "The service's root URL.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MIRAGE_URL") ?? "http://127.0.0.1:8080",
    };

    private static readonly Option<string> Key = new("--key")
    {
        Description = "The API key (or set MIRAGE_KEY).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MIRAGE_KEY") ?? "",
    };

    private static readonly Option<string> Model = new("--model")
    {
        Description = "The model's name.",
        DefaultValueFactory = _ => "fmnist-cnn",
    };

    private static readonly Option<FileInfo> Inputs = new("--inputs")
    {
        Description = "Raw float32 rows, e.g. models/testvectors/fmnist-cnn.inputs.f32.",
        DefaultValueFactory = _ => new FileInfo(Path.Combine("models", "testvectors", "fmnist-cnn.inputs.f32")),
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("mirage: query and operate a Mirage prediction service.");
        foreach (var option in new Option[] { Url, Key })
        {
            option.Recursive = true;
            root.Options.Add(option);
        }

        root.Subcommands.Add(ModelsCommand());
        root.Subcommands.Add(PredictCommand());
        root.Subcommands.Add(LoadCommand());
        root.Subcommands.Add(ClientsCommand.Build());
        root.Subcommands.Add(ClusterCommand.Build());
        return root;
    }

    private static Command ModelsCommand()
    {
        var command = new Command("models", "List the models the service answers for.");
        command.SetAction(async (parse, ct) =>
        {
            var models = await ClientOf(parse).ListModelsAsync(ct);
            Console.WriteLine(JsonSerializer.Serialize(models, JsonOptions));
            return 0;
        });
        return command;
    }

    private static Command PredictCommand()
    {
        var row = new Option<int>("--row") { Description = "Which row of --inputs to send.", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "How many rows to send from --row on.", DefaultValueFactory = _ => 1 };
        var command = new Command("predict", "Send inputs and print the answer.") { Model, Inputs, row, count };
        command.SetAction(async (parse, ct) =>
        {
            var client = ClientOf(parse);
            var model = parse.GetValue(Model)!;
            var pool = await ReadInputsAsync(client, model, parse.GetValue(Inputs)!, ct);
            var first = parse.GetValue(row);
            var rows = pool.Skip(first).Take(parse.GetValue(count)).ToArray();
            var answer = await client.PredictAsync(model, rows, ct);
            Console.WriteLine(JsonSerializer.Serialize(answer, JsonOptions));
            return 0;
        });
        return command;
    }

    private static Command LoadCommand()
    {
        var batch = new Option<int>("--batch") { Description = "Inputs per request.", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Callers at once.", DefaultValueFactory = _ => 1 };
        var requests = new Option<int>("--requests") { Description = "Requests in all.", DefaultValueFactory = _ => 2000 };
        var keys = new Option<string[]>("--keys")
        {
            Description = "Keys to spread the callers over (default: --key for all).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("load", "Measure throughput and latency with concurrent callers.")
        {
            Model, Inputs, batch, concurrency, requests, keys,
        };
        command.SetAction(async (parse, ct) =>
        {
            var url = parse.GetValue(Url)!;
            var callerKeys = parse.GetValue(keys) is { Length: > 0 } given ? given : [parse.GetValue(Key)!];
            var model = parse.GetValue(Model)!;
            var pool = await ReadInputsAsync(ClientOf(parse), model, parse.GetValue(Inputs)!, ct);
            var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024 };
            var result = await LoadTest.RunAsync(
                caller => new MirageClient(new HttpClient(handler, disposeHandler: false) { BaseAddress = BaseAddress(url) }, callerKeys[caller % callerKeys.Length]),
                model, pool, parse.GetValue(batch), parse.GetValue(concurrency), parse.GetValue(requests), ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"requests {result.Requests}, errors {result.Errors}, batch {parse.GetValue(batch)}, concurrency {parse.GetValue(concurrency)}, " +
                $"elapsed {result.Elapsed.TotalSeconds:F2} s\n" +
                $"throughput {result.RequestsPerSecond:F0} requests/s, {result.InputsPerSecond:F0} inputs/s\n" +
                $"latency ms: p50 {result.Percentile(0.50):F2}, p90 {result.Percentile(0.90):F2}, p99 {result.Percentile(0.99):F2}, max {result.LatenciesMs[^1]:F2}"));
            return result.Errors == 0 ? 0 : 1;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = ClientsScreen.JsonOptions;

    internal static MirageClient ClientOf(ParseResult parse) =>
        new(new HttpClient { BaseAddress = BaseAddress(parse.GetValue(Url)!) }, parse.GetValue(Key)!);

    private static Uri BaseAddress(string url) => new(url.EndsWith('/') ? url : url + "/");

    private static async Task<float[][]> ReadInputsAsync(MirageClient client, string model, FileInfo file, CancellationToken ct)
    {
        var info = (await client.ListModelsAsync(ct)).Models.FirstOrDefault(m => m.Name == model)
            ?? throw new InvalidOperationException($"The service has no model \"{model}\".");
        return InputFile.Read(file.FullName, info.InputShape.Aggregate(1, (a, b) => a * b));
    }
}
