using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Orleans.Storage;

namespace Mirage.Silo.Storage.Serialization;

/// <summary>
/// How every Mirage grain state is stored, whichever provider holds it. A state that is already bytes
/// (<see cref="IBinaryGrainState"/>, the detector's snapshot) is written as those bytes: JSON would
/// base64 them, a third more to store and to move on every cadence. Everything else is
/// System.Text.Json, compiled ahead for the client record (<see cref="ClientRecordJson"/>) and by
/// reflection for the rest.
/// </summary>
public sealed class MirageGrainStateSerializer : IGrainStorageSerializer
{
    /// <summary>The client record's own options (web defaults, fields included), resolving any other type by reflection.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(ClientRecordJson.Default.Options)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ClientRecordJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>
    /// The bytes to store. Every provider (ours and Orleans' Azure Blob storage) calls this before it
    /// writes anything, so a state that cannot be written fails here, as
    /// <see cref="UnstorableGrainStateException"/>, and never replaces the state stored before it.
    /// </summary>
    public BinaryData Serialize<T>(T? input)
    {
        switch (input)
        {
            case IBinaryGrainState binary:
                return new BinaryData(binary.Bytes ?? []);
            case null when TypeInfo<T>.IsBinary:
                return BinaryData.Empty;
        }

        try
        {
            return new BinaryData(JsonSerializer.SerializeToUtf8Bytes(input!, TypeInfo<T>.Json));
        }
        catch (ArgumentException ex)
        {
            // System.Text.Json refuses NaN and infinities: JSON has no spelling for them.
            throw new UnstorableGrainStateException(typeof(T), "it holds a number that is not finite (NaN or infinity).", ex);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new UnstorableGrainStateException(typeof(T), "it cannot be written as JSON.", ex);
        }
    }

    public T? Deserialize<T>(BinaryData input)
    {
        if (TypeInfo<T>.IsBinary)
        {
            // A copy: providers may hand in a pooled buffer that they reuse once this returns.
            var state = TypeInfo<T>.CreateBinary();
            ((IBinaryGrainState)state!).Bytes = input.ToArray();
            return state;
        }

        return JsonSerializer.Deserialize(input.ToMemory().Span, TypeInfo<T>.Json);
    }

    /// <summary>Looked up once per state type instead of on every read and write.</summary>
    private static class TypeInfo<T>
    {
        public static readonly bool IsBinary = typeof(IBinaryGrainState).IsAssignableFrom(typeof(T));

        private static JsonTypeInfo<T>? _json;

        public static JsonTypeInfo<T> Json => _json ??= (JsonTypeInfo<T>)JsonOptions.GetTypeInfo(typeof(T));

        public static T CreateBinary() => typeof(T).IsAbstract || typeof(T).IsInterface
            ? throw new InvalidOperationException(
                $"{typeof(T)} is not a concrete state type; a binary grain state needs a class with a parameterless constructor.")
            : Activator.CreateInstance<T>();
    }
}
