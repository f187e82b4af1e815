using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mirage.Silo.Tests.TestSupport;
using static Mirage.Silo.Tests.Http.PredictApiTests;

namespace Mirage.Silo.Tests.Http;

/// <summary>The issue's reproductions: requests that used to disarm the defense or answer 500.</summary>
public sealed class HostileInputTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    [Fact]
    public async Task One_pixel_of_float_max_is_refused_and_the_operator_can_still_block_the_client()
    {
        var pixels = new string[784];
        Array.Fill(pixels, "0");
        pixels[300] = "3.4e38";
        var hostile = new StringContent($"{{\"inputs\": [[{string.Join(',', pixels)}]]}}", Encoding.UTF8, "application/json");

        await AssertProblem(await silo.Client("demo-client-2").PostAsync(Predict, hostile), HttpStatusCode.BadRequest,
            "input 0 value 300 is 3.4E+38, outside model fmnist-cnn's input range [0, 1]");

        var operatorClient = silo.Client("demo-operator");
        var blocked = await operatorClient.PutAsync("/v1/admin/clients/demo-client-2/override", Json("""{"block": true}"""));
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await silo.Client("demo-client-2").PostAsync(Predict, Body(Rows(0, 1)))).StatusCode);
        var detail = await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/clients/demo-client-2");
        Assert.True((bool)detail!["override"]!["block"]!);
        Assert.True(double.IsFinite((double)detail["suspicion"]!));
        var audit = await operatorClient.GetFromJsonAsync<JsonObject>("/v1/admin/audit?client=demo-client-2&limit=1");
        Assert.True((bool)audit!["entries"]![0]!["after"]!["override"]!["block"]!);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.DeleteAsync("/v1/admin/clients/demo-client-2/override")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync("/v1/admin/clients/demo-client-2/reset", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Client("demo-client-2").PostAsync(Predict, Body(Rows(0, 1)))).StatusCode);
    }

    [Fact]
    public async Task Values_at_the_edges_of_the_range_are_answered()
    {
        var edges = Enumerable.Range(0, 784).Select(i => (i % 2 == 0 ? 0.0 : 1.0).ToString(CultureInfo.InvariantCulture));
        var response = await silo.Client("demo-client-3").PostAsync(Predict,
            new StringContent($"{{\"inputs\": [[{string.Join(',', edges)}]]}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_body_that_is_not_declared_json_is_415(string? contentType)
    {
        var body = (await Body(Rows(0, 1)).ReadAsStringAsync());
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);

        await AssertProblem(await silo.Client("demo-client-3").PostAsync(Predict, content), HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
        var overrideContent = new StringContent("""{"exempt": true}""", Encoding.UTF8);
        overrideContent.Headers.ContentType = content.Headers.ContentType;
        await AssertProblem(await silo.Client("demo-operator").PutAsync("/v1/admin/clients/demo-client-3/override", overrideContent),
            HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
    }

    [Theory]
    [InlineData("""{"level": "high"}""")]
    [InlineData("""{"level": 1.5}""")]
    [InlineData("""{"exempt": "yes"}""")]
    [InlineData("""{"policy": {"method": "mad", "epsilon": "big"}}""")]
    [InlineData("""{"policy": {"method": "mad", "norm": "l7"}}""")]
    [InlineData("""{"policy": []}""")]
    [InlineData("""[1]""")]
    [InlineData("""{"level": 1, "level": 2}""")]
    public async Task No_override_error_names_a_dotnet_type(string body)
    {
        var response = await silo.Client("demo-operator").PutAsync("/v1/admin/clients/demo-client-3/override", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"];
        foreach (var leak in new[] { "System.", "Mirage.", "Nullable", "`1", "Int32", "Boolean", "Double" })
        {
            Assert.DoesNotContain(leak, detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("limit=abc")]
    [InlineData("offset=x")]
    [InlineData("limit=99999999999")]
    [InlineData("limit=-1")]
    [InlineData("limit=0x10")]
    public async Task A_list_query_that_is_not_a_count_is_a_400_that_says_so(string query)
    {
        var response = await silo.Client("demo-operator").GetAsync($"/v1/admin/clients?{query}");
        await AssertProblem(response, HttpStatusCode.BadRequest, "limit must be a whole number between 1 and 1000");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
