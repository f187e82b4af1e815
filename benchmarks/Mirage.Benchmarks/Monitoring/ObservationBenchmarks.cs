using BenchmarkDotNet.Attributes;
using Mirage.Grains.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

/// <summary>
/// The per-query cost of a client's observation: project 784 pixels, find the nearest growing-set
/// point of the predicted class, update the distance stream (and every 10th query, the test).
/// The detector is filled to <see cref="GrowingSet"/> points first; the benchmark's queries are
/// near a stored point, so they do not grow the set further.
/// </summary>
[MemoryDiagnoser]
public class ObservationBenchmarks
{
    private const int Classes = 10;
    private PradaDetector _detector = null!;
    private FeatureProjection _projection = null!;
    private float[][] _queries = [];
    private double[] _features = [];
    private int _next;

    [Params(100, 1_000, 4_096)]
    public int GrowingSet { get; set; }

    [Params(64, 128)]
    public int Dimensions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _projection = FeatureProjection.Random(784, Dimensions, 17);
        _features = new double[Dimensions];
        _detector = new PradaDetector(Classes, Dimensions, new PradaOptions { GrowingSetCapacity = GrowingSet });
        var filled = 0;
        var image = new float[784];
        while (_detector.GrowingSetSize < GrowingSet && filled < 50 * GrowingSet)
        {
            // Far-apart points each join the growing set (their distance beats the threshold).
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)(random.NextDouble() * (1 + filled));
            }

            _projection.Project(image, _features);
            _detector.Observe(_features, filled % Classes);
            filled++;
        }

        _queries = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
    }

    [Benchmark]
    public void ObserveOneQuery()
    {
        var query = _queries[_next++ & 63];
        _projection.Project(query, _features);
        _detector.Observe(_features, _next % Classes);
    }
}
