using System.Collections.Concurrent;
using Mirage.Interfaces.Clients;

namespace Mirage.Grains.Clients;

/// <summary>
/// The defense each client grain active on this silo has published, for the request path of the same silo
/// to read without a grain call. A grain publishes here at the moments it publishes the value
/// <see cref="IClientGrain.GetDefenseAsync"/> answers (activation and every turn that changes it), and withdraws
/// it when it deactivates, so an entry is exactly what that call would answer from the local activation. A client
/// whose grain lives on another silo (or is not active) has no entry here: the request path calls its grain.
/// One singleton per silo; entries are per active client grain.
/// </summary>
public sealed class LocalDefenses
{
    private readonly ConcurrentDictionary<string, DefenseDecision> _byClient = new(StringComparer.Ordinal);

    public int Count => _byClient.Count;

    /// <summary>The defense the local activation of <paramref name="clientKey"/> has published; false when none is active here.</summary>
    public bool TryGet(string clientKey, out DefenseDecision defense) => _byClient.TryGetValue(clientKey, out defense!);

    internal void Publish(string clientKey, DefenseDecision defense) => _byClient[clientKey] = defense;

    /// <summary>Removes the entry if it is still the one this activation published (a later activation's stays).</summary>
    internal void Withdraw(string clientKey, DefenseDecision published) =>
        _byClient.TryRemove(new KeyValuePair<string, DefenseDecision>(clientKey, published));
}
