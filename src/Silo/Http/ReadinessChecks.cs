using Mirage.Inference;

namespace Mirage.Silo.Http;

/// <summary>What must hold before the silo takes traffic: models loaded, storage reachable.</summary>
public sealed class ReadinessChecks(ModelCatalog catalog, IEnumerable<IReadinessCheck> checks)
{
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!catalog.All.Any())
        {
            problems.Add("no model is loaded");
        }

        foreach (var check in checks)
        {
            if (await check.ProblemAsync(cancellationToken) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }
}

/// <summary>A dependency that can make the silo unready (storage, for one).</summary>
public interface IReadinessCheck
{
    /// <summary>Null when fine; otherwise what is wrong.</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);
}
