namespace Mirage.Interfaces.Clients;

/// <summary>
/// What one answered request tells the client's grain: the inputs, the model's own (unperturbed)
/// probabilities, and what the client was answered. Arrays may be longer than needed (pooled buffers):
/// only the first Rows x length values count. Immutable once sent: Orleans passes it by reference to a
/// local grain instead of deep-copying ~200 KB of floats, and the grain owns the arrays once observed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class QueryObservation
{
    [Id(0)] public required string Model { get; init; }

    [Id(1)] public required int Rows { get; init; }

    [Id(2)] public required int InputLength { get; init; }

    [Id(3)] public required int Classes { get; init; }

    /// <summary>Rows x InputLength values.</summary>
    [Id(4)] public required float[] Inputs { get; init; }

    /// <summary>Rows x Classes values: the victim's posteriors before any perturbation.</summary>
    [Id(5)] public required float[] Probabilities { get; init; }

    /// <summary>Rows x Classes values: what the client was answered (after the perturbation).</summary>
    [Id(6)] public required float[] Answered { get; init; }

    [Id(7)] public required DateTimeOffset At { get; init; }

    /// <summary>
    /// Called by the grain when it no longer needs the arrays (returns them to the sender's pool). Not
    /// serialized: a copy that crossed silos owns fresh arrays and has nothing to return.
    /// </summary>
    [field: NonSerialized]
    public Action<QueryObservation>? Release { get; init; }
}
