using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Mirage.Console.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Mirage.Console.Tests;

/// <summary>
/// The operators' console in real Chromium against the real app: demo's operator signs in, finds the
/// JBDA-style attacker above the benign client, opens it, sees its charts, pins a policy from the page
/// (seen by the admin API too); a wrong key and a client key are refused; acme's operator sees only acme.
/// MIRAGE_SCREENSHOTS=DIR writes the README's two screenshots from the first test's run.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private const string Attacker = "demo-client-1";
    private const string Benign = "demo-client-2";

    [Fact]
    public async Task An_operator_finds_the_attacker_first_opens_it_and_pins_a_policy_from_the_page()
    {
        using var operatorApi = fixture.Silo.Client("demo-operator");
        using var benign = fixture.Silo.Client(Benign);
        using var attacker = fixture.Silo.Client(Attacker);
        await Traffic.BenignAsync(benign, 200);
        await Traffic.AttackUntilAsync(attacker, operatorApi, Attacker, "attack");
        await Traffic.ListedAsync(operatorApi, Attacker, row => (string?)row["levelName"] == "attack");
        await Traffic.ListedAsync(operatorApi, Benign, row => (long)row["queries"]! == 200);

        var page = await fixture.OpenConsoleAsync();
        await SignInAsync(page, "demo-operator");
        await Expect(page.Locator("#who")).ToHaveTextAsync("operator of demo");

        // The table: the attacker first, with its level; the benign client below it, clean.
        var rows = page.Locator("#clients-body tr");
        await Expect(rows.First).ToHaveAttributeAsync("data-client", Attacker);
        await Expect(rows.First.Locator(".level")).ToHaveTextAsync("attack");
        await Expect(page.Locator($"#clients-body tr[data-client='{Benign}'] .level")).ToHaveTextAsync("clean");
        await Expect(page.Locator("#clients-range")).ToHaveTextAsync("1–3 of 3");
        // The server-side filter: flagged only leaves the attacker.
        await page.SelectOptionAsync("#filter-flagged", "true");
        await Expect(rows).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#filter-flagged", "");
        await Expect(rows).ToHaveCountAsync(3);
        await ScreenshotAsync(page, "console-clients.png");

        // One client: its charts have data points (history, W, the distances' histogram).
        await rows.First.Locator("a").ClickAsync();
        await Expect(page.Locator("#client-name")).ToHaveTextAsync(Attacker);
        await Expect(page.Locator("#client-level .level")).ToHaveTextAsync("attack");
        await Expect(page.Locator("#view canvas")).ToHaveCountAsync(3);
        var points = int.Parse(await page.Locator("#view").GetAttributeAsync("data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(points >= 2, $"the history has {points} points");
        var drawn = await page.EvaluateAsync<int[]>(
            "() => ['#chart-suspicion', '#chart-w', '#chart-histogram'].map(id => document.querySelectorAll(id + ' .u-legend .u-series').length)");
        Assert.All(drawn, series => Assert.True(series >= 2, $"series per chart: {string.Join(", ", drawn)}"));
        await Expect(page.Locator("#client-signals")).ToContainTextAsync("PRADA flagged");
        await Expect(page.Locator("#client-utility")).ToContainTextAsync("nats");
        await Expect(page.Locator("#audit-note")).Not.ToBeEmptyAsync();

        // Pin a policy: cancelled first (nothing changes), then confirmed.
        await page.SelectOptionAsync("#pin-method", "reverse_sigmoid");
        await page.FillAsync("#policy-beta", "0.7");
        await page.FillAsync("#policy-gamma", "0.4");
        await page.ClickAsync("#action-pin-policy");
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#action-status")).ToHaveTextAsync("Cancelled.");
        Assert.Null((await Traffic.DetailAsync(operatorApi, Attacker))["override"]);
        await page.ClickAsync("#action-pin-policy");
        await Expect(page.Locator("#confirm-text")).ToContainTextAsync("reverse_sigmoid");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#override-current")).ToContainTextAsync("Pinned policy: reverse_sigmoid (beta 0.7, gamma 0.4)");

        var policy = (await Traffic.DetailAsync(operatorApi, Attacker))["override"]!["policy"]!;
        Assert.Equal("reverse_sigmoid", (string?)policy["method"]);
        Assert.Equal(0.7, (double)policy["beta"]!);
        Assert.Equal(0.4, (double)policy["gamma"]!);
        // The action is in the client's audit trail, read from GET /v1/admin/audit: the cancelled one is not.
        var trail = page.Locator("#audit-body tr");
        await Expect(trail).ToHaveCountAsync(1);
        await Expect(trail.First).ToContainTextAsync("override");
        await Expect(trail.First).ToContainTextAsync("reverse_sigmoid");
        await ScreenshotAsync(page, "console-client.png");

        // The tenant: clients per level and queries per minute drawn, the attacker's flag listed.
        await page.ClickAsync("#nav-tenant");
        await Expect(page.Locator("#tenant-name")).ToHaveTextAsync("Tenant demo");
        await Expect(page.Locator("#view canvas")).ToHaveCountAsync(2);
        await Expect(page.Locator("#flags-last-hour")).ToHaveTextAsync("1");
        await Expect(page.Locator("#flags-body tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#flags-body tr")).ToContainTextAsync(Attacker);
        await Expect(page.Locator("#alerts-body")).ToHaveTextAsync("none");
        await ScreenshotAsync(page, "console-tenant.png");

        // The key lives in this tab's session storage only, and sign-out forgets it.
        Assert.Equal("demo-operator", await page.EvaluateAsync<string>("() => sessionStorage.getItem('mirage.operatorKey')"));
        Assert.DoesNotContain("demo-operator", page.Url, StringComparison.Ordinal);
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#sign-in")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('mirage.operatorKey')"));
    }

    [Theory]
    [InlineData("no-such-key", "This key is not valid")]
    [InlineData("demo-client-3", "This key is not an operator key")]
    [InlineData("demo-admin", "This key is not an operator key")]
    public async Task A_wrong_key_or_role_is_refused_with_a_clear_message(string key, string message)
    {
        var page = await fixture.OpenConsoleAsync();
        await SignInAsync(page, key);
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync(message);
        await Expect(page.Locator("#view")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('mirage.operatorKey')"));
    }

    [Fact]
    public async Task Acmes_operator_never_sees_demos_clients()
    {
        using var demoClient = fixture.Silo.Client("demo-client-3");
        await Traffic.BenignAsync(demoClient, 16);
        using var demoOperator = fixture.Silo.Client("demo-operator");
        await Traffic.ListedAsync(demoOperator, "demo-client-3", row => (long)row["queries"]! == 16);

        var page = await fixture.OpenConsoleAsync();
        await SignInAsync(page, "acme-operator");
        var rows = page.Locator("#clients-body tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-client", "acme-client-1");

        // acme's keys have config/demo.json's quota, and its own client's page says how much is used.
        await page.EvaluateAsync("() => { location.hash = '#/clients/acme-client-1'; }");
        await Expect(page.Locator("#client-facts")).ToContainTextAsync("0 of 100,000 today · 0 of 1,000,000 this month, then label_only");

        // Typing a demo client's name into the address answers as if it did not exist.
        await page.EvaluateAsync("() => { location.hash = '#/clients/demo-client-3'; }");
        await Expect(page.Locator("#view .error")).ToContainTextAsync("Your tenant has no client \"demo-client-3\"");
        await page.EvaluateAsync("() => { location.hash = '#/tenant'; }");
        await Expect(page.Locator("#tenant-name")).ToHaveTextAsync("Tenant acme");
        await Expect(page.Locator("#tenant-clients")).ToHaveTextAsync("1 client");
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.FillAsync("#key", key);
        await page.ClickAsync("#sign-in-form button[type=submit]");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("MIRAGE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            // Data refreshes every few seconds: let the charts settle before the picture.
            await page.WaitForTimeoutAsync(500);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }
}
