using System.Runtime.InteropServices;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Who first sent each of the tenant's newest distinct young-key queries, and per key how many of its queries
/// were exact repeats of a query first sent by a key that had already been raised (docs/DETECTION.md, "Replaying
/// a raised key's queries"). The pooled detector leaves exact repeats out, so that a popular image sent by
/// many honest keys never reads as a short distance; but an attacker whose key was caught and who starts
/// new keys with the same seed images and the same seeded substitute re-sends the caught key's queries
/// exactly, and so left no evidence at all. A repeat is counted against a key only when the first sender
/// had been raised, and the rule looks at the key's share of such repeats, so an honest key that happens to
/// send a few of the same test images as a caught attacker's seeds is far from it.
/// Bounded: Capacity queries (a 64-bit hash and a key each, the oldest forgotten first) and the counts of
/// at most Capacity keys.
/// </summary>
public sealed class ReplayLedger(int capacity)
{
    private readonly Dictionary<ulong, string> _firstSender = new(capacity);
    private readonly Queue<ulong> _order = new(capacity);
    private readonly Dictionary<string, KeyCounts> _keys = new(StringComparer.Ordinal);

    /// <summary>
    /// Learns one of <paramref name="client"/>'s queries; answers whether it re-sent a query first sent by
    /// another key for which <paramref name="isRaised"/> holds.
    /// </summary>
    public bool Observe(string client, ReadOnlySpan<float> features, Func<string, bool> isRaised)
    {
        var counts = CountsOf(client);
        counts.Rows++;
        var hash = Fnv1a(MemoryMarshal.AsBytes(features));
        if (_firstSender.TryGetValue(hash, out var first))
        {
            if (!string.Equals(first, client, StringComparison.Ordinal) && isRaised(first))
            {
                counts.Replays++;
                return true;
            }

            return false;
        }

        if (_order.Count == capacity)
        {
            _firstSender.Remove(_order.Dequeue());
        }

        _firstSender[hash] = client;
        _order.Enqueue(hash);
        return false;
    }

    /// <summary>The key's queries so far and how many of them re-sent a raised key's queries.</summary>
    public (long Rows, long Replays) Of(string client) =>
        _keys.TryGetValue(client, out var counts) ? (counts.Rows, counts.Replays) : (0, 0);

    private KeyCounts CountsOf(string client)
    {
        if (_keys.TryGetValue(client, out var counts))
        {
            return counts;
        }

        if (_keys.Count >= capacity)
        {
            // A tenant with more young keys than the ledger holds queries: start over rather than grow.
            _keys.Clear();
        }

        return _keys[client] = new KeyCounts();
    }

    // FNV-1a, 64 bits: two different queries of the ledger's few thousand share a hash with odds of about 1e-12.
    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private sealed class KeyCounts
    {
        public long Rows;
        public long Replays;
    }
}
