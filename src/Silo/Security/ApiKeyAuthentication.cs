using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Mirage.Silo.Security;

/// <summary>
/// The one authentication handler: "Authorization: Bearer KEY" against the configured keys. No key is
/// no result (the endpoint's policy answers 401); an unknown key is a failed sign-in, logged with its
/// source and never the key, and slowed per source by <see cref="SignInThrottle"/>.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyDirectory keys,
    SignInThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>
    /// The failed sign-ins' own log category. The handler's category (its type name) also carries the
    /// base class's "was not authenticated" line per request, which SecurityHosting filters to warnings.
    /// </summary>
    public const string SignInLog = "Mirage.Security.SignIn";

    private readonly ILogger _signIns = loggerFactory.CreateLogger(SignInLog);

    private static readonly Task<AuthenticateResult> NoKey = Task.FromResult(AuthenticateResult.NoResult());

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ApiKeyDirectory.BearerKey(Request.Headers.Authorization.ToString());
        if (key.IsEmpty)
        {
            return NoKey;
        }

        if (keys.TryAuthenticate(key, out var user) is not null)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(user!, SchemeName)));
        }

        return FailedSignInAsync();
    }

    private async Task<AuthenticateResult> FailedSignInAsync()
    {
        var source = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var (failures, delay) = throttle.RecordFailure(source);
        if (SignInThrottle.ShouldLog(failures))
        {
            // The path is the caller's text: cut short, so a guesser cannot fill the log with it.
            var path = Request.Path.Value ?? "";
            _signIns.LogWarning("Failed sign-in (unknown API key) from {Source} on {Method} {Path}: failure {Failures} of this source in the window, answered after {DelayMs} ms",
                source, Request.Method, path.Length > 100 ? path[..100] + "..." : path, failures, (int)delay.TotalMilliseconds);
        }

        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, TimeProvider.System, Context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The guesser hung up; the answer is a 401 nobody reads.
            }
        }

        return AuthenticateResult.Fail("Unknown API key.");
    }
}
