namespace Mirage.Interfaces.Runtime;

/// <summary>
/// Hands out references to grains. A reference is cheap and always valid: the runtime activates the
/// grain on first call and collects it when idle, so callers never create or destroy grains.
/// </summary>
public interface IGrainFactory
{
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}
