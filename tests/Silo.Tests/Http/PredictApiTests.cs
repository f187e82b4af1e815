using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.TestSupport;
using Mirage.Tests.Shared;
using static Mirage.Tests.Shared.TestVectors;

namespace Mirage.Silo.Tests.Http;

public sealed class PredictApiTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    [Fact]
    public async Task Lists_the_model_with_its_shape_and_labels()
    {
        var models = await silo.Client("demo-client-1").GetFromJsonAsync<JsonObject>("/v1/models");

        var model = Assert.Single(models!["models"]!.AsArray())!;
        Assert.Equal("fmnist-cnn", (string?)model["name"]);
        Assert.Equal([1, 28, 28], model["inputShape"]!.AsArray().Select(d => (int)d!));
        Assert.Equal(10, (int)model["classes"]!);
        Assert.Equal("Trouser", (string?)model["labels"]![1]);
    }

    [Fact]
    public async Task One_image_gets_the_models_probabilities_and_label()
    {
        var response = await silo.Client("demo-client-1").PostAsync(Predict, Body(Rows(0, 1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var output = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["outputs"]!.AsArray())!;
        var probabilities = output["probabilities"]!.AsArray().Select(p => (double)p!).ToArray();
        Assert.Equal(Classes, probabilities.Length);
        Assert.InRange(probabilities.Sum(), 1 - 1e-5, 1 + 1e-5);
        for (var k = 0; k < Classes; k++)
        {
            Assert.True(Math.Abs(probabilities[k] - Probabilities[k]) <= 1e-5, $"class {k}");
        }

        Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), (int)output["label"]!);
    }

    [Fact]
    public async Task A_batch_of_256_is_answered_row_by_row()
    {
        var response = await silo.Client("demo-client-2").PostAsync(Predict, Body(Rows(0, 256)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = (await response.Content.ReadFromJsonAsync<JsonObject>())!["outputs"]!.AsArray();
        Assert.Equal(256, outputs.Count);
        for (var i = 0; i < 256; i++)
        {
            var probabilities = outputs[i]!["probabilities"]!.AsArray().Select(p => (double)p!).ToArray();
            Assert.True(Math.Abs(probabilities[3] - Probabilities[i * Classes + 3]) <= 1e-5, $"row {i}");
        }
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, "Authorization: Bearer")]
    [InlineData("not-a-configured-key", HttpStatusCode.Unauthorized, "valid API key")]
    [InlineData("demo-operator", HttpStatusCode.Forbidden, "needs a key of the role client; operator keys cannot use it")]
    [InlineData("demo-admin", HttpStatusCode.Forbidden, "needs a key of the role client; admin keys cannot use it")]
    public async Task Keys_are_checked_before_anything_else(string? key, HttpStatusCode status, string detail)
    {
        var response = await silo.Client(key).PostAsync(Predict, Body(Rows(0, 1)));
        await AssertProblem(response, status, detail);
    }

    [Fact]
    public async Task An_unknown_model_is_404()
    {
        var response = await silo.Client("demo-client-1").PostAsync("/v1/models/resnet/predict", Body(Rows(0, 1)));
        await AssertProblem(response, HttpStatusCode.NotFound, "no model \"resnet\"");
    }

    public static TheoryData<string, HttpStatusCode, string> BadBodies()
    {
        var good = string.Join(',', Enumerable.Repeat("0.5", Pixels));
        var short783 = string.Join(',', Enumerable.Repeat("0.5", Pixels - 1));
        var withValue = (string value) => $"{{\"inputs\": [[{good}], [{value},{short783}]]}}";
        return new()
        {
            { $"{{\"inputs\": [[{good}], [{short783}]]}}", HttpStatusCode.BadRequest, "input 1 has 783 values; model fmnist-cnn expects 784 (1x28x28)" },
            { withValue("\"NaN\""), HttpStatusCode.BadRequest, "input 1 value 0 is not a number (a string)" },
            { withValue("NaN"), HttpStatusCode.BadRequest, "not valid JSON" },
            { withValue("1e39"), HttpStatusCode.BadRequest, "input 1 value 0 is not a finite number" },
            { withValue("-1e400"), HttpStatusCode.BadRequest, "input 1 value 0 is not a finite number" },
            { withValue("true"), HttpStatusCode.BadRequest, "input 1 value 0 is not a number (a boolean)" },
            { withValue("null"), HttpStatusCode.BadRequest, "input 1 value 0 is not a number (null)" },
            { withValue("3.4e38"), HttpStatusCode.BadRequest, "input 1 value 0 is 3.4E+38, outside model fmnist-cnn's input range [0, 1]" },
            { withValue("-0.001"), HttpStatusCode.BadRequest, "input 1 value 0 is -0.001, outside model fmnist-cnn's input range [0, 1]" },
            { withValue("1.5"), HttpStatusCode.BadRequest, "input 1 value 0 is 1.5, outside model fmnist-cnn's input range [0, 1]" },
            { $"{{\"inputs\": [[{good}]], \"inputs\": [[{good}]]}}", HttpStatusCode.BadRequest, "\"inputs\" twice" },
            { "{\"inputs\": []}", HttpStatusCode.BadRequest, "\"inputs\" is empty" },
            { $"{{\"inputs\": [[{good}]", HttpStatusCode.BadRequest, "not valid JSON" },
            { "{\"images\": []}", HttpStatusCode.BadRequest, "no \"inputs\"" },
            { "[1, 2, 3]", HttpStatusCode.BadRequest, "must be a JSON object" },
            { "{\"inputs\": [1, 2]}", HttpStatusCode.BadRequest, "input 0 is not an array of numbers" },
            { "", HttpStatusCode.BadRequest, "not valid JSON" },
            { $"{{\"inputs\": [{string.Join(',', Enumerable.Repeat($"[{good}]", 257))}]}}", HttpStatusCode.RequestEntityTooLarge, "At most 256 inputs" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_get_their_status_and_a_detail_that_says_what_to_fix(string body, HttpStatusCode status, string detail)
    {
        var response = await silo.Client("demo-client-3").PostAsync(Predict, new StringContent(body, Encoding.UTF8, "application/json"));
        await AssertProblem(response, status, detail);
    }

    [Fact]
    public async Task A_bad_request_does_not_count_as_a_query()
    {
        var client = silo.Client("acme-client-1");
        var before = await QueriesOf(silo.Client("acme-operator"), "acme-client-1");
        await client.PostAsync(Predict, new StringContent("{\"inputs\": [[1]]}", Encoding.UTF8, "application/json"));
        var ok = await client.PostAsync(Predict, Body(Rows(0, 3)));
        ok.EnsureSuccessStatusCode();

        await WaitFor(async () => await QueriesOf(silo.Client("acme-operator"), "acme-client-1") == before + 3);
    }

    [Fact]
    public async Task Health_readiness_and_metrics_answer()
    {
        var client = silo.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        await silo.Client("demo-client-1").PostAsync(Predict, Body(Rows(5, 1)));
        // Metrics span tenants: only the platform's admin keys read them.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await silo.Client("demo-operator").GetAsync("/metrics")).StatusCode);
        var metrics = await silo.Client("demo-admin").GetStringAsync("/metrics");
        Assert.Contains("mirage_inference_runs_total{model=\"fmnist-cnn\"}", metrics);
        Assert.Contains("mirage_inference_invalid_outputs_total{model=\"fmnist-cnn\"} 0", metrics);
    }

    internal static float[][] Rows(int first, int count) =>
        Enumerable.Range(first, count).Select(i => Inputs.AsSpan(i * Pixels, Pixels).ToArray()).ToArray();

    internal static HttpContent Body(float[][] rows) => JsonContent.Create(new { inputs = rows });

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((int)status, (int)problem!["status"]!);
        Assert.Contains(detail, (string?)problem["detail"], StringComparison.Ordinal);
    }

    internal static async Task<long> QueriesOf(HttpClient operatorClient, string client)
    {
        var detail = await operatorClient.GetFromJsonAsync<JsonObject>($"/v1/admin/clients/{client}");
        return (long)detail!["queries"]!;
    }

    internal static async Task WaitFor(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.True(await condition(), "the condition did not hold within 5 s");
    }
}
