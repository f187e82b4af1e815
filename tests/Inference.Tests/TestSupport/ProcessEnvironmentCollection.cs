namespace Mirage.Inference.Tests.TestSupport;

/// <summary>Tests that change process-wide state (environment variables) run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
