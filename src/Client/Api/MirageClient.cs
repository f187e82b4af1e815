using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mirage.Client.Api;

/// <summary>A typed client of Mirage's HTTP API (docs/API.md) for one API key.</summary>
public sealed class MirageClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <param name="http">Its BaseAddress is the service's root URL.</param>
    public MirageClient(HttpClient http, string apiKey)
    {
        _http = http;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public Task<ModelList> ListModelsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<ModelList>(new HttpRequestMessage(HttpMethod.Get, "v1/models"), cancellationToken);

    public Task<PredictResponse> PredictAsync(string model, IReadOnlyList<float[]> inputs, CancellationToken cancellationToken = default) =>
        SendAsync<PredictResponse>(
            new HttpRequestMessage(HttpMethod.Post, $"v1/models/{Uri.EscapeDataString(model)}/predict")
            {
                Content = JsonContent.Create(new PredictRequest(inputs), options: Json),
            },
            cancellationToken);

    /// <summary>Operator calls answer JSON documents; they are returned as they come.</summary>
    public Task<JsonNode> GetJsonAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync<JsonNode>(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), cancellationToken);

    public Task<JsonNode> SendJsonAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken = default) =>
        SendAsync<JsonNode>(
            new HttpRequestMessage(method, path.TrimStart('/'))
            {
                Content = body is null ? null : JsonContent.Create(body, options: Json),
            },
            cancellationToken);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
            {
                var problem = await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false);
                throw new MirageApiException(problem, response.Headers.RetryAfter?.Delta);
            }

            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The service answered an empty body.");
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ApiProblem>(Json, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem with { Status = (int)response.StatusCode };
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page, say): fall through to the status alone.
        }

        return new ApiProblem((int)response.StatusCode, response.ReasonPhrase, null);
    }
}
