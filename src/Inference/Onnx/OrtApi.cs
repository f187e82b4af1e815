using System.Runtime.InteropServices;

namespace Mirage.Inference.Onnx;

/// <summary>
/// ONNX Runtime's C API: the library exports only OrtGetApiBase; everything else is a function
/// pointer in the OrtApi table, at byte offset 8 x slot (the table is append-only, so slots never
/// move; ORT_C_API.md lists the ones used here).
/// </summary>
internal sealed unsafe class OrtApi
{
    public const uint ApiVersion = 30;

    private readonly IntPtr* _table;

    private OrtApi(IntPtr library, IntPtr* table, string version)
    {
        Library = library;
        _table = table;
        Version = version;
    }

    public IntPtr Library { get; }

    public string Version { get; }

    public static OrtApi Load(string libraryPath)
    {
        var library = NativeLibrary.Load(libraryPath);
        var getApiBase = (delegate* unmanaged[Cdecl]<IntPtr*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, IntPtr*>)apiBase[0];
        var getVersion = (delegate* unmanaged[Cdecl]<IntPtr>)apiBase[1];
        var version = Marshal.PtrToStringUTF8(getVersion()) ?? "?";
        var table = getApi(ApiVersion);
        if (table == null)
        {
            throw new OnnxRuntimeException(1, $"{libraryPath} (version {version}) does not offer C API version {ApiVersion}.");
        }

        return new OrtApi(library, table, version);
    }

    private IntPtr Slot(int index) => _table[index];

    /// <summary>Turns an OrtStatus into an exception (and releases it); null status is success.</summary>
    public void Check(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        var code = ((delegate* unmanaged[Cdecl]<IntPtr, int>)Slot(1))(status);
        var message = Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)Slot(2))(status)) ?? "";
        ((delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(93))(status);
        throw new OnnxRuntimeException(code, message);
    }

    public OrtHandle CreateEnv(int loggingLevel, string logId)
    {
        IntPtr env;
        fixed (byte* id = Utf8(logId))
        {
            Check(((delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)Slot(3))(loggingLevel, id, &env));
        }

        return new OrtHandle(env, Releaser(92));
    }

    /// <summary>A session; its handle keeps the environment alive until the session is released.</summary>
    public OrtHandle CreateSession(OrtHandle env, string modelPath, OrtHandle options)
    {
        IntPtr session;
        using (env.Acquire())
        using (options.Acquire())
        fixed (byte* path = Utf8(modelPath))
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)Slot(7))(env.Pointer, path, options.Pointer, &session));
        }

        return new OrtHandle(session, Releaser(95), parent: env);
    }

    public IntPtr Run(IntPtr session, IntPtr* inputNames, IntPtr* inputs, nuint inputCount, IntPtr* outputNames, nuint outputCount, IntPtr* outputs) =>
        ((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)Slot(9))(
            session, IntPtr.Zero, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    public OrtHandle CreateSessionOptions()
    {
        IntPtr options;
        Check(((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Slot(10))(&options));
        return new OrtHandle(options, Releaser(100));
    }

    public void SetGraphOptimizationLevel(OrtHandle options, int level) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Slot(23))(options.Pointer, level));

    public void SetIntraOpThreads(OrtHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Slot(24))(options.Pointer, threads));

    public void SetInterOpThreads(OrtHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Slot(25))(options.Pointer, threads));

    public int InputCount(IntPtr session) => Count(session, 30);

    public int OutputCount(IntPtr session) => Count(session, 31);

    /// <summary>Name and tensor type of input (slots 33/36) or output (34/37) number <paramref name="index"/>.</summary>
    public OnnxTensorInfo TensorInfo(IntPtr session, int index, bool output)
    {
        IntPtr allocator;
        Check(((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Slot(78))(&allocator));
        IntPtr namePointer;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)Slot(output ? 37 : 36))(
            session, (nuint)index, allocator, &namePointer));
        var name = Marshal.PtrToStringUTF8(namePointer) ?? "";
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)Slot(76))(allocator, namePointer));

        IntPtr typeInfo;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)Slot(output ? 34 : 33))(session, (nuint)index, &typeInfo));
        try
        {
            IntPtr tensorInfo;
            Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Slot(55))(typeInfo, &tensorInfo));
            if (tensorInfo == IntPtr.Zero)
            {
                return new OnnxTensorInfo(name, 0, []);
            }

            var (elementType, dims) = TypeAndShape(tensorInfo);
            return new OnnxTensorInfo(name, elementType, dims);
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(98))(typeInfo);
        }
    }

    public OrtHandle CreateCpuMemoryInfo()
    {
        IntPtr info;
        Check(((delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)Slot(69))(1, 0, &info));
        return new OrtHandle(info, Releaser(94));
    }

    /// <summary>
    /// Wraps caller memory as a float tensor without copying: the memory must stay pinned until the
    /// value is released. Values live for one run, so they stay raw pointers released in a finally.
    /// </summary>
    public IntPtr CreateFloatTensor(IntPtr memoryInfo, float* data, int count, long* shape, int rank)
    {
        IntPtr value;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)Slot(49))(
            memoryInfo, data, (nuint)count * sizeof(float), shape, (nuint)rank, OnnxTensorInfo.Float, &value));
        return value;
    }

    public float* TensorData(IntPtr value)
    {
        void* data;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)Slot(51))(value, &data));
        return (float*)data;
    }

    /// <summary>Element type and shape of a tensor value (slot 65; the info is owned and released here).</summary>
    public (int ElementType, long[] Dims) ValueTypeAndShape(IntPtr value)
    {
        IntPtr info;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)Slot(65))(value, &info));
        try
        {
            return TypeAndShape(info);
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(99))(info);
        }
    }

    public IReadOnlyList<string> AvailableProviders()
    {
        IntPtr* names;
        int count;
        Check(((delegate* unmanaged[Cdecl]<IntPtr**, int*, IntPtr>)Slot(125))(&names, &count));
        try
        {
            var providers = new string[count];
            for (var i = 0; i < count; i++)
            {
                providers[i] = Marshal.PtrToStringUTF8(names[i]) ?? "";
            }

            return providers;
        }
        finally
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr*, int, IntPtr>)Slot(126))(names, count));
        }
    }

    /// <summary>Appends the CUDA execution provider (slots 205, 204, 208); throws when it cannot load.</summary>
    public void AppendCuda(OrtHandle options)
    {
        IntPtr cuda;
        Check(((delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)Slot(205))(&cuda));
        try
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr>)Slot(204))(options.Pointer, cuda));
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(208))(cuda);
        }
    }

    public void ReleaseValue(IntPtr value) => Releaser(96)(value);

    /// <summary>A Release* member (slots 92-100): void (T*).</summary>
    private delegate* unmanaged[Cdecl]<IntPtr, void> Releaser(int slot) => (delegate* unmanaged[Cdecl]<IntPtr, void>)Slot(slot);

    private int Count(IntPtr session, int slot)
    {
        nuint count;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Slot(slot))(session, &count));
        return (int)count;
    }

    private (int ElementType, long[] Dims) TypeAndShape(IntPtr tensorInfo)
    {
        int elementType;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)Slot(60))(tensorInfo, &elementType));
        nuint rank;
        Check(((delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)Slot(61))(tensorInfo, &rank));
        var dims = new long[(int)rank];
        fixed (long* d = dims)
        {
            Check(((delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)Slot(62))(tensorInfo, d, rank));
        }

        return (elementType, dims);
    }

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text + '\0');
}
