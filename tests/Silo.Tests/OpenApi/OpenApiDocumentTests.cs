using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mirage.Silo.Tests.TestSupport;
using Mirage.Tests.Shared;

namespace Mirage.Silo.Tests.OpenApi;

/// <summary>
/// /openapi/v1.json against docs/API.md, read when the test runs: every endpoint the contract names is
/// in the served document, and the document serves nothing the contract does not name.
/// </summary>
public sealed partial class OpenApiDocumentTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private const string DocumentPath = "/openapi/v1.json";

    // Not in the document it describes: pages for people (the operators' console, Orleans' dashboard) and the document itself.
    private static readonly string[] Undescribed = ["/", "/dashboard", "/openapi"];

    [Fact]
    public async Task Every_endpoint_of_the_api_doc_is_in_the_served_document()
    {
        var documented = DocumentedEndpoints();
        var served = await ServedEndpointsAsync();

        Assert.Contains(("POST", "/v1/models/{model}/predict"), documented);
        Assert.Contains(("GET", "/v1/admin/clients/{client}"), documented);
        Assert.Contains(("GET", "/metrics"), documented);
        var missing = documented.Except(served).ToList();
        Assert.True(missing.Count == 0, $"in docs/API.md but not in {DocumentPath}: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task The_served_document_has_no_endpoint_the_api_doc_does_not_name()
    {
        var documented = DocumentedEndpoints();
        var served = await ServedEndpointsAsync();

        var undocumented = served.Except(documented).ToList();
        Assert.True(undocumented.Count == 0, $"in {DocumentPath} but not in docs/API.md: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public async Task Keyed_operations_name_the_bearer_scheme_and_their_refusals_and_anonymous_ones_do_not()
    {
        var document = await DocumentAsync();

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("bearer", (string?)scheme["scheme"]);
        var predict = document["paths"]!["/v1/models/{model}/predict"]!["post"]!;
        Assert.NotNull(predict["security"]![0]!["ApiKey"]);
        Assert.NotNull(predict["responses"]!["401"]);
        Assert.NotNull(predict["responses"]!["403"]);
        var metrics = document["paths"]!["/metrics"]!["get"]!;
        Assert.NotNull(metrics["security"]![0]!["ApiKey"]);
        Assert.NotNull(metrics["responses"]!["200"]!["content"]!["text/plain"]);
        var healthz = document["paths"]!["/healthz"]!["get"]!;
        Assert.Null(healthz["security"]);
        Assert.Null(healthz["responses"]!["401"]);
    }

    [Fact]
    public async Task The_document_is_served_without_a_key()
    {
        var response = await silo.Client(null).GetAsync(DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("3.1", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["openapi"]);
    }

    /// <summary>Each `METHOD /path` of docs/API.md, without its query, the undescribed ones left out.</summary>
    private static HashSet<(string Method, string Path)> DocumentedEndpoints()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docs", "API.md"));
        var endpoints = Endpoint().Matches(text)
            .Select(m => (m.Groups["method"].Value, Normalize(m.Groups["path"].Value)))
            .Where(e => !IsUndescribed(e.Item2))
            .ToHashSet();
        Assert.True(endpoints.Count >= 10, $"only {endpoints.Count} endpoints found in docs/API.md: has its `METHOD /path` style changed?");
        return endpoints;
    }

    private async Task<HashSet<(string Method, string Path)>> ServedEndpointsAsync()
    {
        var document = await DocumentAsync();
        return document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(operation => HttpMethods.Contains(operation.Key))
                .Select(operation => (operation.Key.ToUpperInvariant(), Normalize(path.Key))))
            .Where(e => !IsUndescribed(e.Item2))
            .ToHashSet();
    }

    private async Task<JsonObject> DocumentAsync()
    {
        var text = await silo.Client(null).GetStringAsync(DocumentPath);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static readonly string[] HttpMethods = ["get", "post", "put", "delete", "patch"];

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static bool IsUndescribed(string path) =>
        Undescribed.Any(page => path == page || (page != "/" && path.StartsWith(page + "/", StringComparison.Ordinal)));

    [GeneratedRegex("`(?<method>GET|POST|PUT|DELETE|PATCH) (?<path>/[^`?\\s]*)")]
    private static partial Regex Endpoint();
}
