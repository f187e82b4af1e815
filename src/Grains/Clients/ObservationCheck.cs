using System.Numerics.Tensors;
using Mirage.Interfaces.Clients;

namespace Mirage.Grains.Clients;

/// <summary>
/// The client grain's own guard on what it learns from. The HTTP edge already refuses inputs outside
/// the model's range and answers that are not distributions; this is the defense in depth behind it,
/// because one NaN learned stays in the record and the detectors for good, and a record holding a NaN
/// can no longer be written as JSON.
/// </summary>
internal static class ObservationCheck
{
    /// <summary>Null when the observation may be learned; otherwise what is wrong with it.</summary>
    public static string? Problem(QueryObservation observation)
    {
        if (observation.Rows < 1 || observation.InputLength < 1 || observation.Classes < 1)
        {
            return $"it has {observation.Rows} rows of {observation.InputLength} inputs and {observation.Classes} classes; each must be at least 1";
        }

        var inputs = (long)observation.Rows * observation.InputLength;
        var values = (long)observation.Rows * observation.Classes;
        if (observation.Inputs.Length < inputs || observation.Probabilities.Length < values || observation.Answered.Length < values)
        {
            return "its arrays are shorter than its rows, inputs and classes say";
        }

        // Vectorised: a 64-row batch of 784 inputs is checked in a few microseconds.
        return !TensorPrimitives.IsFiniteAll<float>(observation.Inputs.AsSpan(0, (int)inputs)) ? "an input is not a finite number"
            : !TensorPrimitives.IsFiniteAll<float>(observation.Probabilities.AsSpan(0, (int)values)) ? "a model probability is not a finite number"
            : !TensorPrimitives.IsFiniteAll<float>(observation.Answered.AsSpan(0, (int)values)) ? "an answered probability is not a finite number"
            : null;
    }
}
