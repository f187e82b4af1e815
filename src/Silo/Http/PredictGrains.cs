using System.Collections.Concurrent;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Inference;
using Mirage.Silo.Security;

namespace Mirage.Silo.Http;

/// <summary>
/// The grain references of the predict path, made once per caller and per model: Orleans' GetGrain resolves
/// the interface's grain type through its attributes (reflection) on every call, a few microseconds a
/// request. A reference is immutable and bound to this silo's runtime, so one may serve every request.
/// Entries are per configured key and model, so their number is bounded by the configuration.
/// </summary>
public sealed class PredictGrains(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<ApiPrincipal, ClientGrainReference> _clients = new();
    private readonly ConcurrentDictionary<string, IInferenceGrain> _models = new(StringComparer.Ordinal);

    /// <summary>The client grain of <paramref name="caller"/> and its key ("tenant/client").</summary>
    public ClientGrainReference ClientOf(ApiPrincipal caller) =>
        _clients.GetOrAdd(caller, static (c, factory) =>
        {
            var key = ClientGrainKey.Of(c.Tenant, c.Name);
            return new ClientGrainReference(key, factory.GetGrain<IClientGrain>(key));
        }, grains);

    /// <summary>The inference grain of a served model (a stateless worker: this silo's local activation).</summary>
    public IInferenceGrain ModelOf(string model) =>
        _models.GetOrAdd(model, static (name, factory) => factory.GetGrain<IInferenceGrain>(name), grains);
}

/// <summary>A client grain's key and reference.</summary>
public sealed record ClientGrainReference(string Key, IClientGrain Grain);
