namespace Mirage.Interfaces.Runtime;

/// <summary>
/// Base class of every grain. The runtime sets the key and the factory before activation, then calls
/// <see cref="OnActivateAsync"/> before the first turn and <see cref="OnDeactivateAsync"/> after the last.
/// </summary>
public abstract class Grain
{
    private string? _key;
    private IGrainFactory? _grainFactory;

    /// <summary>The identity this activation serves.</summary>
    public string GrainKey => _key ?? throw new InvalidOperationException("The grain is not activated yet.");

    /// <summary>References to other grains.</summary>
    protected IGrainFactory GrainFactory =>
        _grainFactory ?? throw new InvalidOperationException("The grain is not activated yet.");

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Called by the runtime, once, before activation.</summary>
    public void Bind(string key, IGrainFactory grainFactory)
    {
        if (_key is not null)
        {
            throw new InvalidOperationException("A grain activation is bound to one key for its whole life.");
        }

        _key = key;
        _grainFactory = grainFactory;
    }
}

public enum DeactivationReason
{
    IdleCollected,
    ShuttingDown,
    WriteConflict,
    ApplicationRequested,
}
