using BenchmarkDotNet.Attributes;
using Mirage.Defense.Perturbation;
using Mirage.Interfaces.Defense;

namespace Mirage.Benchmarks.Perturbation;

/// <summary>
/// Each perturbation on a batch of posteriors, per call; divide by Rows for the cost per row.
/// The batch is restored from a pristine copy before every call (that copy is in the baseline "none").
/// </summary>
[MemoryDiagnoser]
public class PerturbationBenchmarks
{
    private float[] _pristine = [];
    private float[] _work = [];
    private float[] _surrogate = [];
    private IPerturbation _perturbation = NoPerturbation.Instance;

    [Params(1, 256)]
    public int Rows { get; set; }

    [Params(10, 100)]
    public int Classes { get; set; }

    [Params("none", "rounding", "top_k", "label_only", "gaussian_noise", "reverse_sigmoid", "mad", "mad_argmax")]
    public string Method { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _pristine = Posteriors(random, Rows, Classes);
        _surrogate = Posteriors(random, Rows, Classes);
        _work = new float[_pristine.Length];
        _perturbation = PerturbationCatalog.Create(Method switch
        {
            "rounding" => new PerturbationPolicy { Method = PerturbationMethod.Rounding, Decimals = 3 },
            "top_k" => new PerturbationPolicy { Method = PerturbationMethod.TopK, K = 3 },
            "label_only" => new PerturbationPolicy { Method = PerturbationMethod.LabelOnly },
            "gaussian_noise" => new PerturbationPolicy { Method = PerturbationMethod.GaussianNoise, Scale = 0.2 },
            "reverse_sigmoid" => new PerturbationPolicy { Method = PerturbationMethod.ReverseSigmoid, Beta = 0.5, Gamma = 0.5 },
            "mad" => new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1, Argmax = false },
            "mad_argmax" => new PerturbationPolicy { Method = PerturbationMethod.Mad, Epsilon = 1, Argmax = true },
            _ => PerturbationPolicy.None,
        });
    }

    [Benchmark]
    public void Apply()
    {
        _pristine.CopyTo(_work, 0);
        _perturbation.Apply(_work, Classes, new PerturbationInputs(_surrogate, 42));
    }

    private static float[] Posteriors(Random random, int rows, int classes)
    {
        var values = new float[rows * classes];
        for (var r = 0; r < rows; r++)
        {
            var sum = 0.0;
            for (var k = 0; k < classes; k++)
            {
                values[r * classes + k] = (float)Math.Pow(random.NextDouble(), 4);
                sum += values[r * classes + k];
            }

            for (var k = 0; k < classes; k++)
            {
                values[r * classes + k] = (float)(values[r * classes + k] / sum);
            }
        }

        return values;
    }
}
