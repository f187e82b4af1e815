using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.TestSupport;
using Mirage.Tests.Shared;

namespace Mirage.Console.Tests.Api;

/// <summary>A JBDA attack split over 10 young keys shows in the tenant's overview as one alert naming them.</summary>
public sealed class SplitAttackOverviewTests : IDisposable
{
    private static readonly string[] Split = Enumerable.Range(1, 10).Select(i => $"split-{i}").ToArray();

    private readonly SiloFactory _silo = new SiloFactory().With("config", TestConfiguration.Write("lab", [.. Split, "bystander"]));

    [Fact]
    public async Task The_alert_names_every_key_involved_and_not_the_bystander()
    {
        var stream = new JbdaStream(seed: 21, skip: 5000);
        var keys = Split.Select(name => _silo.ClientWithKey($"key-{name}")).ToArray();
        for (var request = 0; request < 60; request++)
        {
            var batch = stream.Next(10);
            (await keys[request % keys.Length].PostAsync("/v1/models/fmnist-cnn/predict", JsonContent.Create(new { inputs = batch }))).EnsureSuccessStatusCode();
        }

        var operatorApi = _silo.ClientWithKey(TestConfiguration.OperatorKey);
        // The watch raises the keys as their queries reach the tenant (each key's rows at most 1 s late).
        JsonArray alerts = [];
        for (var attempt = 0; attempt < 100 && alerts.FirstOrDefault()?["clients"]!.AsArray().Count != Split.Length; attempt++)
        {
            await Task.Delay(100);
            alerts = (await operatorApi.GetFromJsonAsync<JsonObject>("/v1/admin/tenant"))!["splitAttacks"]!.AsArray();
        }

        var alert = Assert.Single(alerts)!;
        Assert.Equal("fmnist-cnn", (string?)alert["model"]);
        Assert.Equal(Split.Order(StringComparer.Ordinal), alert["clients"]!.AsArray().Select(c => (string)c!).Order(StringComparer.Ordinal));
        Assert.Contains("PRADA", (string?)alert["reason"], StringComparison.Ordinal);
    }

    public void Dispose() => _silo.Dispose();
}
