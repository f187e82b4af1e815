using System.Runtime.InteropServices;
using System.Text;

namespace Mirage.Inference.Onnx;

/// <summary>
/// One loaded model. Run is thread-safe (ORT allows concurrent runs on one session) and safe against
/// a concurrent Dispose, which waits for runs in flight. Inputs and outputs are the caller's own
/// memory, pinned and wrapped as tensors: ORT reads and writes them in place, nothing is copied.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private const int GraphOptimizationAll = 99;

    private readonly OrtApi _api;
    private readonly OrtHandle _session;
    private readonly OrtHandle _memoryInfo;

    // NUL-terminated UTF-8 names on the pinned heap, so Run hands ORT their addresses as they are.
    private readonly byte[][] _nameBuffers;
    private readonly IntPtr[] _inputNames;
    private readonly IntPtr[] _outputNames;

    // Shapes as ORT reads them (long[]); the batch dimension is overwritten per run on a stack copy.
    private readonly long[] _inputShape;
    private readonly long[][] _outputShapes;

    // Values per batch item, or -1 for a tensor Run cannot bind (not float [batch, fixed dims...]).
    private readonly int _inputItemLength;
    private readonly int[] _outputItemLengths;

    // The handles stay open after Dispose while runs in flight hold them; the flag refuses new runs.
    private volatile bool _disposed;

    internal OnnxSession(OnnxEnvironment environment, string modelPath, OnnxSessionOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpThreads, 0);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Model file {modelPath} does not exist.", modelPath);
        }

        _api = environment.Api;
        using (var sessionOptions = _api.CreateSessionOptions())
        {
            _api.SetGraphOptimizationLevel(sessionOptions, GraphOptimizationAll);
            _api.SetIntraOpThreads(sessionOptions, options.IntraOpThreads);
            _api.SetInterOpThreads(sessionOptions, 1);
            if (options.UseCuda)
            {
                if (environment.TryAppendCuda(sessionOptions, out var reason))
                {
                    ExecutionProvider = "CUDA";
                }
                else
                {
                    CudaFallbackReason = reason;
                }
            }

            _session = _api.CreateSession(environment.Handle, Path.GetFullPath(modelPath), sessionOptions);
        }

        try
        {
            var session = _session.Pointer;
            Inputs = [.. Enumerable.Range(0, _api.InputCount(session)).Select(i => _api.TensorInfo(session, i, output: false))];
            Outputs = [.. Enumerable.Range(0, _api.OutputCount(session)).Select(i => _api.TensorInfo(session, i, output: true))];
            _memoryInfo = _api.CreateCpuMemoryInfo();
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        _nameBuffers = [.. Inputs.Concat(Outputs).Select(t => PinnedUtf8(t.Name))];
        _inputNames = [.. _nameBuffers[..Inputs.Count].Select(AddressOf)];
        _outputNames = [.. _nameBuffers[Inputs.Count..].Select(AddressOf)];
        _inputShape = Inputs.Count > 0 ? [.. Inputs[0].Dimensions] : [];
        _outputShapes = [.. Outputs.Select(o => o.Dimensions.ToArray())];
        _inputItemLength = Inputs.Count > 0 ? BindableItemLength(Inputs[0]) : -1;
        _outputItemLengths = [.. Outputs.Select(BindableItemLength)];
        ModelPath = modelPath;
    }

    public string ModelPath { get; }

    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>"CPU", or "CUDA" when the CUDA provider was appended.</summary>
    public string ExecutionProvider { get; } = "CPU";

    /// <summary>ORT's reason when CUDA was asked for and could not be used; null otherwise.</summary>
    public string? CudaFallbackReason { get; }

    public int OutputIndex(string name)
    {
        for (var i = 0; i < Outputs.Count; i++)
        {
            if (Outputs[i].Name == name)
            {
                return i;
            }
        }

        throw new ArgumentException(
            $"Model {ModelPath} has no output \"{name}\"; it has {string.Join(", ", Outputs.Select(o => o.Name))}.", nameof(name));
    }

    /// <summary>
    /// Runs a float batch through the single input. <paramref name="outputs"/> holds the indices of
    /// one or two outputs to fetch; <paramref name="first"/> and <paramref name="second"/> receive them,
    /// batchSize x the output's item length each. Every tensor must be float with a leading batch
    /// dimension and fixed other dimensions.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, int batchSize, ReadOnlySpan<int> outputs, Span<float> first, Span<float> second)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Inputs.Count != 1)
        {
            throw new InvalidOperationException($"Model {ModelPath} has {Inputs.Count} inputs; this binding feeds one.");
        }

        if (outputs.Length is < 1 or > 2)
        {
            throw new ArgumentException("Fetch one or two outputs.", nameof(outputs));
        }

        if (_inputItemLength < 0)
        {
            throw NotBindable(Inputs[0]);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var item = _inputItemLength;
        if (input.Length != batchSize * item)
        {
            throw new ArgumentException(
                $"A batch of {batchSize} needs {batchSize * item} input values ({item} each); got {input.Length}.", nameof(input));
        }

        CheckDestination(outputs[0], batchSize, first, nameof(first));
        if (outputs.Length > 1)
        {
            CheckDestination(outputs[1], batchSize, second, nameof(second));
        }

        using var session = _session.Acquire();
        using var memory = _memoryInfo.Acquire();
        var inputShape = stackalloc long[_inputShape.Length];
        var firstShape = stackalloc long[_outputShapes[outputs[0]].Length];
        var secondShape = stackalloc long[outputs.Length > 1 ? _outputShapes[outputs[1]].Length : 0];
        var outputNames = stackalloc IntPtr[outputs.Length];
        var values = stackalloc IntPtr[outputs.Length];
        var inputValue = IntPtr.Zero;
        values[0] = IntPtr.Zero;
        outputNames[0] = _outputNames[outputs[0]];
        if (outputs.Length > 1)
        {
            values[1] = IntPtr.Zero;
            outputNames[1] = _outputNames[outputs[1]];
        }

        fixed (float* inputData = input)
        fixed (float* firstData = first)
        fixed (float* secondData = second)
        fixed (IntPtr* inputNames = _inputNames)
        {
            try
            {
                inputValue = Wrap(inputData, input.Length, _inputShape, inputShape, batchSize);
                values[0] = Wrap(firstData, first.Length, _outputShapes[outputs[0]], firstShape, batchSize);
                if (outputs.Length > 1)
                {
                    values[1] = Wrap(secondData, second.Length, _outputShapes[outputs[1]], secondShape, batchSize);
                }

                _api.Check(_api.Run(_session.Pointer, inputNames, &inputValue, 1, outputNames, (nuint)outputs.Length, values));
            }
            finally
            {
                for (var i = 0; i < outputs.Length; i++)
                {
                    if (values[i] != IntPtr.Zero)
                    {
                        _api.ReleaseValue(values[i]);
                    }
                }

                if (inputValue != IntPtr.Zero)
                {
                    _api.ReleaseValue(inputValue);
                }
            }
        }
    }

    /// <summary>Releases the session once the runs in flight are done; calling it again does nothing.</summary>
    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
        _memoryInfo.Dispose();
    }

    private IntPtr Wrap(float* data, int count, long[] dimensions, long* shape, int batchSize)
    {
        shape[0] = batchSize;
        for (var d = 1; d < dimensions.Length; d++)
        {
            shape[d] = dimensions[d];
        }

        return _api.CreateFloatTensor(_memoryInfo.Pointer, data, count, shape, dimensions.Length);
    }

    private void CheckDestination(int output, int batchSize, Span<float> destination, string parameter)
    {
        var item = _outputItemLengths[output];
        if (item < 0)
        {
            throw NotBindable(Outputs[output]);
        }

        if (destination.Length != batchSize * item)
        {
            throw new ArgumentException(
                $"Output \"{Outputs[output].Name}\" of a batch of {batchSize} holds {batchSize * item} values; " +
                $"the destination has room for {destination.Length}.", parameter);
        }
    }

    private InvalidOperationException NotBindable(OnnxTensorInfo tensor) => new(
        $"\"{tensor.Name}\" of {ModelPath} is not a float tensor [batch, fixed dimensions...] " +
        $"(element type {tensor.ElementType}, shape {string.Join('x', tensor.Dimensions)}).");

    private static int BindableItemLength(OnnxTensorInfo tensor) =>
        tensor.ElementType == OnnxTensorInfo.Float && tensor.Dimensions.Count > 0 && tensor.Dimensions.Skip(1).All(d => d > 0)
            ? tensor.ItemLength
            : -1;

    private static byte[] PinnedUtf8(string text)
    {
        var buffer = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(text) + 1, pinned: true);
        Encoding.UTF8.GetBytes(text, buffer);
        return buffer;
    }

    private static IntPtr AddressOf(byte[] pinned) => Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
}
