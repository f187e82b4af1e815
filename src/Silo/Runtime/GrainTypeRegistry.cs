using Microsoft.Extensions.DependencyInjection;
using Mirage.Interfaces.Runtime;

namespace Mirage.Silo.Runtime;

/// <summary>Which class implements which grain interface, and how an instance is made for a key.</summary>
public sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, Func<IServiceProvider, GrainId, Grain>> _factories = [];

    public GrainTypeRegistry(IEnumerable<GrainRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            registration.Apply(this);
        }
    }

    public void Register<TInterface, TGrain>()
        where TInterface : IGrainWithStringKey
        where TGrain : Grain, TInterface
    {
        var factory = ActivatorUtilities.CreateFactory<TGrain>([]);
        _factories[typeof(TInterface)] = (services, _) => factory(services, []);
    }

    internal Grain Create(GrainId id, IServiceProvider services) =>
        _factories.TryGetValue(id.Interface, out var factory)
            ? factory(services, id)
            : throw new InvalidOperationException($"No grain class is registered for {id.Interface.Name}.");
}
