using Microsoft.Playwright;
using Mirage.Silo.Tests.Http;

namespace Mirage.Console.Tests.TestSupport;

/// <summary>
/// One real app on a loopback port (the demo configuration, its own SQLite file) and one headless
/// Debian Chromium driven by Playwright, shared by a test class. Each test opens its own browser context,
/// so session storage (the operator's key) never leaks from one test into another.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's browser; Playwright never downloads one here.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public KestrelSilo Silo { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/setup.sh installs Debian's chromium package.");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "console", "index.html")),
            "the console is not built into the silo's output: scripts/setup.sh runs npm ci and its build.");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The machine's network is closed: nothing in the background may try to reach out.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh tab of its own context, at the console's address, 1280 px wide.</summary>
    public async Task<IPage> OpenConsoleAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Silo.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Silo.Dispose();
    }
}
