using Microsoft.ML.OnnxRuntime;

namespace Mirage.Inference.Onnx;

/// <summary>
/// Per-thread arrays a run hands to InferenceSession.Run (the overload that writes into caller-owned
/// outputs), so a run allocates none of its own: the value lists, and the shapes with this run's batch size
/// (ORT copies a shape when it creates the tensor, so a slot is free again right after).
/// </summary>
internal sealed class RunScratch
{
    [ThreadStatic]
    private static RunScratch? t_current;

    private readonly OrtValue[] _input = new OrtValue[1];
    private readonly OrtValue[] _oneOutput = new OrtValue[1];
    private readonly OrtValue[] _twoOutputs = new OrtValue[2];
    private readonly long[][] _shapes = [[], [], []];
    private int _nextShape;

    public static RunScratch ForThisThread => t_current ??= new RunScratch();

    /// <summary>
    /// <paramref name="model"/> with its first dimension set to <paramref name="batchSize"/>, in one of
    /// three slots used in turn (a run wraps three tensors at most).
    /// </summary>
    public long[] Shape(long[] model, int batchSize)
    {
        var slot = _nextShape;
        _nextShape = (slot + 1) % _shapes.Length;
        var shape = _shapes[slot];
        if (shape.Length != model.Length)
        {
            shape = _shapes[slot] = new long[model.Length];
        }

        model.CopyTo(shape, 0);
        shape[0] = batchSize;
        return shape;
    }

    /// <summary>Runs one input into one output, or two when <paramref name="second"/> is given.</summary>
    public void Run(
        InferenceSession session, RunOptions options, string[] inputName, OrtValue input, string[] outputNames, OrtValue first, OrtValue? second)
    {
        _nextShape = 0;
        var outputs = second is null ? _oneOutput : _twoOutputs;
        _input[0] = input;
        outputs[0] = first;
        if (second is not null)
        {
            outputs[1] = second;
        }

        try
        {
            session.Run(options, inputName, _input, outputNames, outputs);
        }
        finally
        {
            // The values are disposed by the caller; the arrays must not keep them reachable.
            Array.Clear(_input);
            Array.Clear(outputs);
        }
    }
}
