using System.Globalization;
using System.Text;
using Mirage.Tests.Shared;

namespace Mirage.Silo.Tests.Http;

/// <summary>One generated request: sent through HttpClient, or as raw bytes when its framing is the point.</summary>
public sealed record FuzzCase(string Description, Func<HttpRequestMessage>? Http, byte[]? Raw, RawEnd End = RawEnd.Listen);

/// <summary>
/// Generates malformed and hostile requests from a seed: mutated predict and override bodies, odd
/// headers, methods and paths, and broken HTTP framing. Only the demo tenant's keys are used, so a
/// known request of another tenant can be compared before and after.
/// </summary>
public sealed class FuzzRequests(int seed)
{
    private const string Predict = "/v1/models/fmnist-cnn/predict";

    private static readonly string[] Keys = ["demo-client-1", "demo-client-2", "demo-operator", "demo-admin", "", "x", "Bearer", new string('k', 5000), "demo-client-1 demo-client-2", "ünïcödé-key"];

    private static readonly string[] Tokens =
    [
        "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "3.4e38", "-3.4e38", "1e-400", "-0", "0.5", "2", "-1", "\"x\"", "null", "true", "[", "]", "{", "}", ",", ":",
        "\"inputs\":", "\"inputs\": [[0.5]]", "\\u0000", "\u0000", "'", "0x10", "01", ".5", "5.", "+1", new string('9', 400), "\"\\ud800\"", "/*c*/", "\uFEFF",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "text/plain", "application/jsonx", "application/problem+json",
        "multipart/form-data; boundary=zz", "application/x-www-form-urlencoded", "*/*", ";;;", "application/json; charset=\"", "",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO"];

    private static readonly string[] Overrides =
    [
        """{"level": 1}""", """{"exempt": true}""", """{"block": false}""", """{"policy": {"method": "reverse_sigmoid", "beta": 0.5, "gamma": 0.5}}""",
        """{"policy": {"method": "mad", "epsilon": 0.5, "norm": "l1", "argmax": true}}""", """{"policy": {"method": "top_k", "k": 3}}""",
    ];

    private readonly Random _random = new(seed);
    private readonly string _validPredict = ValidPredictBody();

    public FuzzCase Next() => _random.Next(100) switch
    {
        < 35 => BodyCase(Predict, Mutate(_validPredict), Pick(Keys[..2])),
        < 45 => BodyCase(Predict, RandomJson(depth: 0), Pick(Keys[..2])),
        < 55 => HeaderCase(),
        < 70 => PathCase(),
        < 85 => BodyCase($"/v1/admin/clients/demo-client-{1 + _random.Next(2)}/override", Mutate(Pick(Overrides)), "demo-operator", "PUT"),
        _ => RawCase(),
    };

    private FuzzCase BodyCase(string path, string body, string key, string method = "POST") => new(
        $"{method} {path} as {Describe(key)}: {Shorten(body)}",
        () => Request(method, path, key, body, "application/json"), null);

    private FuzzCase HeaderCase()
    {
        var key = Pick(Keys);
        var type = Pick(ContentTypes);
        var body = _random.Next(2) == 0 ? _validPredict : Mutate(_validPredict);
        var extra = _random.Next(4) == 0 ? new string('h', _random.Next(1, 20_000)) : null;
        return new($"POST predict as {Describe(key)}, Content-Type \"{type}\", extra header {extra?.Length}", () =>
        {
            var request = Request("POST", Predict, key, body, type);
            if (extra is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Fuzz", extra);
            }

            return request;
        }, null);
    }

    private FuzzCase PathCase()
    {
        var method = Pick(Methods);
        var junk = Uri.EscapeDataString(RandomText(_random.Next(0, 40)));
        var path = _random.Next(9) switch
        {
            0 => $"/v1/models/{junk}/predict",
            1 => $"/v1/admin/clients/{junk}",
            2 => $"/v1/admin/clients?sort={junk}&limit={Pick(["-1", "0", "1001", "abc", "99999999999", "5"])}&offset={Pick(["-3", "x", "2"])}",
            3 => $"/v1/admin/clients/{junk}/{Pick(["override", "reset", "history", ""])}",
            4 => Pick(["/metrics", "/readyz", "/healthz", "/v1/models", "/", "/dashboard"]) + (_random.Next(2) == 0 ? "?" + junk : ""),
            5 => "/" + junk,
            6 => Predict + "/" + junk,
            7 => $"/v1/admin/audit?client={junk}&limit={Pick(["-1", "0", "1001", "abc", "99999999999", "5", ""])}&offset={Pick(["-3", "x", "2", ""])}",
            _ => "/v1/%2e%2e/%2e%2e/" + junk,
        };
        var key = Pick(Keys);
        var body = _random.Next(3) == 0 ? Mutate(Pick(Overrides)) : null;
        return new($"{method} {path} as {Describe(key)}", () => Request(method, path, key, body, "application/json"), null);
    }

    private FuzzCase RawCase()
    {
        var key = Pick(Keys[..4]);
        var path = Pick([Predict, "/v1/admin/clients/demo-client-1/override", "/v1/models", "/v1/admin/clients"]);
        var method = path.EndsWith("override", StringComparison.Ordinal) ? "PUT" : "POST";
        var body = Encoding.UTF8.GetBytes(path == Predict ? _validPredict : Pick(Overrides));
        var cut = body.AsSpan(0, _random.Next(body.Length)).ToArray();
        var head = $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n";
        // Truncated bodies end with the caller closing its side (it has gone); bad syntax with the caller waiting for its 400.
        var (what, bytes, end) = _random.Next(8) switch
        {
            0 => ("Content-Length longer than the body", Concat(head + $"Content-Length: {body.Length + 1 + _random.Next(5000)}\r\n\r\n", cut), RawEnd.HalfClose),
            1 => ("a chunk size that is not hex", Concat(head + "Transfer-Encoding: chunked\r\n\r\n" + Pick(["zz", "-1", "0x10", "ffffffffffffffffff", " ", ""]) + "\r\n", cut), RawEnd.Listen),
            2 => ("chunks that stop", Concat(head + "Transfer-Encoding: chunked\r\n\r\n" + $"{cut.Length + 10:x}\r\n", cut), RawEnd.HalfClose),
            3 => ("both Content-Length and chunked", Concat(head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", body), RawEnd.Listen),
            4 => ("a Content-Length that is not a number", Concat(head + $"Content-Length: {Pick(["-5", "abc", "1e3", "99999999999999999999", "4, 5"])}\r\n\r\n", body), RawEnd.Listen),
            5 => ("random bytes", RandomBytes(_random.Next(1, 2000)), RawEnd.HalfClose),
            6 => ("a header line without a colon", Concat(head + "Broken header line\r\nContent-Length: 2\r\n\r\n", "{}"u8.ToArray()), RawEnd.Listen),
            _ => ("HTTP/1.0 with a truncated body", Concat(head.Replace("HTTP/1.1", "HTTP/1.0", StringComparison.Ordinal) + $"Content-Length: {body.Length}\r\n\r\n", cut), RawEnd.HalfClose),
        };
        return new($"raw: {what}", null, bytes, end);
    }

    private static HttpRequestMessage Request(string method, string path, string key, string? body, string contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (body is not null && method is not ("GET" or "HEAD" or "TRACE"))
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return request;
    }

    private string Mutate(string text)
    {
        var builder = new StringBuilder(text);
        for (var n = 1 + _random.Next(4); n > 0 && builder.Length > 0; n--)
        {
            var at = _random.Next(builder.Length);
            switch (_random.Next(6))
            {
                case 0:
                    builder[at] = (char)_random.Next(1, 128);
                    break;
                case 1:
                    builder.Remove(at, Math.Min(builder.Length - at, 1 + _random.Next(50)));
                    break;
                case 2:
                    builder.Insert(at, Pick(Tokens));
                    break;
                case 3:
                    builder.Length = at;
                    break;
                case 4:
                    builder.Insert(at, builder.ToString(at, Math.Min(builder.Length - at, 1 + _random.Next(200))));
                    break;
                default:
                    // A number swapped for one from the edges of the range, or outside it.
                    var comma = text.IndexOf(',', at % text.Length);
                    if (comma > 0 && comma < builder.Length)
                    {
                        builder.Insert(comma, Pick(["e38", "0", "9", "e-9", "E+2", "1e", "."]));
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    private string RandomJson(int depth) => (_random.Next(depth > 5 ? 3 : 7)) switch
    {
        0 => _random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
        1 => Pick(Tokens),
        2 => "\"" + RandomText(_random.Next(20)).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) + "\"",
        3 => "[" + string.Join(',', Enumerable.Range(0, _random.Next(5)).Select(_ => RandomJson(depth + 1))) + "]",
        4 => "{" + string.Join(',', Enumerable.Range(0, _random.Next(4)).Select(_ => $"\"{Pick(["inputs", "x", "inputs", ""])}\": {RandomJson(depth + 1)}")) + "}",
        5 => new string('[', 10 + _random.Next(5000)),
        _ => "{\"inputs\": [" + string.Join(',', Enumerable.Range(0, _random.Next(1, 4)).Select(_ => "[" + string.Join(',', Enumerable.Range(0, _random.Next(780, 790)).Select(_ => Pick(["0", "0.5", "1", "1.0000001", "-0"]))) + "]")) + "]}",
    };

    private string RandomText(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = _random.Next(10) == 0 ? (char)_random.Next(0x80, 0x2FFF) : (char)_random.Next(32, 127);
        }

        return new string(chars);
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private static byte[] Concat(string head, byte[] body) => [.. Encoding.UTF8.GetBytes(head), .. body];

    private static string Describe(string key) => key.Length > 20 ? $"a key of {key.Length} characters" : $"\"{key}\"";

    private static string Shorten(string text) => text.Length > 80 ? text[..40] + " ... " + text[^40..] : text;

    private static string ValidPredictBody()
    {
        var rows = Enumerable.Range(0, 2).Select(r => "[" + string.Join(',', TestVectors.Inputs.AsSpan(r * TestVectors.Pixels, TestVectors.Pixels).ToArray()
            .Select(v => Math.Round(v, 4).ToString(CultureInfo.InvariantCulture))) + "]");
        return "{\"inputs\": [" + string.Join(',', rows) + "]}";
    }
}
