using BenchmarkDotNet.Attributes;
using Mirage.Inference;
using Mirage.Inference.Onnx;

namespace Mirage.Benchmarks.Inference;

/// <summary>
/// One ONNX Runtime run of the real victim (models/fmnist-cnn.onnx), per call; divide by Batch for the
/// cost per image. One intra-op thread, as the inference pool configures it.
/// </summary>
[MemoryDiagnoser]
public class OnnxRunBenchmarks
{
    private const string Model = "fmnist-cnn";

    private IInferenceModel? _model;
    private float[] _inputs = [];
    private float[] _probabilities = [];
    private float[] _embedding = [];

    [Params(1, 64, 256)]
    public int Batch { get; set; }

    /// <summary>Also fetch the 128-value embedding (the monitors' feature space) or only probabilities.</summary>
    [Params(false, true)]
    public bool Embedding { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var models = Path.Combine(RepositoryRoot(), "models");
        var path = Path.Combine(models, $"{Model}.onnx");
        _model = new OnnxModelLoader(new InferenceOptions { Device = InferenceDevice.Cpu, IntraOpThreads = 1 }).Open(path, "probs", "embedding");

        // Real Fashion-MNIST test images rather than noise: the first Batch of the exported test vectors.
        var bytes = File.ReadAllBytes(Path.Combine(models, "testvectors", $"{Model}.inputs.f32"));
        var vectors = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, vectors, 0, bytes.Length);
        _inputs = vectors[..(Batch * _model.InputLength)];
        _probabilities = new float[Batch * _model.Classes];
        _embedding = Embedding ? new float[Batch * _model.EmbeddingLength] : [];
    }

    [Benchmark]
    public void Run() => _model!.Run(_inputs, Batch, _probabilities, _embedding);

    [GlobalCleanup]
    public void Cleanup() => _model?.Dispose();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orleans.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
