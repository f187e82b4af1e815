using System.Collections.Concurrent;

namespace Mirage.Defense.Monitoring;

/// <summary>One fixed feature space per model, shared by every client of the silo (and, by its seed, of the cluster).</summary>
public sealed class FeatureSpaces(SuspicionOptions options)
{
    private readonly ConcurrentDictionary<(string Model, int InputLength), FeatureProjection> _spaces = new();

    public FeatureProjection For(string model, int inputLength) => _spaces.GetOrAdd((model, inputLength), key =>
        options.ProjectionDimensions <= 0 || options.ProjectionDimensions >= key.InputLength
            ? FeatureProjection.Identity(key.InputLength)
            : FeatureProjection.Random(key.InputLength, options.ProjectionDimensions, options.ProjectionSeed));
}
