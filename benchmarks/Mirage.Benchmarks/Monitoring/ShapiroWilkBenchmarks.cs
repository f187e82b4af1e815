using BenchmarkDotNet.Attributes;
using Mirage.Grains.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

[MemoryDiagnoser]
public class ShapiroWilkBenchmarks
{
    private double[] _sample = [];

    [Params(100, 1_000, 5_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _sample = Enumerable.Range(0, N).Select(_ => random.NextDouble() + random.NextDouble() + random.NextDouble()).ToArray();
    }

    [Benchmark]
    public double Test() => ShapiroWilk.Test(_sample).W;
}
