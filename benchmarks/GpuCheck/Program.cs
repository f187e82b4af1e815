using System.Diagnostics;
using Mirage.Inference;
using Mirage.Inference.Onnx;

namespace Mirage.GpuCheck;

/// <summary>
/// Runs the victim on CUDA, compares it with PyTorch's exported vectors (max abs difference at most
/// 1e-4: GPU kernels round differently from the CPU's) and prints rows/s on CUDA and CPU side by side.
/// Exit codes: 0 pass, 1 the answers differ, 3 CUDA is unavailable (the reason is printed).
/// </summary>
public static class GpuCheckProgram
{
    private const double Tolerance = 1e-4;
    private static readonly int[] Batches = [1, 64, 256];

    public static int Main(string[] args)
    {
        var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
        var models = Path.Combine(root, "models");
        var vectors = Path.Combine(models, "testvectors");
        IInferenceModel cuda;
        try
        {
            cuda = Open(InferenceDevice.Cuda, models);
        }
        catch (InferenceDeviceUnavailableException ex)
        {
            Console.Error.WriteLine($"gpu-check: {ex.Message}");
            return 3;
        }

        using (cuda)
        using (var cpu = Open(InferenceDevice.Cpu, models))
        {
            var inputs = ReadFloats(Path.Combine(vectors, "fmnist-cnn.inputs.f32"));
            var rows = inputs.Length / cuda.InputLength;
            var probabilities = new float[rows * cuda.Classes];
            var embedding = new float[rows * cuda.EmbeddingLength];
            cuda.Run(inputs, rows, probabilities, embedding);
            var probabilityError = MaxAbsDifference(ReadFloats(Path.Combine(vectors, "fmnist-cnn.probs.f32")), probabilities);
            var embeddingError = MaxAbsDifference(ReadFloats(Path.Combine(vectors, "fmnist-cnn.embedding.f32")), embedding);
            Console.WriteLine($"CUDA against PyTorch on {rows} vectors: max abs difference {probabilityError:E2} (probabilities), {embeddingError:E2} (embedding); tolerance {Tolerance:E0}");

            Console.WriteLine("| batch | CUDA rows/s | CPU rows/s (1 intra-op thread) |");
            Console.WriteLine("|---|---|---|");
            foreach (var batch in Batches)
            {
                Console.WriteLine($"| {batch} | {RowsPerSecond(cuda, inputs, batch):F0} | {RowsPerSecond(cpu, inputs, batch):F0} |");
            }

            var pass = probabilityError <= Tolerance && embeddingError <= Tolerance;
            Console.WriteLine(pass ? "gpu-check: passed" : "gpu-check: FAILED (CUDA's answers differ from PyTorch's)");
            return pass ? 0 : 1;
        }
    }

    private static OnnxInferenceModel Open(InferenceDevice device, string models) =>
        new OnnxModelLoader(new InferenceOptions { Device = device, IntraOpThreads = 1 })
            .Open(Path.Combine(models, "fmnist-cnn.onnx"), "probs", "embedding");

    // Batches built from the exported images, repeated; about two seconds of runs after a warm-up.
    private static double RowsPerSecond(IInferenceModel model, float[] images, int batch)
    {
        var inputs = new float[batch * model.InputLength];
        for (var offset = 0; offset < inputs.Length; offset += images.Length)
        {
            images.AsSpan(0, Math.Min(images.Length, inputs.Length - offset)).CopyTo(inputs.AsSpan(offset));
        }

        var probabilities = new float[batch * model.Classes];
        for (var i = 0; i < 5; i++)
        {
            model.Run(inputs, batch, probabilities, default);
        }

        var clock = Stopwatch.StartNew();
        var runs = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            model.Run(inputs, batch, probabilities, default);
            runs++;
        }

        return runs * batch / clock.Elapsed.TotalSeconds;
    }

    private static double MaxAbsDifference(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new InvalidDataException($"{expected.Length} expected values against {actual.Length}.");
        }

        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(float));
        return values;
    }
}
