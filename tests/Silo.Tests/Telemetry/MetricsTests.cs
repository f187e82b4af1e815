using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Mirage.Grains.Tenants;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Telemetry;

/// <summary>/metrics: OpenTelemetry's Prometheus exporter over Mirage's meter, ASP.NET Core's and Orleans'.</summary>
public sealed class MetricsTests : IDisposable
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";
    private static readonly (string, string) Model = ("model", "fmnist-cnn");

    // Its own silo, so no other test's predictions land in the counts; the client levels refresh quickly.
    private readonly SiloFactory _silo = new SiloFactory().With("Mirage:Telemetry:ClientLevelsRefresh", "00:00:00.200");

    public void Dispose() => _silo.Dispose();

    [Fact]
    public async Task A_scrape_after_predictions_counts_requests_runs_rows_and_fills_the_histograms()
    {
        var before = await ScrapeAsync();
        var client = _silo.ClientWithKey("demo-client-1");
        // One request at a time: each is its own model run, so runs and batch sizes are known exactly.
        foreach (var rows in new[] { 1, 2, 5 })
        {
            (await client.PostAsync(Predict, Body(Rows(0, rows)))).EnsureSuccessStatusCode();
        }

        var after = await ScrapeAsync();

        Assert.Equal(3, Delta(before, after, "mirage_inference_requests_total", Model));
        Assert.Equal(3, Delta(before, after, "mirage_inference_runs_total", Model));
        Assert.Equal(8, Delta(before, after, "mirage_inference_rows_total", Model));
        Assert.Equal(0, after.Value("mirage_inference_invalid_outputs_total", Model));
        Assert.Equal(0, after.Value("mirage_inference_abandoned_total", Model));
        Assert.Equal(0, after.Value("mirage_observations_refused_total"));
        Assert.Equal(1, after.Value("mirage_model_device", Model, ("device", "cpu")));

        Assert.Equal(3, Delta(before, after, "mirage_inference_run_duration_seconds_count", Model));
        Assert.True(Delta(before, after, "mirage_inference_run_duration_seconds_sum", Model) > 0);
        Assert.Equal(3, Delta(before, after, "mirage_inference_batch_rows_count", Model));
        Assert.Equal(8, Delta(before, after, "mirage_inference_batch_rows_sum", Model));
        // Batch sizes 1, 2 and 5: two of them fit in the bucket up to 2 rows, all three in the one up to 8.
        Assert.Equal(2, Delta(before, after, "mirage_inference_batch_rows_bucket", Model, ("le", "2")));
        Assert.Equal(3, Delta(before, after, "mirage_inference_batch_rows_bucket", Model, ("le", "8")));

        var predictRoute = ("http_route", "/v1/models/{model}/predict");
        Assert.Equal(3, after.Sum("http_server_request_duration_seconds_count", predictRoute, ("http_response_status_code", "200")));
        Assert.Contains(after.Names, name => name.StartsWith("orleans_app_requests_latency", StringComparison.Ordinal));
        // Orleans' per-message instruments are left out unless asked for (Mirage:Telemetry:OrleansPerMessageInstruments).
        Assert.DoesNotContain(after.Names, name => name.StartsWith("orleans_messaging_", StringComparison.Ordinal)
            || name.StartsWith("orleans_directory_lookups_", StringComparison.Ordinal));
        // The counters are the exporter's now, with no copy of the hand-written ones beside them.
        Assert.Single(after.Text.Split('\n'), line => line.StartsWith("# TYPE mirage_inference_requests_total ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Clients_per_level_come_from_the_tenants_read_models()
    {
        var configured = _silo.Services.GetRequiredService<IConfiguredClients>();

        // Clients that never queried are listed as clean (level 0), so every configured client is counted.
        var scrape = await WaitForAsync(s => s.Sum("mirage_clients") == configured.ClientsOf("demo").Count + configured.ClientsOf("acme").Count);

        Assert.Equal(configured.ClientsOf("demo").Count,
            scrape.Value("mirage_clients", ("tenant", "demo"), ("level", "0"), ("level_name", "clean")));
        Assert.Equal(configured.ClientsOf("acme").Count, scrape.Sum("mirage_clients", ("tenant", "acme")));
    }

    [Fact]
    public async Task Mirage_telemetry_meters_keeps_only_the_meters_it_names()
    {
        using var mirageOnly = new SiloFactory().With("Mirage:Telemetry:Meters:0", "Mirage");
        (await mirageOnly.ClientWithKey("demo-client-1").PostAsync(Predict, Body(Rows(0, 1)))).EnsureSuccessStatusCode();

        var scrape = new PrometheusScrape(await mirageOnly.ClientWithKey("demo-admin").GetStringAsync("/metrics"));

        Assert.Equal(1, scrape.Value("mirage_inference_requests_total", Model));
        Assert.DoesNotContain(scrape.Names, name => name.StartsWith("orleans_", StringComparison.Ordinal)
            || name.StartsWith("http_server_", StringComparison.Ordinal) || name.StartsWith("kestrel_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Orleans_per_message_instruments_are_exported_when_asked_for()
    {
        using var perMessage = new SiloFactory().With("Mirage:Telemetry:OrleansPerMessageInstruments", "true");
        (await perMessage.ClientWithKey("demo-client-1").PostAsync(Predict, Body(Rows(0, 1)))).EnsureSuccessStatusCode();

        var scrape = new PrometheusScrape(await perMessage.ClientWithKey("demo-admin").GetStringAsync("/metrics"));

        Assert.Contains(scrape.Names, name => name.StartsWith("orleans_messaging_sent_local", StringComparison.Ordinal));
        Assert.Contains(scrape.Names, name => name.StartsWith("orleans_directory_lookups_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("demo-client-1", HttpStatusCode.Forbidden)]
    [InlineData("demo-operator", HttpStatusCode.Forbidden)]
    public async Task Only_admin_keys_read_the_metrics(string? key, HttpStatusCode status)
    {
        var response = await _silo.ClientWithKey(key).GetAsync("/metrics");

        Assert.Equal(status, response.StatusCode);
        Assert.DoesNotContain("mirage_", await response.Content.ReadAsStringAsync());
    }

    private async Task<PrometheusScrape> ScrapeAsync()
    {
        var response = await _silo.ClientWithKey("demo-admin").GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new PrometheusScrape(await response.Content.ReadAsStringAsync());
    }

    private async Task<PrometheusScrape> WaitForAsync(Func<PrometheusScrape, bool> condition)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var scrape = await ScrapeAsync();
            if (condition(scrape))
            {
                return scrape;
            }

            await Task.Delay(100);
        }

        var last = await ScrapeAsync();
        Assert.True(condition(last), $"the condition did not hold within 10 s:\n{last.Text}");
        return last;
    }

    private static double Delta(PrometheusScrape before, PrometheusScrape after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
