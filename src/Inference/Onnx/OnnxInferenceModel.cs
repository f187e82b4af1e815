using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Mirage.Inference.Onnx;

/// <summary>
/// A classifier served from an ONNX Runtime <see cref="InferenceSession"/>: one float input
/// [batch, fixed dims...], a probabilities output and optionally an embedding. It owns the session (also
/// when the constructor refuses it). Run is thread-safe and safe against a concurrent Dispose, which
/// lets runs in flight finish. Inputs and outputs are the caller's memory, pinned for the run and
/// wrapped as <see cref="OrtValue"/>s: ORT reads and writes them in place, nothing is copied.
/// </summary>
public sealed unsafe class OnnxInferenceModel : IInferenceModel
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly RunGate _gate = new();
    private readonly string[] _inputName;
    private readonly string[] _probabilitiesOnly;
    private readonly string[] _both;

    // The model's shapes; the batch dimension is set per run on a per-thread copy (see RunScratch).
    private readonly long[] _inputShape;
    private readonly long[] _probabilitiesShape;
    private readonly long[] _embeddingShape;

    /// <param name="device">Where the session runs ("cpu" or "cuda"), for logs and metrics.</param>
    /// <param name="inputName">The input the manifest names; null accepts the model's only input whatever its name.</param>
    public OnnxInferenceModel(
        InferenceSession session, string modelPath, string device, string probabilitiesOutput, string? embeddingOutput, string? inputName = null)
    {
        _session = session;
        ModelPath = modelPath;
        Device = device;
        try
        {
            var input = RequireSingleInput(inputName);
            _inputName = [input];
            _inputShape = BatchedFloatShape(input, session.InputMetadata[input]);
            _probabilitiesShape = BatchedFloatShape(probabilitiesOutput, Output(probabilitiesOutput));
            _probabilitiesOnly = [probabilitiesOutput];
            _embeddingShape = embeddingOutput is null ? [] : BatchedFloatShape(embeddingOutput, Output(embeddingOutput));
            _both = embeddingOutput is null ? _probabilitiesOnly : [probabilitiesOutput, embeddingOutput];
            InputLength = ItemLength(_inputShape);
            Classes = ItemLength(_probabilitiesShape);
            EmbeddingLength = embeddingOutput is null ? 0 : ItemLength(_embeddingShape);
        }
        catch
        {
            _runOptions.Dispose();
            session.Dispose();
            throw;
        }
    }

    public string ModelPath { get; }

    /// <summary>"cpu", or "cuda" when the session has the CUDA execution provider.</summary>
    public string Device { get; }

    public int InputLength { get; }

    public int Classes { get; }

    public int EmbeddingLength { get; }

    public void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (inputs.Length != batchSize * InputLength)
        {
            throw new ArgumentException(
                $"A batch of {batchSize} needs {batchSize * InputLength} input values ({InputLength} each); got {inputs.Length}.", nameof(inputs));
        }

        var withEmbedding = !embedding.IsEmpty && EmbeddingLength > 0;
        CheckDestination(_probabilitiesOnly[0], batchSize * Classes, probabilities, nameof(probabilities));
        if (withEmbedding)
        {
            CheckDestination(_both[1], batchSize * EmbeddingLength, embedding, nameof(embedding));
        }

        _gate.Enter(this);
        var scratch = RunScratch.ForThisThread;
        try
        {
            fixed (float* input = inputs)
            fixed (float* first = probabilities)
            fixed (float* second = embedding)
            {
                using var inputValue = Wrap(input, inputs.Length, scratch.Shape(_inputShape, batchSize));
                using var probabilitiesValue = Wrap(first, probabilities.Length, scratch.Shape(_probabilitiesShape, batchSize));
                if (withEmbedding)
                {
                    using var embeddingValue = Wrap(second, embedding.Length, scratch.Shape(_embeddingShape, batchSize));
                    scratch.Run(_session, _runOptions, _inputName, inputValue, _both, probabilitiesValue, embeddingValue);
                }
                else
                {
                    scratch.Run(_session, _runOptions, _inputName, inputValue, _probabilitiesOnly, probabilitiesValue, null);
                }
            }
        }
        finally
        {
            if (_gate.Exit())
            {
                Release();
            }
        }
    }

    /// <summary>Releases the session once the runs in flight are done; calling it again does nothing.</summary>
    public void Dispose()
    {
        if (_gate.Close())
        {
            Release();
        }
    }

    private void Release()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static OrtValue Wrap(float* data, int count, long[] shape) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape, (IntPtr)data, (long)count * sizeof(float));

    private string RequireSingleInput(string? inputName)
    {
        var inputs = _session.InputNames;
        if (inputs.Count != 1)
        {
            throw new ArgumentException(
                $"Model {ModelPath} has {inputs.Count} inputs ({string.Join(", ", inputs)}); a classifier here takes one.", nameof(inputName));
        }

        if (inputName is not null && inputs[0] != inputName)
        {
            throw new ArgumentException($"Model {ModelPath} has input \"{inputs[0]}\", not \"{inputName}\".", nameof(inputName));
        }

        return inputs[0];
    }

    private NodeMetadata Output(string name) =>
        _session.OutputMetadata.TryGetValue(name, out var metadata)
            ? metadata
            : throw new ArgumentException(
                $"Model {ModelPath} has no output \"{name}\"; it has {string.Join(", ", _session.OutputNames)}.", nameof(name));

    // A batch of N rows needs float tensors whose first dimension is the batch and the rest is fixed.
    private long[] BatchedFloatShape(string name, NodeMetadata metadata)
    {
        var dimensions = metadata.IsTensor ? metadata.Dimensions : [];
        if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Float || dimensions.Length < 2 || dimensions.Skip(1).Any(d => d < 1))
        {
            throw new ArgumentException(
                $"\"{name}\" of {ModelPath} is not a float tensor [batch, fixed dimensions...] " +
                $"(element type {(metadata.IsTensor ? metadata.ElementDataType : metadata.OnnxValueType)}, shape {string.Join('x', dimensions)}).",
                nameof(metadata));
        }

        return [.. dimensions.Select(d => (long)d)];
    }

    private static int ItemLength(long[] shape) => (int)shape.Skip(1).Aggregate(1L, (a, d) => a * d);

    private static void CheckDestination(string output, int needed, Span<float> destination, string parameter)
    {
        if (destination.Length != needed)
        {
            throw new ArgumentException(
                $"Output \"{output}\" of this batch holds {needed} values; the destination has room for {destination.Length}.", parameter);
        }
    }
}
