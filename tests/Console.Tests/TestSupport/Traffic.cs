using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mirage.Tests.Shared;

namespace Mirage.Console.Tests.TestSupport;

/// <summary>Clients driven through the public predict endpoint, as the console's operators would see them.</summary>
public static class Traffic
{
    public const string Predict = "/v1/models/fmnist-cnn/predict";

    /// <summary>
    /// A JBDA-style client (seeded, see <see cref="JbdaStream"/>): 10 queries a request until its grain
    /// puts it at <paramref name="level"/> (docs/DETECTION.md: within 300 queries).
    /// </summary>
    public static async Task<int> AttackUntilAsync(HttpClient client, HttpClient operatorClient, string name, string level, int budget = 800)
    {
        var stream = new JbdaStream(seed: 5);
        var sent = 0;
        while (sent < budget)
        {
            var batch = stream.Next(10);
            (await client.PostAsync(Predict, JsonContent.Create(new { inputs = batch }))).EnsureSuccessStatusCode();
            sent += batch.Length;
            if (sent % 50 == 0 && (string?)(await DetailAsync(operatorClient, name))["levelName"] == level)
            {
                return sent;
            }
        }

        throw new Xunit.Sdk.XunitException($"{name} did not reach {level} within {budget} queries");
    }

    /// <summary>A benign client: test images in a shuffled order, a few per request.</summary>
    public static async Task BenignAsync(HttpClient client, int queries, int skip = 2000)
    {
        var images = FashionMnist.Test.Skip(skip).Take(queries).ToArray();
        for (var i = 0; i < images.Length; i += 8)
        {
            (await client.PostAsync(Predict, JsonContent.Create(new { inputs = images.Skip(i).Take(8).ToArray() }))).EnsureSuccessStatusCode();
        }
    }

    public static async Task<JsonObject> DetailAsync(HttpClient operatorClient, string name) =>
        (await operatorClient.GetFromJsonAsync<JsonObject>($"/v1/admin/clients/{name}"))!;

    /// <summary>Waits until the tenant's read model (the list) has the client's latest write, at most 5 s behind.</summary>
    public static async Task<JsonObject> ListedAsync(HttpClient operatorClient, string name, Func<JsonObject, bool> until)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var list = (await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/clients?limit=100"))!;
            if (list["clients"]!.AsArray().Select(c => c!.AsObject()).FirstOrDefault(c => (string?)c["client"] == name) is { } row && until(row))
            {
                return list;
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"{name} never appeared in the list as expected");
    }
}
