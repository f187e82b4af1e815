using BenchmarkDotNet.Attributes;
using Mirage.Grains.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

/// <summary>Shapiro-Wilk W and p of a normal sample (sort, coefficients, statistic), per test.</summary>
[MemoryDiagnoser]
public class ShapiroWilkBenchmarks
{
    private double[] _sample = [];

    [Params(100, 1_000, 5_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _sample = Enumerable.Range(0, N)
            .Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))
            .ToArray();
    }

    [Benchmark]
    public ShapiroWilk.Result Test() => ShapiroWilk.Test(_sample);
}
