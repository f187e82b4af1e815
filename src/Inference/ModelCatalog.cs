namespace Mirage.Inference;

/// <summary>The models this silo serves, by name.</summary>
public sealed class ModelCatalog(IEnumerable<ServedModel> models) : IDisposable
{
    private readonly Dictionary<string, ServedModel> _models = models.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public IEnumerable<ServedModel> All => _models.Values;

    public bool TryGet(string name, out ServedModel model) => _models.TryGetValue(name, out model!);

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Pool.Dispose();
        }
    }
}
