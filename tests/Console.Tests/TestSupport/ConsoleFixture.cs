using Microsoft.Playwright;
using Mirage.Silo.Tests.Http;

namespace Mirage.Console.Tests.TestSupport;

/// <summary>
/// One real app on a loopback port (the demo configuration, its own SQLite file) and one headless
/// Chromium, shared by a test class. Each test opens its own browser context, so session storage (the
/// operator's key) never leaks from one test into another.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private HeadlessChromium? _chromium;

    public KestrelSilo Silo { get; } = new();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "console", "index.html")),
            "the console is not built into the silo's output: scripts/setup.sh runs npm ci and its build.");
        _chromium = await HeadlessChromium.LaunchAsync();
    }

    /// <summary>A fresh tab at the console's address.</summary>
    public async Task<IPage> OpenConsoleAsync()
    {
        var page = await _chromium!.OpenAsync(Silo.BaseAddress);
        await page.GotoAsync("/");
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        Silo.Dispose();
    }
}
