using System.Net;
using System.Text;
using Mirage.Client.Api;

namespace Mirage.Client.Tests.Api;

public sealed class MirageClientTests
{
    [Fact]
    public async Task Sends_the_key_and_the_inputs_as_api_md_shapes_them()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK,
            """{"model":"m","outputs":[{"probabilities":[0.25,0.75],"label":1}]}""", "application/json");
        var client = new MirageClient(new HttpClient(handler) { BaseAddress = new Uri("http://mirage.test/") }, "secret-key");

        var answer = await client.PredictAsync("m", [[0.5f, 1f]]);

        Assert.Equal("Bearer secret-key", handler.Request!.Headers.Authorization!.ToString());
        Assert.Equal("http://mirage.test/v1/models/m/predict", handler.Request.RequestUri!.ToString());
        Assert.Equal("""{"inputs":[[0.5,1]]}""", handler.Body);
        Assert.Equal(1, Assert.Single(answer.Outputs).Label);
    }

    [Fact]
    public async Task A_problem_answer_becomes_an_exception_with_the_detail_and_retry_after()
    {
        var handler = new RecordingHandler(HttpStatusCode.TooManyRequests,
            """{"title":"Too many requests","status":429,"detail":"retry later"}""", "application/problem+json", retryAfterSeconds: 3);
        var client = new MirageClient(new HttpClient(handler) { BaseAddress = new Uri("http://mirage.test/") }, "k");

        var error = await Assert.ThrowsAsync<MirageApiException>(() => client.ListModelsAsync());

        Assert.Equal(429, error.Problem.Status);
        Assert.Equal("retry later", error.Problem.Detail);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Fact]
    public async Task A_non_json_error_page_still_reports_its_status()
    {
        var handler = new RecordingHandler(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "text/html");
        var client = new MirageClient(new HttpClient(handler) { BaseAddress = new Uri("http://mirage.test/") }, "k");

        var error = await Assert.ThrowsAsync<MirageApiException>(() => client.ListModelsAsync());

        Assert.Equal(502, error.Problem.Status);
    }

    private sealed class RecordingHandler(HttpStatusCode status, string body, string mediaType, int? retryAfterSeconds = null) : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            if (retryAfterSeconds is { } seconds)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
            }

            return response;
        }
    }
}
