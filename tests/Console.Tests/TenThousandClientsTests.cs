using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mirage.Console.Tests.TestSupport;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Mirage.Silo.Tests.Http;
using Mirage.Silo.Tests.TestSupport;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Mirage.Console.Tests;

/// <summary>
/// A tenant of 10,000 configured clients, each reported to the tenant grain as its client grain would
/// (ITenantGrain.ReportAsync): the list pages, filters and the console's table stay right at that size.
/// With MIRAGE_MEASURE=ROUNDS it also times them (medians, written to the test output; docs/PERFORMANCE.md
/// has the numbers and the command). No assertion is on time.
/// </summary>
public sealed class TenThousandClientsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 10_000;
    private static readonly string[] Names = Enumerable.Range(0, Clients).Select(i => $"c{i:D5}").ToArray();

    private readonly int _rounds = int.TryParse(Environment.GetEnvironmentVariable("MIRAGE_MEASURE"), out var rounds) ? rounds : 1;
    private KestrelSilo _silo = null!;
    private HeadlessChromium? _chromium;
    private int _flagged;

    public async Task InitializeAsync()
    {
        _silo = KestrelSilo.With([.. KestrelSilo.Unthrottled, ("config", TestConfiguration.Write("bench", Names))]);
        var tenant = _silo.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<ITenantGrain>("bench");
        var random = new Random(16);
        var now = DateTimeOffset.UtcNow;
        foreach (var name in Names)
        {
            var suspicion = random.NextDouble();
            var level = suspicion switch { > 0.97 => 3, > 0.9 => 2, > 0.8 => 1, _ => 0 };
            _flagged += level > 0 ? 1 : 0;
            await tenant.ReportAsync(new ClientSummary
            {
                Tenant = "bench", Client = name, Suspicion = suspicion, Level = level, LevelName = level.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Queries = random.Next(1, 100_000), Flagged = level > 0, LastSeen = now.AddSeconds(-random.Next(3600)),
                FlaggedSince = level > 0 ? now.AddMinutes(-random.Next(60)) : null,
            });
        }

        // One-way reports: wait until the read model has them all.
        using var api = _silo.Client(TestConfiguration.OperatorKey);
        for (var i = 0; i < 200 && await Total(api, "?flagged=true") != _flagged; i++)
        {
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_list_pages_and_filters_10000_clients_server_side()
    {
        using var api = _silo.Client(TestConfiguration.OperatorKey);
        Assert.Equal(Clients, await Total(api, ""));
        Assert.Equal(_flagged, await Total(api, "?flagged=true"));
        Assert.Equal(Clients - _flagged, await Total(api, "?level=0"));

        // Pages of the whole list never overlap and go down in suspicion.
        var seen = new HashSet<string>();
        var last = double.MaxValue;
        for (var offset = 0; offset < 500; offset += 50)
        {
            foreach (var row in await Page(api, $"?sort=suspicion&limit=50&offset={offset}"))
            {
                Assert.True(seen.Add((string)row!["client"]!));
                Assert.True((double)row["suspicion"]! <= last);
                last = (double)row["suspicion"]!;
            }
        }

        Assert.All(await Page(api, "?level=3&limit=50"), row => Assert.Equal(3, (int)row!["level"]!));

        foreach (var query in new[] { "?sort=suspicion&limit=50", "?sort=suspicion&limit=50&flagged=true", "?sort=lastSeen&limit=50&level=0&offset=5000" })
        {
            await Measure($"GET /v1/admin/clients{query}", () => Timed(() => Page(api, query)));
        }
    }

    [Fact]
    public async Task The_consoles_table_renders_the_first_50_of_10000_and_filters_them()
    {
        _chromium = await HeadlessChromium.LaunchAsync();
        var page = await _chromium.OpenAsync(_silo.BaseAddress, signedInWith: TestConfiguration.OperatorKey);
        var rows = page.Locator("#clients-body tr");

        // Navigation start to the table's rows in the DOM, as the page itself timed it (clients.js stamps
        // data-loaded after each render), so Playwright's polling does not count.
        await Measure("page load (navigation start) to 50 rows rendered", async () =>
        {
            await page.GotoAsync("/");
            await Expect(rows).ToHaveCountAsync(50);
            return await page.EvaluateAsync<double>("() => Number(document.getElementById('view').dataset.loaded) - performance.timeOrigin");
        });
        var range = page.Locator("#clients-range");
        await Expect(range).ToHaveTextAsync("1–50 of 10,000");

        var all = "1–50 of 10,000";
        var flaggedOnly = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"1–50 of {_flagged:N0}");
        var showingFlagged = false;
        await Measure("filter changed (flagged only / every client) to the new rows rendered", async () =>
        {
            showingFlagged = !showingFlagged;
            var started = await page.EvaluateAsync<double>("() => Date.now()");
            await page.SelectOptionAsync("#filter-flagged", showingFlagged ? "true" : "");
            await Expect(range).ToHaveTextAsync(showingFlagged ? flaggedOnly : all);
            return await page.EvaluateAsync<double>("() => Number(document.getElementById('view').dataset.loaded)") - started;
        });

        if (!showingFlagged)
        {
            await page.SelectOptionAsync("#filter-flagged", "true");
            await Expect(range).ToHaveTextAsync(flaggedOnly);
        }

        await Expect(rows).ToHaveCountAsync(50);
        await Expect(rows.First.Locator(".level")).ToHaveTextAsync("3");
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        _silo.Dispose();
    }

    /// <summary>Runs the action MIRAGE_MEASURE times (once by default); each answers its own time in ms, or is timed here.</summary>
    private async Task Measure(string what, Func<Task<double>> action)
    {
        var times = new List<double>();
        for (var round = 0; round < _rounds; round++)
        {
            times.Add(await action());
        }

        times.Sort();
        output.WriteLine($"{what}: median {times[times.Count / 2]:F1} ms, p90 {times[(int)(times.Count * 0.9)]:F1} ms, max {times[^1]:F1} ms over {times.Count}");
    }

    private static async Task<double> Timed(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<JsonArray> Page(HttpClient api, string query) =>
        (await api.GetFromJsonAsync<JsonObject>("/v1/admin/clients" + query))!["clients"]!.AsArray();

    private static async Task<int> Total(HttpClient api, string query) =>
        (int)(await api.GetFromJsonAsync<JsonObject>("/v1/admin/clients" + query))!["total"]!;
}
