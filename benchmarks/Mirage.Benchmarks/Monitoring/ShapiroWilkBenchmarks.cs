using BenchmarkDotNet.Attributes;
using Mirage.Defense.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

/// <summary>
/// Shapiro-Wilk on an unsorted sample (copy and sort included), and on a sorted one as PRADA calls it
/// (its pool is kept sorted as distances arrive).
/// </summary>
[MemoryDiagnoser]
public class ShapiroWilkBenchmarks
{
    private double[] _sample = [];
    private double[] _sorted = [];

    [Params(100, 1_000, 5_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _sample = Enumerable.Range(0, N).Select(_ => random.NextDouble() + random.NextDouble() + random.NextDouble()).ToArray();
        _sorted = [.. _sample.Order()];
    }

    [Benchmark]
    public double Test() => ShapiroWilk.Test(_sample).W;

    [Benchmark]
    public double TestSorted() => ShapiroWilk.TestSorted(_sorted).W;
}
