namespace Mirage.Inference.Onnx;

/// <summary>
/// A classifier served from an ONNX session: one input, a probabilities output, optionally an
/// embedding. It owns the session (also when the constructor refuses it). Run is thread-safe.
/// </summary>
public sealed class OnnxInferenceModel : IInferenceModel
{
    private readonly OnnxSession _session;
    private readonly int[] _probabilitiesOnly;
    private readonly int[] _both;

    /// <param name="inputName">The input the manifest names; null accepts the model's only input whatever its name.</param>
    public OnnxInferenceModel(OnnxSession session, string probabilitiesOutput, string? embeddingOutput, string? inputName = null)
    {
        _session = session;
        try
        {
            var input = RequireSingleInput(session, inputName);
            var probabilities = RequireBatchedFloat(session, session.OutputIndex(probabilitiesOutput));
            _probabilitiesOnly = [probabilities];
            _both = embeddingOutput is null ? _probabilitiesOnly : [probabilities, RequireBatchedFloat(session, session.OutputIndex(embeddingOutput))];
            InputLength = input.ItemLength;
            Classes = session.Outputs[probabilities].ItemLength;
            EmbeddingLength = embeddingOutput is null ? 0 : session.Outputs[_both[1]].ItemLength;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public int InputLength { get; }

    public int Classes { get; }

    public int EmbeddingLength { get; }

    public OnnxSession Session => _session;

    public void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> probabilities, Span<float> embedding)
    {
        if (embedding.IsEmpty || EmbeddingLength == 0)
        {
            _session.Run(inputs, batchSize, _probabilitiesOnly, probabilities, default);
        }
        else
        {
            _session.Run(inputs, batchSize, _both, probabilities, embedding);
        }
    }

    public void Dispose() => _session.Dispose();

    private static OnnxTensorInfo RequireSingleInput(OnnxSession session, string? inputName)
    {
        if (session.Inputs.Count != 1)
        {
            throw new ArgumentException(
                $"Model {session.ModelPath} has {session.Inputs.Count} inputs ({string.Join(", ", session.Inputs.Select(i => i.Name))}); a classifier here takes one.",
                nameof(session));
        }

        var input = session.Inputs[0];
        if (inputName is not null && input.Name != inputName)
        {
            throw new ArgumentException($"Model {session.ModelPath} has input \"{input.Name}\", not \"{inputName}\".", nameof(inputName));
        }

        RequireBatchedFloat(session, input);
        return input;
    }

    private static int RequireBatchedFloat(OnnxSession session, int output)
    {
        RequireBatchedFloat(session, session.Outputs[output]);
        return output;
    }

    // A batch of N rows needs float tensors whose first dimension is the batch and the rest is fixed.
    private static void RequireBatchedFloat(OnnxSession session, OnnxTensorInfo tensor)
    {
        if (tensor.ElementType != OnnxTensorInfo.Float || tensor.Dimensions.Count < 2 || tensor.Dimensions.Skip(1).Any(d => d < 1))
        {
            throw new ArgumentException(
                $"\"{tensor.Name}\" of {session.ModelPath} is not a float tensor [batch, fixed dimensions...] " +
                $"(element type {tensor.ElementType}, shape {string.Join('x', tensor.Dimensions)}).", nameof(session));
        }
    }
}
