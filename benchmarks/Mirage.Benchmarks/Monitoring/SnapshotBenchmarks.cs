using System.Buffers;
using BenchmarkDotNet.Attributes;
using Mirage.Defense.Monitoring;

namespace Mirage.Benchmarks.Monitoring;

/// <summary>
/// A client monitor's snapshot at the default configuration (784 pixels projected to 128 dimensions,
/// 10 classes, 4,096 growing-set points, 400 distances a class, window 1,000), in three states:
/// "small" after 100 benign-like queries, "attack" after 2,000 JBDA-style queries (20 seed images,
/// each query an earlier one plus 0.1·sign(noise), clipped to [0, 1]), and "full" with every growing
/// set at its cap (409 points a class) and every window full. WriteTo into a reused buffer;
/// TryRestore from the bytes (checksum, a fresh monitor, every part read). Then, as the client grain
/// writes every 50 observations: 50 more queries of the same kind, WriteChangesTo against that
/// snapshot and TryRestore of snapshot plus changes. The setup prints the sizes.
/// </summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private const int InputLength = 784;
    private const int Classes = 10;

    private readonly SuspicionOptions _options = new();
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private FeatureProjection _projection = FeatureProjection.Identity(1);
    private ClientMonitor _monitor = null!;
    private readonly List<(float[] Image, int Class)> _jbda = [];
    private byte[] _snapshot = [];
    private byte[] _changes = [];

    [Params("small", "attack", "full")]
    public string State { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _projection = FeatureProjection.Random(InputLength, _options.ProjectionDimensions, _options.ProjectionSeed);
        _monitor = new ClientMonitor(_projection, Classes, _options);
        var random = new Random(11);
        switch (State)
        {
            case "small":
                ObserveUniform(random, 100);
                break;
            case "attack":
                ObserveJbda(random, seeds: 20, queries: 2_000);
                break;
            default:
                // Uniform images keep joining the sets until they are all full.
                for (var round = 0; round < 100 && _monitor.Prada.GrowingSetSize < Classes * (_options.Prada.GrowingSetCapacity / Classes); round++)
                {
                    ObserveUniform(random, 1_000);
                }

                if (_monitor.Prada.GrowingSetSize != Classes * (_options.Prada.GrowingSetCapacity / Classes))
                {
                    throw new InvalidOperationException($"The growing sets hold {_monitor.Prada.GrowingSetSize} points, short of the cap.");
                }

                break;
        }

        _monitor.WriteTo(_buffer);
        _snapshot = _buffer.WrittenSpan.ToArray();
        var points = _monitor.Prada.GrowingSetSize;
        if (State == "attack")
        {
            ObserveJbda(random, seeds: 20, queries: _jbda.Count + 50);
        }
        else
        {
            ObserveUniform(random, 50);
        }

        _buffer.ResetWrittenCount();
        _monitor.WriteChangesTo(_buffer);
        _changes = _buffer.WrittenSpan.ToArray();
        Console.WriteLine($"// {State}: {_monitor.Queries - 50} queries, {points} growing-set points, snapshot {_snapshot.Length:N0} bytes; "
            + $"50 queries later changes of {_changes.Length:N0} bytes ({_monitor.Prada.GrowingSetSize} points)");
    }

    [Benchmark]
    public int WriteTo()
    {
        _buffer.ResetWrittenCount();
        _monitor.WriteTo(_buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public ClientMonitor? TryRestore() =>
        ClientMonitor.TryRestore(_snapshot, _projection, Classes, _options, out var monitor, out var whyNot)
            ? monitor
            : throw new InvalidOperationException(whyNot);

    [Benchmark]
    public int WriteChangesTo()
    {
        _buffer.ResetWrittenCount();
        _monitor.WriteChangesTo(_buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public ClientMonitor? TryRestoreWithChanges() =>
        ClientMonitor.TryRestore(_snapshot, _changes, _projection, Classes, _options, out var monitor, out var whyNot)
            ? monitor
            : throw new InvalidOperationException(whyNot);

    private void ObserveUniform(Random random, int queries)
    {
        var image = new float[InputLength];
        for (var q = 0; q < queries; q++)
        {
            for (var i = 0; i < image.Length; i++)
            {
                image[i] = (float)random.NextDouble();
            }

            Observe(image, q % Classes);
        }
    }

    private void ObserveJbda(Random random, int seeds, int queries)
    {
        // Seeds first, then steps from any earlier query; each is observed as it is made.
        while (_jbda.Count < queries)
        {
            if (_jbda.Count < seeds)
            {
                _jbda.Add((Enumerable.Range(0, InputLength).Select(_ => (float)random.NextDouble()).ToArray(), _jbda.Count % Classes));
            }
            else
            {
                var (from, label) = _jbda[random.Next(_jbda.Count)];
                _jbda.Add((from.Select(v => Math.Clamp(v + (random.Next(2) == 0 ? -0.1f : 0.1f), 0f, 1f)).ToArray(), label));
            }

            Observe(_jbda[^1].Image, _jbda[^1].Class);
        }
    }

    private void Observe(float[] image, int label)
    {
        var posterior = new float[Classes];
        Array.Fill(posterior, 0.1f / (Classes - 1));
        posterior[label] = 0.9f;
        _monitor.Observe(image, posterior, 1, DateTimeOffset.UnixEpoch);
    }
}
