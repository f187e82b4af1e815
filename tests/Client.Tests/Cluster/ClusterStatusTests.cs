using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mirage.Client.Cluster;
using Mirage.Client.Commands;
using Mirage.Tests.Shared;

namespace Mirage.Client.Tests.Cluster;

/// <summary>`mirage cluster status` against a real silo in this process, through its Orleans gateway.</summary>
public sealed class ClusterStatusTests : IDisposable
{
    private readonly InProcessSilo _silo = new();

    [Fact]
    public async Task Status_shows_the_silo_and_counts_one_activation_for_a_client_and_its_tenant_and_none_for_an_idle_client()
    {
        await PredictAsync("demo-client-1");
        // The operators' list is the tenant grain's: this activates it.
        var list = await _silo.ClientWithKey("demo-operator").GetAsync("/v1/admin/clients");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var address = ClusterAddress.Of([$"127.0.0.1:{_silo.GatewayPort}"], null, "mirage", "mirage");
        using var host = await ClusterConnection.ConnectAsync(address, CancellationToken.None);
        var report = await new ClusterInspector(host.Services.GetRequiredService<IGrainFactory>())
            .SampleAsync(["demo/demo-client-1", "demo/demo-client-2"], ["demo"]);

        var silo = Assert.Single(report.Silos);
        Assert.Equal("Active", silo.Status);
        Assert.True(silo.Reachable, silo.Error);
        Assert.True(report.Complete);
        Assert.True(silo.Activations.GetValueOrDefault("ClientGrain") >= 1, string.Join(", ", silo.Activations));
        Assert.Equal(1, silo.Activations.GetValueOrDefault("TenantGrain"));
        Assert.DoesNotContain("ManagementGrain", silo.Activations.Keys);
        Assert.True(silo.SystemActivations > 0);
        var called = Assert.Single(report.Grains, g => g.Grain == "client demo/demo-client-1");
        Assert.Equal(1, called.Activations);
        Assert.Equal([silo.Silo], called.Silos);
        Assert.Equal(0, Assert.Single(report.Grains, g => g.Grain == "client demo/demo-client-2").Activations);
        Assert.Equal(1, Assert.Single(report.Grains, g => g.Grain == "tenant demo").Activations);
    }

    [Fact]
    public async Task The_command_prints_one_json_sample_with_the_grains_asked_about()
    {
        await PredictAsync("demo-client-3");
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await MirageCommandLine.Build().Parse(
                ["cluster", "status", "--gateway", $"127.0.0.1:{_silo.GatewayPort}", "--client", "demo/demo-client-3", "--json"]).InvokeAsync();
        }
        finally
        {
            Console.SetOut(console);
        }

        Assert.Equal(0, exit);
        using var sample = JsonDocument.Parse(output.ToString());
        Assert.Equal(1, sample.RootElement.GetProperty("silos").GetArrayLength());
        var grain = Assert.Single(sample.RootElement.GetProperty("grains").EnumerateArray());
        Assert.Equal("client demo/demo-client-3", grain.GetProperty("grain").GetString());
        Assert.Equal(1, grain.GetProperty("activations").GetInt32());
    }

    [Theory]
    [InlineData("127.0.0.1", "")]
    [InlineData("127.0.0.1:0", "")]
    [InlineData("", "")]
    public void A_gateway_that_is_not_host_and_port_or_no_address_at_all_is_refused_with_the_fix(string gateway, string storage)
    {
        var thrown = Assert.Throws<ArgumentException>(() =>
            ClusterAddress.Of(gateway.Length == 0 ? [] : [gateway], storage, "mirage", "mirage"));

        Assert.Contains(gateway.Length == 0 ? "--azure-storage" : "HOST:PORT", thrown.Message);
    }

    [Fact]
    public void Grain_types_are_shown_by_their_class_name()
    {
        Assert.Equal("ClientGrain", ClusterInspector.ShortTypeName("Mirage.Grains.Clients.ClientGrain, Mirage.Grains"));
        Assert.Equal("ManagementGrain", ClusterInspector.ShortTypeName("Orleans.Runtime.Management.ManagementGrain"));
    }

    public void Dispose() => _silo.Dispose();

    private async Task PredictAsync(string key)
    {
        var row = string.Join(",", TestVectors.Inputs.Take(TestVectors.Pixels).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var response = await _silo.ClientWithKey(key).PostAsync("/v1/models/fmnist-cnn/predict",
            new StringContent($$"""{"inputs": [[{{row}}]]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
