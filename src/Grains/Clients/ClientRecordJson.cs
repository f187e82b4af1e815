using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mirage.Grains.Clients;

/// <summary>
/// Source-generated JSON metadata for the client record: the grain state is written on every cadence,
/// so its (de)serialisation is compiled ahead rather than discovered by reflection at run time.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, IncludeFields = true)]
[JsonSerializable(typeof(ClientRecord))]
public sealed partial class ClientRecordJson : JsonSerializerContext;
