using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Inference;

/// <summary>
/// The entry to one model's inference pool on this silo (key: the model's name). A stateless worker:
/// every silo has its own, called locally, and the pool behind it gathers concurrent requests of all
/// clients into one model run.
/// </summary>
public interface IInferenceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Scores the request's rows and applies its policy. The caller returns the result's pooled buffers
    /// (<see cref="InferenceResult.Dispose"/>). A full queue throws <see cref="InferenceOverloadedException"/>;
    /// a request whose caller has gone (<paramref name="cancellationToken"/>) before its batch forms is dropped unscored.
    /// </summary>
    Task<InferenceResult> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// Rows x the model's input length values of <see cref="Inputs"/> (a pooled array, possibly longer),
/// answered with <see cref="Policy"/>. Immutable: passed by reference to the local worker, not copied.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ScoreRequest([property: Id(0)] float[] Inputs, [property: Id(1)] int Rows, [property: Id(2)] PerturbationPolicy Policy);

/// <summary>The pool's queue is full: the caller should back off (503 with Retry-After).</summary>
[GenerateSerializer]
public sealed class InferenceOverloadedException(string model, int capacity)
    : Exception($"The inference queue of model {model} is full ({capacity} requests waiting).");

/// <summary>The model answered something that is not a probability distribution; the request is refused (503).</summary>
[GenerateSerializer]
public sealed class InvalidModelOutputException(string model)
    : Exception($"Model {model} answered values that are not a probability distribution.")
{
    [Id(0)] public string Model { get; } = model;
}
