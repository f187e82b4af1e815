using BenchmarkDotNet.Attributes;
using Mirage.Defense.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

/// <summary>The random projection alone (784 pixels to 64 or 128 dimensions), to split PRADA's per-query cost.</summary>
public class ProjectionBenchmarks
{
    private readonly float[] _input = new float[784];
    private float[] _features = [];
    private FeatureProjection _projection = FeatureProjection.Identity(1);

    [Params(64, 128)]
    public int Dimensions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        for (var i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)random.NextDouble();
        }

        _projection = FeatureProjection.Random(_input.Length, Dimensions, seed: 17);
        _features = new float[Dimensions];
    }

    [Benchmark]
    public void Project() => _projection.Project(_input, _features);
}
