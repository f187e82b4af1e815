namespace Mirage.Defense.Tests.Monitoring;

/// <summary>Labelled query streams in a small feature space: natural-like Gaussian clusters, and JBDA-like steps from seeds.</summary>
internal sealed class SyntheticStreams(int seed, int dimensions = 16, int classes = 10)
{
    private readonly Random _random = new(seed);
    private double[][]? _centres;

    public int Dimensions => dimensions;

    public int Classes => classes;

    /// <summary>One i.i.d. query of a class chosen uniformly: its cluster's centre plus unit Gaussian noise.</summary>
    public (double[] Features, int Class) Natural()
    {
        _centres ??= Enumerable.Range(0, classes).Select(_ => Vector(6)).ToArray();
        var c = _random.Next(classes);
        var x = Vector(1);
        for (var i = 0; i < dimensions; i++)
        {
            x[i] += _centres[c][i];
        }

        return (x, c);
    }

    /// <summary>
    /// JBDA-like: <paramref name="seeds"/> natural queries, then each query is an earlier one plus 0.1·sign(noise),
    /// labelled like it (as the substitute's augmentation does).
    /// </summary>
    public List<(double[] Features, int Class)> Jbda(int seeds, int queries)
    {
        var stream = Enumerable.Range(0, seeds).Select(_ => Natural()).ToList();
        while (stream.Count < queries)
        {
            var (x, c) = stream[_random.Next(stream.Count)];
            stream.Add((x.Select(v => v + 0.1 * Math.Sign(Gaussian())).ToArray(), c));
        }

        return stream;
    }

    private double[] Vector(double scale) => Enumerable.Range(0, dimensions).Select(_ => scale * Gaussian()).ToArray();

    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
