using Microsoft.AspNetCore.Diagnostics;

namespace Mirage.Silo.Http;

/// <summary>
/// A grain call that still failed when <see cref="GrainCallResilience"/>'s bound ran out answers 503 with
/// Retry-After (not 500): the cluster is reorganizing, the request did nothing, and nginx may send it to the
/// next silo (proxy_next_upstream http_503).
/// </summary>
internal sealed class GrainCallsUnavailableHandler(ILogger<GrainCallsUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!GrainCallResilience.GaveUp(exception))
        {
            return false;
        }

        logger.LogWarning("{Path}: grain calls kept failing until the retry bound ({Error}: {Message})",
            httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.Headers.RetryAfter = "1";
        await new ApiError(StatusCodes.Status503ServiceUnavailable, "Service busy",
            "The cluster is moving this client's state to another server; retry after the Retry-After delay.")
            .ToResult().ExecuteAsync(httpContext);
        return true;
    }
}
