using System.Text.Json;
using Mirage.Defense.Monitoring;
using Mirage.Tests.Shared;

namespace Mirage.Defense.Tests.Monitoring;

/// <summary>
/// Replays streams through the detector and compares every step with lab/fixtures/prada_replay.py,
/// an independent, unbounded reading of docs/ALGORITHMS.md that uses scipy's Shapiro-Wilk.
/// </summary>
public sealed class PradaReplayTests
{
    [Theory]
    [InlineData("clusters", false)]
    [InlineData("synthetic", true)]
    public void Every_distance_threshold_test_and_flag_matches_the_replay(string stream, bool endsFlagged)
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(RepositoryFiles.Root, "tests", "Defense.Tests", "Fixtures", "Prada", $"{stream}.json")));
        var root = fixture.RootElement;
        var dimensions = root.GetProperty("dimensions").GetInt32();
        var points = root.GetProperty("points").EnumerateArray().Select(p => p.EnumerateArray().Select(v => FloatOf(v.GetDouble())).ToArray()).ToArray();
        var steps = root.GetProperty("steps").EnumerateArray().ToArray();
        // Bounds far above the stream's size: the replay is unbounded.
        var detector = new PradaDetector(root.GetProperty("classes").GetInt32(), dimensions,
            new PradaOptions { Threshold = root.GetProperty("threshold").GetDouble(), GrowingSetCapacity = 100_000, DistanceWindow = 100_000 });

        var tests = 0;
        for (var q = 0; q < points.Length; q++)
        {
            var step = steps[q];
            var cls = step.GetProperty("class").GetInt32();
            var sizeBefore = detector.GrowingSetSize;
            var distance = detector.Observe(points[q], cls);

            if (step.GetProperty("distance").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(distance);
            }
            else
            {
                Assert.True(Math.Abs(step.GetProperty("distance").GetDouble() - distance!.Value) <= 1e-9, $"query {q} distance");
            }

            Assert.Equal(step.GetProperty("added").GetBoolean(), detector.GrowingSetSize == sizeBefore + 1);
            Assert.True(Math.Abs(step.GetProperty("threshold").GetDouble() - detector.ThresholdOf(cls)) <= 1e-9, $"query {q} threshold");
            if (step.TryGetProperty("test", out var test))
            {
                tests++;
                Assert.Equal(test.GetProperty("samples").GetInt32(), detector.Samples);
                // scipy's swilk works in single precision, so W agrees to float32's ~1e-6, not to double's.
                Assert.True(Math.Abs(test.GetProperty("w").GetDouble() - detector.W) <= 1e-5, $"query {q}: W {detector.W} vs {test.GetProperty("w").GetDouble()}");
            }

            Assert.Equal(step.GetProperty("flagged").GetBoolean(), detector.Flagged);
        }

        Assert.True(tests > 30, $"only {tests} tests ran");
        Assert.Equal(endsFlagged, detector.Flagged);
    }

    /// <summary>The detector stores float features (as the service's feature spaces are), so the fixture holds float values.</summary>
    private static float FloatOf(double value)
    {
        var single = (float)value;
        return single == value ? single : throw new InvalidDataException($"The fixture's {value} is not a float; regenerate it with lab/fixtures/prada_replay.py.");
    }

    [Fact]
    public void Memory_stays_bounded_on_a_long_stream()
    {
        var detector = new PradaDetector(10, 8, new PradaOptions { GrowingSetCapacity = 200, DistanceWindow = 50 });
        var random = new Random(1);
        var x = new float[8];
        for (var q = 0; q < 20_000; q++)
        {
            for (var i = 0; i < 8; i++)
            {
                x[i] = (float)(random.NextDouble() * 100);
            }

            detector.Observe(x, q % 10);
        }

        Assert.Equal(200, detector.GrowingSetSize);
        Assert.True(detector.Samples <= 10 * 50);
    }
}
