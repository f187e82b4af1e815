namespace Mirage.Grains.Inference.Onnx;

/// <summary>A classifier served from an ONNX session: one input, a probabilities output, optionally an embedding.</summary>
public sealed class OnnxInferenceModel : IInferenceModel
{
    private readonly OnnxSession _session;
    private readonly int[] _probabilitiesOnly;
    private readonly int[] _both;

    public OnnxInferenceModel(OnnxSession session, string probabilitiesOutput, string? embeddingOutput)
    {
        _session = session;
        var probabilities = session.OutputIndex(probabilitiesOutput);
        _probabilitiesOnly = [probabilities];
        _both = embeddingOutput is null ? _probabilitiesOnly : [probabilities, session.OutputIndex(embeddingOutput)];
        InputLength = session.Inputs[0].ItemLength;
        Classes = session.Outputs[probabilities].ItemLength;
        EmbeddingLength = embeddingOutput is null ? 0 : session.Outputs[_both[1]].ItemLength;
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
}
