
namespace Mirage.Tests.Shared;

/// <summary>
/// A JBDA-style query stream: 100 seed test images, then rounds in which every image of the set gets a
/// step of 0.1 in a random sign direction (the substitute's gradient sign, which needs no model of its
/// own to look the same), so the set doubles each round. Seeded: every run sends the same queries.
/// </summary>
public sealed class JbdaStream(int seed, int skip = 0)
{
    private readonly Random _random = new(seed);
    private readonly List<float[]> _set = FashionMnist.Test.Skip(skip).Take(100).Select(x => x.ToArray()).ToList();
    private Queue<float[]>? _queue;

    /// <summary>The next <paramref name="rows"/> queries.</summary>
    public float[][] Next(int rows)
    {
        _queue ??= new Queue<float[]>(_set);
        if (_queue.Count == 0)
        {
            var round = _set.Select(x => x.Select(v => Math.Clamp(v + 0.1f * (_random.Next(2) * 2 - 1), 0f, 1f)).ToArray()).ToList();
            _set.AddRange(round);
            round.ForEach(_queue.Enqueue);
        }

        return Enumerable.Range(0, Math.Min(rows, _queue.Count)).Select(_ => _queue.Dequeue()).ToArray();
    }
}
