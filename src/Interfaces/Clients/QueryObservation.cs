namespace Mirage.Interfaces.Clients;

/// <summary>
/// What one answered request tells the client's grain: the inputs, the model's own (unperturbed)
/// probabilities, and what the perturbation cost. Arrays may be longer than needed (pooled buffers):
/// only the first Rows x length values count. The grain owns them once observed.
/// </summary>
public sealed class QueryObservation
{
    public required string Model { get; init; }

    public required int Rows { get; init; }

    public required int InputLength { get; init; }

    public required int Classes { get; init; }

    /// <summary>Rows x InputLength values.</summary>
    public required float[] Inputs { get; init; }

    /// <summary>Rows x Classes values: the victim's posteriors before any perturbation.</summary>
    public required float[] Probabilities { get; init; }

    /// <summary>Rows x Classes values: what the client was answered (after the perturbation).</summary>
    public required float[] Answered { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>Called by the grain when it no longer needs the arrays (returns them to their pool).</summary>
    public Action<QueryObservation>? Release { get; init; }
}
