using System.Text.Json.Nodes;
using Mirage.Tests.Shared;

namespace Mirage.Silo.Tests.TestSupport;

/// <summary>Writes a configuration file for a test: one tenant with the given client keys and an operator.</summary>
public static class TestConfiguration
{
    public const string OperatorKey = "test-operator-key";

    /// <summary>Each client's key is "key-" + its name.</summary>
    public static string Write(string tenant, IEnumerable<string> clients)
    {
        var keys = new JsonArray(clients.Select(c => (JsonNode)new JsonObject { ["Key"] = $"key-{c}", ["Role"] = "Client", ["Client"] = c }).ToArray());
        keys.Add(new JsonObject { ["Key"] = OperatorKey, ["Role"] = "Operator" });
        var config = new JsonObject
        {
            ["Mirage"] = new JsonObject
            {
                ["ModelsDirectory"] = RepositoryFiles.Models,
                ["Tenants"] = new JsonArray(new JsonObject { ["Name"] = tenant, ["Keys"] = keys }),
            },
        };
        var path = Path.Combine(Path.GetTempPath(), $"mirage-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }
}
