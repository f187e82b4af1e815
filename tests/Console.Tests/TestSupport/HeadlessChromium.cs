using Microsoft.Playwright;

namespace Mirage.Console.Tests.TestSupport;

/// <summary>Debian's Chromium (never a downloaded browser), headless, driven by Playwright's bundled driver.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser) => (_playwright, Browser) = (playwright, browser);

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: scripts/setup.sh installs Debian's chromium package.");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // The machine's network is closed: nothing in the background may try to reach out.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A tab of a fresh context (its own session storage) on the given app, 1280 px wide.</summary>
    public async Task<IPage> OpenAsync(Uri app, string? signedInWith = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
        });
        context.SetDefaultTimeout(15_000);
        if (signedInWith is not null)
        {
            // As if this tab had signed in before: the key is in its session storage when the page loads.
            await context.AddInitScriptAsync($"sessionStorage.setItem('mirage.operatorKey', '{signedInWith}')");
        }

        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
