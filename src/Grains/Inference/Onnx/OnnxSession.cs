using Microsoft.Extensions.Logging;

namespace Mirage.Grains.Inference.Onnx;

/// <summary>
/// One loaded model. Run is thread-safe (ORT allows concurrent runs on one session). Inputs are
/// wrapped without copying; ORT allocates the outputs, which are copied out and released.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private const int GraphOptimizationAll = 99;

    private readonly OnnxEnvironment _environment;
    private readonly IntPtr _memoryInfo;
    private readonly IntPtr[] _inputNames;
    private readonly IntPtr[] _outputNames;
    private IntPtr _session;

    internal OnnxSession(OnnxEnvironment environment, string modelPath, OnnxSessionOptions options, ILogger logger)
    {
        _environment = environment;
        var api = environment.Api;
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Model file {modelPath} does not exist.", modelPath);
        }

        var sessionOptions = api.CreateSessionOptions();
        try
        {
            api.SetGraphOptimizationLevel(sessionOptions, GraphOptimizationAll);
            api.SetIntraOpThreads(sessionOptions, options.IntraOpThreads);
            api.SetInterOpThreads(sessionOptions, 1);
            if (options.UseCuda)
            {
                try
                {
                    api.AppendCuda(sessionOptions);
                    ExecutionProvider = "CUDA";
                }
                catch (OnnxRuntimeException ex)
                {
                    CudaFallbackReason = ex.OrtMessage;
                    logger.LogWarning("CUDA execution provider unavailable ({Reason}); running on CPU", ex.OrtMessage);
                }
            }

            _session = api.CreateSession(environment.Handle, Path.GetFullPath(modelPath), sessionOptions);
        }
        finally
        {
            api.ReleaseSessionOptions(sessionOptions);
        }

        try
        {
            Inputs = Enumerable.Range(0, api.InputCount(_session)).Select(i => api.TensorInfo(_session, i, output: false)).ToArray();
            Outputs = Enumerable.Range(0, api.OutputCount(_session)).Select(i => api.TensorInfo(_session, i, output: true)).ToArray();
            _memoryInfo = api.CreateCpuMemoryInfo();
        }
        catch
        {
            api.ReleaseSession(_session);
            throw;
        }

        // Names stay in native memory for the session's life: Run passes them without marshalling.
        _inputNames = Inputs.Select(i => Utf8Name(i.Name)).ToArray();
        _outputNames = Outputs.Select(o => Utf8Name(o.Name)).ToArray();
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
    /// Runs a float batch through the single input. <paramref name="outputs"/> names which outputs
    /// to fetch (their indices) and <paramref name="destinations"/> receives each, batch x item length.
    /// </summary>
    public void Run(ReadOnlySpan<float> input, int batchSize, ReadOnlySpan<int> outputs, Span<float> first, Span<float> second)
    {
        ObjectDisposedException.ThrowIf(_session == IntPtr.Zero, this);
        if (Inputs.Count != 1)
        {
            throw new InvalidOperationException($"Model {ModelPath} has {Inputs.Count} inputs; this binding feeds one.");
        }

        if (outputs.Length is < 1 or > 2)
        {
            throw new ArgumentException("Fetch one or two outputs.", nameof(outputs));
        }

        var item = Inputs[0].ItemLength;
        if (batchSize < 1 || input.Length != batchSize * item)
        {
            throw new ArgumentException(
                $"A batch of {batchSize} needs {batchSize * item} input values ({item} each); got {input.Length}.", nameof(input));
        }

        var api = _environment.Api;
        var rank = Inputs[0].Dimensions.Count;
        var shape = stackalloc long[rank];
        shape[0] = batchSize;
        for (var d = 1; d < rank; d++)
        {
            shape[d] = Inputs[0].Dimensions[d];
        }

        var outputNames = stackalloc IntPtr[outputs.Length];
        var values = stackalloc IntPtr[outputs.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputNames[i] = _outputNames[outputs[i]];
            values[i] = IntPtr.Zero;
        }

        var inputValue = IntPtr.Zero;
        fixed (float* data = input)
        fixed (IntPtr* inputNames = _inputNames)
        {
            try
            {
                inputValue = api.CreateFloatTensor(_memoryInfo, data, input.Length, shape, rank);
                api.Check(api.Run(_session, inputNames, &inputValue, 1, outputNames, (nuint)outputs.Length, values));
                CopyOut(api, values[0], batchSize, first);
                if (outputs.Length > 1)
                {
                    CopyOut(api, values[1], batchSize, second);
                }
            }
            finally
            {
                for (var i = 0; i < outputs.Length; i++)
                {
                    if (values[i] != IntPtr.Zero)
                    {
                        api.ReleaseValue(values[i]);
                    }
                }

                if (inputValue != IntPtr.Zero)
                {
                    api.ReleaseValue(inputValue);
                }
            }
        }
    }

    public void Dispose()
    {
        if (_session != IntPtr.Zero)
        {
            _environment.Api.ReleaseSession(_session);
            _environment.Api.ReleaseMemoryInfo(_memoryInfo);
            _session = IntPtr.Zero;
            foreach (var name in _inputNames.Concat(_outputNames))
            {
                System.Runtime.InteropServices.Marshal.FreeHGlobal(name);
            }
        }
    }

    private static void CopyOut(OrtApi api, IntPtr value, int batchSize, Span<float> destination)
    {
        var (elementType, dims) = api.ValueTypeAndShape(value);
        if (elementType != OnnxTensorInfo.Float)
        {
            throw new InvalidOperationException($"Output element type {elementType} is not float.");
        }

        var count = dims.Aggregate(1L, (a, d) => a * d);
        if (dims.Length == 0 || dims[0] != batchSize || destination.Length != count)
        {
            throw new ArgumentException(
                $"The output holds {count} values (shape {string.Join('x', dims)}); the destination has room for {destination.Length}.",
                nameof(destination));
        }

        new ReadOnlySpan<float>(api.TensorData(value), (int)count).CopyTo(destination);
    }

    private static IntPtr Utf8Name(string name)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(name + '\0');
        var pointer = System.Runtime.InteropServices.Marshal.AllocHGlobal(bytes.Length);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, pointer, bytes.Length);
        return pointer;
    }
}
