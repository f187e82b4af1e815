using System.Buffers;
using Mirage.Inference;
using Mirage.Interfaces.Inference;
using Mirage.Interfaces.Clients;

namespace Mirage.Silo.Http;

/// <summary>Builds the observation a client's grain learns from, handing it the request's pooled buffers.</summary>
internal static class ClientObservations
{
    private static readonly Action<QueryObservation> ReturnBuffers = observation =>
    {
        ArrayPool<float>.Shared.Return(observation.Inputs);
        ArrayPool<float>.Shared.Return(observation.Probabilities);
        ArrayPool<float>.Shared.Return(observation.Answered);
    };

    public static QueryObservation Create(ServedModel model, float[] inputs, InferenceResult result, DateTimeOffset at)
    {
        var answered = ArrayPool<float>.Shared.Rent(result.Rows * result.Classes);
        result.Answered.CopyTo(answered);
        return new QueryObservation
        {
            Model = model.Name,
            Rows = result.Rows,
            InputLength = model.InputLength,
            Classes = result.Classes,
            Inputs = inputs,
            Probabilities = result.TakeOriginal(),
            Answered = answered,
            At = at,
            Release = ReturnBuffers,
        };
    }
}
