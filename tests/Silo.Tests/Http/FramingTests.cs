using System.Net;
using System.Text;
using static Mirage.Silo.Tests.Http.PredictApiTests;
using static Mirage.Silo.Tests.Http.RawHttp;

namespace Mirage.Silo.Tests.Http;

/// <summary>Broken HTTP framing and callers that hang up mid-body: a 400 or a quiet close, never a 500 or an error log.</summary>
public sealed class FramingTests(KestrelSilo silo) : IClassFixture<KestrelSilo>
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    private static string Head(string method, string path, string key, string framing) =>
        $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n{framing}\r\n";

    /// <summary>Framing errors of a caller that waits for the answer: it gets a 400.</summary>
    public static TheoryData<string, string> BrokenFraming() => new()
    {
        { "a chunk size that is not hex", Head("POST", Predict, "demo-client-1", "Transfer-Encoding: chunked\r\n") + "zz\r\n" },
        { "a chunk longer than its size", Head("POST", Predict, "demo-client-1", "Transfer-Encoding: chunked\r\n") + "2\r\n{\"inputs\"\r\n0\r\n\r\n" },
        { "an override in broken chunks", Head("PUT", "/v1/admin/clients/demo-client-2/override", "demo-operator", "Transfer-Encoding: chunked\r\n") + "5\r\n{\"blo\r\nqq\r\n" },
        { "both Content-Length and chunked", Head("POST", Predict, "demo-client-1", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n" },
        { "a Content-Length that is not a number", Head("POST", Predict, "demo-client-1", "Content-Length: lots\r\n") + "{}" },
        { "a request line of garbage", "\u0001\u0002 / HTTP/9.9\r\n\r\n" },
    };

    /// <summary>Bodies cut short by a caller that then closes its side: nobody is left to answer.</summary>
    public static TheoryData<string, string> CutShort() => new()
    {
        { "chunks that stop before the last one", Head("POST", Predict, "demo-client-1", "Transfer-Encoding: chunked\r\n") + "8\r\n{\"inputs\r\n" },
        { "a body shorter than its Content-Length", Head("POST", Predict, "demo-client-1", "Content-Length: 5000\r\n") + "{\"inputs\": [[0.1, 0.2" },
        { "an override shorter than its Content-Length", Head("PUT", "/v1/admin/clients/demo-client-2/override", "demo-operator", "Content-Length: 300\r\n") + "{\"block\": tr" },
    };

    [Theory]
    [MemberData(nameof(BrokenFraming))]
    public async Task Broken_framing_is_a_400(string what, string request)
    {
        var status = await SendAsync(silo.BaseAddress, Ascii(request));

        Assert.True(status == 400, $"{what}: answered {status}");
        await AssertStillAnswersAndLoggedNoError();
    }

    [Theory]
    [MemberData(nameof(CutShort))]
    public async Task A_body_cut_short_is_a_400_or_a_quiet_close(string what, string request)
    {
        var status = await SendAsync(silo.BaseAddress, Ascii(request), RawEnd.HalfClose);

        Assert.True(status is null or 400, $"{what}: answered {status}");
        await AssertStillAnswersAndLoggedNoError();
    }

    [Fact]
    public async Task A_caller_that_resets_the_connection_mid_body_is_dropped_quietly()
    {
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(silo.BaseAddress, Ascii(Head("POST", Predict, "demo-client-1", "Content-Length: 100000\r\n") + "{\"inputs\": [[0.5,"), RawEnd.Reset);
            await SendAsync(silo.BaseAddress, Ascii(Head("POST", Predict, "demo-client-1", "Transfer-Encoding: chunked\r\n") + "40\r\n{\"inputs\": [[0.5,"), RawEnd.Reset);
        }

        await AssertStillAnswersAndLoggedNoError();
    }

    [Fact]
    public async Task The_reproduction_of_the_broken_chunked_body_answers_a_problem_that_says_what_to_fix()
    {
        using var client = silo.Client("demo-client-1");
        using var content = new ChunkedGarbage();
        var response = await client.PostAsync(Predict, content);

        await AssertProblem(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    private async Task AssertStillAnswersAndLoggedNoError()
    {
        using var client = silo.Client("acme-client-1");
        var response = await client.PostAsync(Predict, Body(Rows(0, 1)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(silo.Errors);
    }

    /// <summary>A well-framed chunked body whose content is not JSON: framing is fine, so the parser speaks.</summary>
    private sealed class ChunkedGarbage : HttpContent
    {
        public ChunkedGarbage() => Headers.ContentType = new("application/json");

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(Encoding.ASCII.GetBytes("zz")).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
