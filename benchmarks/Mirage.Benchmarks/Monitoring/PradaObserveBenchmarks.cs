using BenchmarkDotNet.Attributes;
using Mirage.Defense.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

/// <summary>
/// One query through PRADA as a client grain runs it: project 784 pixels to 64 dimensions, then observe.
/// The query's class holds GrowingSetSize points (the worst case for that many points in all: every one in
/// the class being searched); the nine other classes have full distance windows, so every 10th query pays
/// for a Shapiro-Wilk test over about 4,000 pooled distances, amortised here over the 10 (TestEvery = 10);
/// TestEvery = 1,000,000 leaves the tests out, to show the nearest-point search alone.
/// </summary>
[MemoryDiagnoser]
public class PradaObserveBenchmarks
{
    private const int InputLength = 784;
    private const int Dimensions = 64;
    private const int Classes = 10;

    private readonly float[][] _inputs = new float[1024][];
    private readonly float[] _features = new float[Dimensions];
    private FeatureProjection _projection = FeatureProjection.Identity(1);
    private PradaDetector _detector = new(1, 1, new PradaOptions());
    private int _next;

    [Params(100, 1_000, 4_096)]
    public int GrowingSetSize { get; set; }

    [Params(10, 1_000_000)]
    public int TestEvery { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        for (var i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = Enumerable.Range(0, InputLength).Select(_ => (float)random.NextDouble()).ToArray();
        }

        _projection = FeatureProjection.Random(InputLength, Dimensions, seed: 17);
        _detector = new PradaDetector(Classes, Dimensions, new PradaOptions { GrowingSetCapacity = Classes * GrowingSetSize, TestEvery = TestEvery });
        for (var c = 1; c < Classes; c++)
        {
            for (var q = 0; q < 401; q++)
            {
                ObserveNext(c);
            }
        }

        // Fresh inputs until the class is full (a repeated input is at distance 0 and never joins).
        var others = _detector.GrowingSetSize;
        var fresh = new float[InputLength];
        for (var q = 0; q < 1_000_000 && _detector.GrowingSetSize - others < GrowingSetSize; q++)
        {
            for (var i = 0; i < fresh.Length; i++)
            {
                fresh[i] = (float)random.NextDouble();
            }

            _projection.Project(fresh, _features);
            _detector.Observe(_features, 0);
        }

        if (_detector.GrowingSetSize - others != GrowingSetSize)
        {
            throw new InvalidOperationException($"Class 0 holds {_detector.GrowingSetSize - others} points, not {GrowingSetSize}.");
        }

        // The tests the rows with TestEvery = 10 pay for must really run over the full pool.
        for (var q = 0; q < 10; q++)
        {
            ObserveNext(0);
        }

        if (TestEvery == 10 && _detector.Samples < 3_500)
        {
            throw new InvalidOperationException($"The pooled test saw {_detector.Samples} distances, not about 4,000.");
        }
    }

    [Benchmark]
    public double? ProjectAndObserve() => ObserveNext(0);

    private double? ObserveNext(int predictedClass)
    {
        _projection.Project(_inputs[_next++ & (_inputs.Length - 1)], _features);
        return _detector.Observe(_features, predictedClass);
    }
}
