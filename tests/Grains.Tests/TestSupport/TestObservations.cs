using Mirage.Interfaces.Clients;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>Answered requests for a client grain to learn from, without a model: inputs and posteriors drawn from a seed.</summary>
internal static class TestObservations
{
    public const string Model = "tiny";
    public const int InputLength = 8;
    public const int Classes = 3;

    /// <summary><paramref name="rows"/> random inputs, each answered cleanly with a confident posterior of a random class.</summary>
    public static QueryObservation Random(int rows, int seed, DateTimeOffset? at = null)
    {
        var random = new Random(seed);
        var inputs = new float[rows * InputLength];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextSingle();
        }

        var probabilities = new float[rows * Classes];
        for (var row = 0; row < rows; row++)
        {
            var top = random.Next(Classes);
            for (var k = 0; k < Classes; k++)
            {
                probabilities[row * Classes + k] = k == top ? 0.9f : 0.05f;
            }
        }

        return new QueryObservation
        {
            Model = Model, Rows = rows, InputLength = InputLength, Classes = Classes, Inputs = inputs,
            Probabilities = probabilities, Answered = (float[])probabilities.Clone(), At = at ?? DateTimeOffset.UtcNow,
        };
    }
}
