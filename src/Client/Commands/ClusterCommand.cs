using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mirage.Client.Cluster;

namespace Mirage.Client.Commands;

/// <summary>
/// `mirage cluster status`: an Orleans client (through a gateway) that prints the silos and their status,
/// the activations by grain type and silo, and how many activations the given client and tenant grains have.
/// </summary>
internal static class ClusterCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Build()
    {
        var gateways = new Option<string[]>("--gateway")
        {
            Description = "A silo's Orleans gateway, HOST:PORT (repeatable); without it, the membership table in --azure-storage.",
            AllowMultipleArgumentsPerToken = true,
        };
        var azureStorage = new Option<string?>("--azure-storage")
        {
            Description = "Connection string of the silos' storage account (or set MIRAGE_AZURE_STORAGE).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MIRAGE_AZURE_STORAGE"),
        };
        var clusterId = new Option<string>("--cluster-id") { DefaultValueFactory = _ => "mirage" };
        var serviceId = new Option<string>("--service-id") { DefaultValueFactory = _ => "mirage" };
        var clients = new Option<string[]>("--client")
        {
            Description = "A client grain to count the activations of, TENANT/CLIENT (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var tenants = new Option<string[]>("--tenant")
        {
            Description = "A tenant grain to count the activations of (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per sample, on one line." };
        var every = new Option<double>("--every")
        {
            Description = "Sample every this many seconds until stopped (0: once). A failed sample prints {\"error\": ...} and the next follows.",
            DefaultValueFactory = _ => 0,
        };

        var status = new Command("status", "The silos and their status, activations by grain type and silo, and the given grains' activations.")
        {
            gateways, azureStorage, clusterId, serviceId, clients, tenants, json, every,
        };
        status.SetAction(async (parse, ct) =>
        {
            var address = ClusterAddress.Of(parse.GetValue(gateways) ?? [], parse.GetValue(azureStorage),
                parse.GetValue(clusterId)!, parse.GetValue(serviceId)!);
            var clientKeys = parse.GetValue(clients) ?? [];
            foreach (var key in clientKeys.Where(k => k.IndexOf('/') <= 0))
            {
                throw new ArgumentException($"--client is TENANT/CLIENT, e.g. demo/demo-client-1; got \"{key}\".");
            }

            using var host = await ClusterConnection.ConnectAsync(address, ct);
            var inspector = new ClusterInspector(host.Services.GetRequiredService<IGrainFactory>());
            var tenantNames = parse.GetValue(tenants) ?? [];
            var interval = TimeSpan.FromSeconds(parse.GetValue(every));
            if (interval <= TimeSpan.Zero)
            {
                var report = await inspector.SampleAsync(clientKeys, tenantNames);
                Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(report, Json) : ClusterReportText.Format(report));
                return 0;
            }

            while (!ct.IsCancellationRequested)
            {
                var started = DateTimeOffset.UtcNow;
                try
                {
                    var report = await inspector.SampleAsync(clientKeys, tenantNames);
                    Console.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(report, Json) : ClusterReportText.Format(report));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { at = started, error = $"{e.GetType().Name}: {e.Message}" }, Json));
                }

                var wait = interval - (DateTimeOffset.UtcNow - started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }

            return 0;
        });

        var command = new Command("cluster", "Inspect the Orleans cluster behind the service (needs a gateway or the membership table).");
        command.Subcommands.Add(status);
        return command;
    }
}
