using System.Buffers;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Mirage.Inference;
using Mirage.Silo.Http;

namespace Mirage.Benchmarks.Http;

/// <summary>
/// One predict body of the victim's shape (784 values a row) parsed into floats: the plain form, which
/// <see cref="PlainInputsReader"/> reads, against the same rows behind another property, which only the JSON
/// reader reads. Numbers as the HTTP benchmark's bodies write them (4 decimals) and as the lab's client does
/// (7 significant digits).
/// </summary>
[MemoryDiagnoser]
public class PredictRequestParserBenchmarks
{
    private static readonly PredictRequestParser.Target Target = new("fmnist-cnn", 784, "[1, 28, 28]", 256, new InputRange(0, 1));

    private byte[] _plain = [];
    private byte[] _viaReader = [];

    [Params(1, 64)]
    public int Rows { get; set; }

    [Params("4 decimals", "7 digits")]
    public string Spelling { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, Rows).Select(_ => "[" + string.Join(",", Enumerable.Range(0, 784).Select(_ => Spell(random))) + "]");
        var inputs = "\"inputs\":[" + string.Join(",", rows) + "]";
        _plain = Encoding.UTF8.GetBytes("{" + inputs + "}");
        _viaReader = Encoding.UTF8.GetBytes("{\"note\":\"x\"," + inputs + "}");
    }

    [Benchmark(Baseline = true)]
    public int JsonReader() => Parse(_viaReader);

    [Benchmark]
    public int Plain() => Parse(_plain);

    private static int Parse(byte[] body)
    {
        if (!PredictRequestParser.TryParse(body, Target, out var inputs, out var rows, out _))
        {
            throw new InvalidOperationException("the body did not parse");
        }

        ArrayPool<float>.Shared.Return(inputs);
        return rows;
    }

    // Fashion-MNIST pixels: most are 0, the rest in (0, 1].
    private string Spell(Random random)
    {
        if (random.NextDouble() < 0.5)
        {
            return "0.0";
        }

        var pixel = random.Next(1, 256) / 255.0;
        return Spelling == "4 decimals"
            ? Math.Round(pixel, 4).ToString(CultureInfo.InvariantCulture)
            : pixel.ToString("G7", CultureInfo.InvariantCulture);
    }
}
