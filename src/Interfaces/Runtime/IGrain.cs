namespace Mirage.Interfaces.Runtime;

/// <summary>Marker for a grain interface: a virtual actor addressed by a key, not by a reference.</summary>
public interface IGrain;

/// <summary>A grain whose identity is a string (a client key, a tenant name, a model name).</summary>
public interface IGrainWithStringKey : IGrain;
