using Orleans;

namespace Mirage.Silo.Storage.Options;

/// <summary>The check both SQL providers make of their lifecycle stage.</summary>
internal static class GrainStorageStage
{
    /// <summary>Why the stage cannot work, or null: the schema cannot be created before the runtime runs.</summary>
    public static string? Problem(int initStage) => initStage < ServiceLifecycleStage.RuntimeInitialize
        ? $"InitStage {initStage} is before the runtime starts ({ServiceLifecycleStage.RuntimeInitialize})"
        : null;
}
