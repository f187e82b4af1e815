using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Mirage.Defense.Monitoring;

/// <summary>
/// Who first sent each of the tenant's newest distinct young-key queries (docs/DETECTION.md, "Replaying a raised
/// key's queries"). The pooled detector leaves exact repeats out, so that a popular image sent by many honest
/// keys never reads as a short distance; but an attacker whose key was caught and who starts new keys with the
/// same seed images and the same seeded substitute re-sends the caught key's queries exactly, and so left no
/// evidence at all. A repeat counts only when the first sender had been raised; each key's share of such
/// repeats is kept in its <see cref="TenantKeySeries"/>, so an honest key that happens to send a few of the
/// same test images as a caught attacker's seeds is far from the rule.
/// Bounded: Capacity queries (a 64-bit hash and a key each), the oldest forgotten first.
/// </summary>
public sealed class ReplayLedger(int capacity)
{
    private readonly Dictionary<ulong, string> _firstSender = new(capacity);
    private readonly Queue<ulong> _order = new(capacity);

    /// <summary>
    /// Learns one of <paramref name="client"/>'s queries; answers whether it re-sent a query first sent by
    /// another key for which <paramref name="isRaised"/> holds.
    /// </summary>
    public bool IsReplay(string client, ReadOnlySpan<float> features, Func<string, bool> isRaised)
    {
        // 64 bits of XxHash3: two different queries of the ledger's few thousand share one with odds of about 1e-12.
        var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(features));
        if (_firstSender.TryGetValue(hash, out var first))
        {
            return !string.Equals(first, client, StringComparison.Ordinal) && isRaised(first);
        }

        if (_order.Count == capacity)
        {
            _firstSender.Remove(_order.Dequeue());
        }

        _firstSender[hash] = client;
        _order.Enqueue(hash);
        return false;
    }
}
