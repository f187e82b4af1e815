namespace Mirage.Client.Api;

/// <summary>The service refused a call; <see cref="Problem"/> says why and what to fix.</summary>
public sealed class MirageApiException(ApiProblem problem, TimeSpan? retryAfter)
    : Exception($"{problem.Status} {problem.Title}: {problem.Detail}")
{
    public ApiProblem Problem { get; } = problem;

    /// <summary>Set on 429 and 503: how long the service asks the caller to wait.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
