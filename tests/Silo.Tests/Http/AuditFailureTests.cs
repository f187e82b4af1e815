using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mirage.Interfaces.Audit;
using Orleans;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Http;

/// <summary>
/// The rule when the audit log cannot be written: the action has happened, so the operator is told
/// (503) rather than answered 200 unrecorded, the entry is logged, and repeating the request records it.
/// </summary>
public sealed class AuditFailureTests
{
    [Fact]
    public async Task An_action_the_log_cannot_record_is_503_and_logged_and_its_repeat_is_recorded()
    {
        var logs = new LogLines();
        var failing = new FailingAppends { Failing = true };
        using var factory = new SiloFactory();
        using var silo = factory.WithWebHostBuilder(b => b
            .ConfigureLogging(l => l.AddProvider(logs))
            .ConfigureTestServices(s => s.AddSingleton<IIncomingGrainCallFilter>(failing)));
        var operatorClient = silo.CreateClient();
        operatorClient.DefaultRequestHeaders.Authorization = new("Bearer", "demo-operator");
        var block = () => operatorClient.PutAsync("/v1/admin/clients/demo-client-1/override",
            new StringContent("""{"block": true}""", Encoding.UTF8, "application/json"));

        await AssertProblem(await block(), HttpStatusCode.ServiceUnavailable, "The change was made but could not be recorded in the audit log");
        Assert.Contains(logs.Lines, l => l.Contains("Override of client demo-client-1 by demo-operator (operator) took effect but was not recorded", StringComparison.Ordinal));
        var predictor = silo.CreateClient();
        predictor.DefaultRequestHeaders.Authorization = new("Bearer", "demo-client-1");
        Assert.Equal(HttpStatusCode.Forbidden, (await predictor.PostAsync("/v1/models/fmnist-cnn/predict", Body(Rows(0, 1)))).StatusCode);
        Assert.Equal(0, (int)(await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/audit"))!["total"]!);

        failing.Failing = false;
        Assert.Equal(HttpStatusCode.OK, (await block()).StatusCode);
        var entry = (await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/audit"))!["entries"]!.AsArray().Single()!;
        Assert.True((bool)entry["before"]!["override"]!["block"]!);
        Assert.True((bool)entry["after"]!["override"]!["block"]!);
    }

    /// <summary>Fails every audit append while <see cref="Failing"/>, as a store that is down would.</summary>
    private sealed class FailingAppends : IIncomingGrainCallFilter
    {
        public volatile bool Failing;

        public Task Invoke(IIncomingGrainCallContext context) =>
            Failing && context.InterfaceMethod.Name == nameof(IAuditGrain.AppendAsync)
                ? throw new IOException("the store is down")
                : context.Invoke();
    }
}
