using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.Http;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Security;

/// <summary>
/// Every endpoint against every kind of caller: no key, an unknown key, a client, an operator of the
/// client's tenant, an operator of another tenant, and a platform admin. No key 401, wrong role 403,
/// another tenant's client 404 (as if it did not exist).
/// </summary>
public sealed class AuthorizationMatrixTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    // The callers, in the order of each row's expected statuses.
    private static readonly string?[] Callers = [null, "no-such-key-at-all", "demo-client-1", "demo-operator", "acme-operator", "demo-admin"];

    private const string Client = "/v1/admin/clients/demo-client-1";

    public static TheoryData<string, string, int[]> Matrix() => new()
    {
        //                                                    none unknown client own-op other-op admin
        { "GET", "/v1/models",                              [401, 401, 200, 200, 200, 200] },
        { "POST", "/v1/models/fmnist-cnn/predict",          [401, 401, 200, 403, 403, 403] },
        { "GET", "/v1/admin/clients",                       [401, 401, 403, 200, 200, 403] },
        { "GET", Client,                                    [401, 401, 403, 200, 404, 403] },
        { "PUT", Client + "/override",                      [401, 401, 403, 200, 404, 403] },
        { "DELETE", Client + "/override",                   [401, 401, 403, 200, 404, 403] },
        { "POST", Client + "/reset",                        [401, 401, 403, 200, 404, 403] },
        { "GET", "/v1/admin/audit",                         [401, 401, 403, 200, 200, 403] },
        { "GET", "/v1/admin/audit?client=demo-client-1",    [401, 401, 403, 200, 200, 403] },
        { "GET", "/v1/admin/tenant",                        [401, 401, 403, 200, 200, 403] },
        // The console's page holds no data (every call it makes needs a key), so anyone may load it.
        { "GET", "/",                                       [200, 200, 200, 200, 200, 200] },
        { "GET", "/metrics",                                [401, 401, 403, 403, 403, 200] },
        { "GET", "/healthz",                                [200, 200, 200, 200, 200, 200] },
        { "GET", "/readyz",                                 [200, 200, 200, 200, 200, 200] },
        { "GET", "/no/such/endpoint",                       [401, 401, 404, 404, 404, 404] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_caller_gets_exactly_its_cell(string method, string path, int[] expected)
    {
        var answered = new List<string>();
        for (var i = 0; i < Callers.Length; i++)
        {
            using var client = silo.Client(Callers[i]);
            using var response = await client.SendAsync(Request(method, path));
            answered.Add($"{Callers[i] ?? "no key"}: {(int)response.StatusCode}");
            if ((int)response.StatusCode == 401)
            {
                Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            }

            if ((int)response.StatusCode is 401 or 403 or 404 && path != "/no/such/endpoint")
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal(Callers.Select((c, i) => $"{c ?? "no key"}: {expected[i]}"), answered);
    }

    [Fact]
    public async Task An_operator_of_another_tenant_lists_only_its_own_clients()
    {
        using var client = silo.Client("acme-operator");
        var list = await client.GetFromJsonAsync<JsonObject>("/v1/admin/clients");
        Assert.Equal(["acme-client-1"], list!["clients"]!.AsArray().Select(c => (string?)c!["client"]));
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST" && path.EndsWith("/predict", StringComparison.Ordinal))
        {
            request.Content = Body(Rows(7, 1));
        }
        else if (method == "PUT")
        {
            request.Content = new StringContent("""{"exempt": true}""", Encoding.UTF8, "application/json");
        }

        return request;
    }
}
